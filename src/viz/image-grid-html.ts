/**
 * An image grid (image-grid.ts) as an HTML `<img>` that any notebook front end shows offline: the
 * bitmap encoded as an uncompressed 32-bit BMP in a data URI (no compression library needed, the
 * same bytes in every runtime), drawn `scale` times larger without smoothing.
 *
 * ```ts
 * showImageGrid(imageGrid(images, { columns: 8 }), { scale: 3, caption: 'reconstructions' });
 * ```
 */
import { ArgumentError, checkInteger } from '../errors';
import { escapeHtml } from './escape-html';
import type { ImageGrid } from './image-grid';

const HEADER_BYTES = 14 + 40;

/** The grid as the bytes of a bottom-up BGRA BMP file. */
export function imageGridBmp(grid: ImageGrid): Uint8Array {
  const { width, height, rgba } = grid;
  if (!(rgba instanceof Uint8ClampedArray) || rgba.length !== width * height * 4)
    throw new ArgumentError('grid', 'expected an ImageGrid { width, height, rgba } from imageGrid');
  const bytes = new Uint8Array(HEADER_BYTES + width * height * 4);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42; // 'B'
  bytes[1] = 0x4d; // 'M'
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, HEADER_BYTES, true);
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, width, true);
  view.setInt32(22, height, true); // positive: rows bottom-up
  view.setUint16(26, 1, true);
  view.setUint16(28, 32, true);
  for (let y = 0; y < height; y++) {
    const row = HEADER_BYTES + (height - 1 - y) * width * 4;
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      bytes[row + x * 4] = rgba[from + 2];
      bytes[row + x * 4 + 1] = rgba[from + 1];
      bytes[row + x * 4 + 2] = rgba[from];
      bytes[row + x * 4 + 3] = rgba[from + 3];
    }
  }
  return bytes;
}

function base64(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1] ?? 0, bytes[i + 2] ?? 0];
    out += alphabet[a >> 2] + alphabet[((a & 3) << 4) | (b >> 4)];
    out += i + 1 < bytes.length ? alphabet[((b & 15) << 2) | (c >> 6)] : '=';
    out += i + 2 < bytes.length ? alphabet[c & 63] : '=';
  }
  return out;
}

export interface ImageGridHtmlOptions {
  /** Drawn this many times larger (default 3). */
  scale?: number;
  /** A line of text under the images. */
  caption?: string;
}

/** `<figure><img …><figcaption>…</figcaption></figure>` showing the grid. */
export function imageGridHtml(grid: ImageGrid, options: ImageGridHtmlOptions = {}): string {
  const scale = checkInteger('options.scale', options.scale ?? 3, 1);
  const src = `data:image/bmp;base64,${base64(imageGridBmp(grid))}`;
  const caption = options.caption ? `<figcaption>${escapeHtml(options.caption)}</figcaption>` : '';
  return (
    `<figure class="stochgrad-images" style="margin:0.5em 0">` +
    `<img src="${src}" width="${grid.width * scale}" height="${grid.height * scale}" ` +
    `style="image-rendering:pixelated" alt="${escapeHtml(options.caption ?? 'images')}">${caption}</figure>`
  );
}
