/** A Dataset from four IDX files: the end of the training file is the validation split. */
import { DataFileError, type IdxImages } from './idx';
import { readIdxPair } from './idx-files';
import type { IdxPaths } from './locate';
import { IMAGE_SIDE, splitFromBytes, type Dataset } from './split';

/** Validation size when the training file holds at least `2 · VALID_SIZE` images. */
export const VALID_SIZE = 10000;

/** Size of the validation split cut from the end of `trainCount` training images: 10,000, or 10% (rounded up) below 20,000. */
export function validationSize(trainCount: number): number {
  return trainCount >= 2 * VALID_SIZE ? VALID_SIZE : Math.ceil(trainCount / 10);
}

export interface IdxDatasetOptions {
  /** Exact image counts the files must hold (a known data set), else any counts are accepted. */
  expected?: { train: number; test: number };
  /** How to get the data, appended to every file error. */
  hint: string;
}

function checkImages(file: string, images: IdxImages, minimum: number, expected: number | undefined): void {
  if (images.rows !== IMAGE_SIDE || images.cols !== IMAGE_SIDE) {
    throw new DataFileError(file, `holds ${images.rows}×${images.cols} images; expected 28×28`);
  }
  if (expected !== undefined && images.count !== expected) {
    throw new DataFileError(file, `holds ${images.count} images; expected ${expected}`);
  }
  if (images.count < minimum) throw new DataFileError(file, `holds ${images.count} images; expected at least ${minimum}`);
}

function readChecked(paths: IdxPaths, options: IdxDatasetOptions) {
  const train = readIdxPair(paths.trainImages, paths.trainLabels);
  const test = readIdxPair(paths.testImages, paths.testLabels);
  checkImages(paths.trainImages, train.images, 2, options.expected?.train);
  checkImages(paths.testImages, test.images, 1, options.expected?.test);
  return { train, test };
}

/**
 * Reads the four files: train = the training file without its last `validationSize(n)` images,
 * valid = those last images, test = the t10k file. Every file error ends with `options.hint`.
 */
export function loadIdxDataset(paths: IdxPaths, options: IdxDatasetOptions): Dataset {
  let files: ReturnType<typeof readChecked>;
  try {
    files = readChecked(paths, options);
  } catch (error) {
    if (error instanceof DataFileError) throw new DataFileError(error.file, `${error.detail}. ${options.hint}`);
    throw error;
  }
  const { train, test } = files;
  const n = train.images.count;
  const trainCount = n - validationSize(n);
  return {
    train: splitFromBytes(train.images.pixels, train.labels.labels, 0, trainCount),
    valid: splitFromBytes(train.images.pixels, train.labels.labels, trainCount, n - trainCount),
    test: splitFromBytes(test.images.pixels, test.labels.labels, 0, test.images.count),
  };
}
