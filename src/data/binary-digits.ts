/**
 * Binary digits, packed: the format of the small data set that ships with stochgrad for pages
 * and quick runs (`mnist-2k`: data/mnist-2k.bin, derived by scripts/pack-digits.js). Images are
 * thresholded (`x = 1[pixel > 0.5]`, static binarisation) and stored one bit per pixel, so 2,000
 * digits take 196 KB; parsing is plain byte work, the same in Node (a file) and in a browser (a
 * `fetch`).
 *
 * Layout, integers big-endian uint32:
 *
 *   0   magic "SGBD"        4   version (1)
 *   8   rows (28)           12  cols (28)
 *   16  train count         20  valid count        24  test count
 *   28  labels, one byte each (train, valid, test in order)
 *   …   images, ⌈rows·cols/8⌉ bytes each, row-major pixels, most significant bit first
 */
import * as tf from '@tensorflow/tfjs';
import { DataFileError } from './idx';
import { IMAGE_PIXELS, IMAGE_SIDE, type Dataset, type Split } from './split';

const MAGIC = [0x53, 0x47, 0x42, 0x44]; // "SGBD"
const VERSION = 1;
const HEADER_BYTES = 28;
const BYTES_PER_IMAGE = Math.ceil(IMAGE_PIXELS / 8);
const SPLITS = ['train', 'valid', 'test'] as const;

/** The packed file of `splits`, each image thresholded at 0.5 (pixels in [0, 1], `[n, 784]`). */
export function packBinaryDigits(splits: Dataset): Uint8Array {
  const counts = SPLITS.map((name) => splits[name].images.shape[0]);
  const n = counts.reduce((a, b) => a + b, 0);
  const bytes = new Uint8Array(HEADER_BYTES + n + n * BYTES_PER_IMAGE);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  [VERSION, IMAGE_SIDE, IMAGE_SIDE, ...counts].forEach((value, k) => view.setUint32(4 + 4 * k, value));
  let item = 0;
  for (const name of SPLITS) {
    const pixels = splits[name].images.dataSync();
    const labels = splits[name].labels.dataSync();
    for (let i = 0; i < labels.length; i++, item++) {
      bytes[HEADER_BYTES + item] = labels[i];
      const image = HEADER_BYTES + n + item * BYTES_PER_IMAGE;
      for (let p = 0; p < IMAGE_PIXELS; p++) {
        if (pixels[i * IMAGE_PIXELS + p] > 0.5) bytes[image + (p >> 3)] |= 0x80 >> (p & 7);
      }
    }
  }
  return bytes;
}

function splitOf(bytes: Uint8Array, labelsAt: number, imagesAt: number, start: number, count: number): Split {
  const values = new Float32Array(count * IMAGE_PIXELS);
  for (let i = 0; i < count; i++) {
    const image = imagesAt + (start + i) * BYTES_PER_IMAGE;
    for (let p = 0; p < IMAGE_PIXELS; p++) values[i * IMAGE_PIXELS + p] = (bytes[image + (p >> 3)] >> (7 - (p & 7))) & 1;
  }
  return {
    images: tf.tensor2d(values, [count, IMAGE_PIXELS], 'float32'),
    labels: tf.tensor1d(Int32Array.from(bytes.subarray(labelsAt + start, labelsAt + start + count)), 'int32'),
  };
}

/**
 * The Dataset of a packed file: `[n, 784]` float32 images of 0 and 1, int32 labels; the caller
 * disposes it. `source` (a path or URL) names the file in errors.
 */
export function parseBinaryDigits(bytes: Uint8Array, source: string): Dataset {
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataFileError(source, 'is not a packed binary-digits file (it should start with "SGBD")');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, rows, cols, ...counts] = Array.from({ length: 6 }, (_, k) => view.getUint32(4 + 4 * k));
  if (version !== VERSION) throw new DataFileError(source, `has format version ${version}; this stochgrad reads version ${VERSION}`);
  if (rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) throw new DataFileError(source, `holds ${rows}×${cols} images; expected 28×28`);
  const n = counts.reduce((a, b) => a + b, 0);
  const expected = HEADER_BYTES + n + n * BYTES_PER_IMAGE;
  if (bytes.length !== expected) throw new DataFileError(source, `has ${bytes.length} bytes; its header (${counts.join(' / ')} digits) needs ${expected}`);
  const labelsAt = HEADER_BYTES;
  const imagesAt = HEADER_BYTES + n;
  for (let i = 0; i < n; i++) {
    if (bytes[labelsAt + i] > 9) throw new DataFileError(source, `label ${i} is ${bytes[labelsAt + i]}, not a digit 0–9`);
  }
  const [train, valid] = counts;
  return {
    train: splitOf(bytes, labelsAt, imagesAt, 0, counts[0]),
    valid: splitOf(bytes, labelsAt, imagesAt, train, counts[1]),
    test: splitOf(bytes, labelsAt, imagesAt, train + valid, counts[2]),
  };
}
