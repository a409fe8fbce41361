/** `mnist-2k` in Node: the shipped file data/mnist-2k.bin of the checkout or installed package. */
import * as fs from 'fs';
import * as path from 'path';
import { parseBinaryDigits } from './binary-digits';
import { DataFileError } from './idx';
import { projectRoot } from './locate';
import { MNIST_2K_FILE } from './mnist-2k';
import type { Dataset } from './split';

/** Where the file is: data/ of the stochgrad checkout or installed package. */
export function mnist2kPath(): string {
  const root = projectRoot();
  if (!root) throw new DataFileError(MNIST_2K_FILE, 'cannot be found: no stochgrad package.json above this module');
  return path.join(root, 'data', MNIST_2K_FILE);
}

export function loadMnist2k(): Dataset {
  const file = mnist2kPath();
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new DataFileError(file, `cannot be read (${(error as Error).message}); it ships with stochgrad (reinstall it)`);
  }
  return parseBinaryDigits(bytes, file);
}
