/**
 * Data sets over `fetch`: the packed digits that ship with stochgrad (`mnist-2k`, next to the
 * bundle in dist/browser/), or any packed binary-digits file at a URL. The same parser as Node's
 * `loadDataset('mnist-2k')`, so a page trains on exactly the digits Node does.
 */
import { ArgumentError, messages } from '../errors';
import { parseBinaryDigits } from '../data/binary-digits';
import { DataFileError } from '../data/idx';
import { MNIST_2K_FILE } from '../data/mnist-2k';
import type { Dataset } from '../data/split';
import { libraryFolder } from './location';

/** The data sets a browser can fetch by name. */
export const FETCHABLE_DATASETS = ['mnist-2k'] as const;

export interface FetchDatasetOptions {
  /** Where the file is. Default: next to the bundle. */
  url?: string | URL;
}

/** Fetches and parses a data set; the caller disposes it (`disposeDataset`). */
export async function fetchDataset(name: string, options: FetchDatasetOptions = {}): Promise<Dataset> {
  if (!(FETCHABLE_DATASETS as readonly string[]).includes(name)) {
    throw new ArgumentError('name', messages.unknownName('dataset', String(name), FETCHABLE_DATASETS));
  }
  const url = new URL(String(options.url ?? MNIST_2K_FILE), libraryFolder()).href;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const hint = url.startsWith('file:')
      ? '; pages opened from file:// cannot fetch files: serve the folder over http'
      : '';
    throw new DataFileError(url, `could not be fetched (${(error as Error).message})${hint}`);
  }
  if (!response.ok) throw new DataFileError(url, `could not be fetched (HTTP ${response.status})`);
  return parseBinaryDigits(new Uint8Array(await response.arrayBuffer()), url);
}
