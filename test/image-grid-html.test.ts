/** Image grids as HTML (viz/image-grid-html.ts): a valid bottom-up 32-bit BMP in a data URI. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError, imageGrid, imageGridHtml } from '../src';
import { imageGridBmp } from '../src/viz/image-grid-html';

test('imageGridBmp: header, size and pixels of a bottom-up BGRA bitmap', () => {
  const values = Float32Array.from({ length: 2 * 4 }, (_, i) => i / 7); // two 2×2 images
  const grid = imageGrid(values, { side: 2, columns: 2, gap: 1 });
  const bmp = imageGridBmp(grid);
  const view = new DataView(bmp.buffer);
  assert.equal(String.fromCharCode(bmp[0], bmp[1]), 'BM');
  assert.equal(view.getUint32(2, true), bmp.length);
  assert.equal(view.getInt32(18, true), grid.width);
  assert.equal(view.getInt32(22, true), grid.height);
  assert.equal(view.getUint16(28, true), 32);
  const offset = view.getUint32(10, true);
  for (let y = 0; y < grid.height; y++) {
    for (let x = 0; x < grid.width; x++) {
      const from = (y * grid.width + x) * 4;
      const to = offset + ((grid.height - 1 - y) * grid.width + x) * 4;
      assert.deepEqual(
        [bmp[to + 2], bmp[to + 1], bmp[to], bmp[to + 3]],
        Array.from(grid.rgba.slice(from, from + 4)),
        `pixel (${x}, ${y})`,
      );
    }
  }
  const html = imageGridHtml(grid, { scale: 4, caption: 'a <caption>' });
  assert.match(html, /^<figure[^>]*><img src="data:image\/bmp;base64,Qk/);
  assert.match(html, new RegExp(`width="${grid.width * 4}" height="${grid.height * 4}"`));
  assert.match(html, /<figcaption>a &lt;caption&gt;<\/figcaption>/);
  const decoded = Buffer.from(html.match(/base64,([^"]+)"/)![1], 'base64');
  assert.deepEqual(new Uint8Array(decoded), bmp, 'the data URI holds the bitmap');
  assert.throws(() => imageGridHtml(grid, { scale: 0 }), ArgumentError);
});
