/**
 * Minibatches that are a pure function of `(seed, step)`, so a run can stop and resume exactly.
 * Example positions `step · batchSize …` run through epochs: epoch `e` visits the examples in the
 * order of a permutation seeded from `(seed, e)`, without replacement; a batch may straddle two
 * epochs. Dynamic binarisation draws its uniforms from a seed mixed from `(seed, step)`.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger, messages } from '../errors';
import { batchImages } from './batch-images';
import { checkImages, checkMode } from './binarize';
import { mixSeeds, permutation } from './permutation';
import type { Split } from './split';

const batchModes = ['dynamic', 'threshold', 'none'] as const;
export type BatchBinarize = (typeof batchModes)[number];
export const BATCH_BINARIZE_MODES: readonly BatchBinarize[] = batchModes;

// Distinct streams for the shuffle and the binarisation noise of the same seed.
const SHUFFLE_STREAM = 1;
const NOISE_STREAM = 2;

export interface BatcherOptions {
  /** Examples per batch, 1 … n. */
  batchSize: number;
  /** Non-negative integer seed of every shuffle and every binarisation draw. */
  seed: number;
  binarize: BatchBinarize;
}

export interface Batch {
  images: tf.Tensor2D;
  labels: tf.Tensor1D;
}

export interface Batcher {
  /** Examples in the split. */
  readonly size: number;
  readonly batchSize: number;
  /** Row indices into the split of batch `step` (a plain array; no tensor is read). */
  indicesAt(step: number): Int32Array;
  /** Batch `step` (`step >= 0`, integer); the caller disposes both tensors. */
  batchAt(step: number): Batch;
}

function checkSplit(split: Split): number {
  const images = checkImages('split.images', split?.images);
  const labels = split.labels;
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new ArgumentError('split.labels', messages.shape(`[n] = [${images.shape[0]}]`, labels instanceof tf.Tensor ? labels.shape : []));
  }
  if (images.shape[0] < 1) throw new ArgumentError('split.images', 'expected at least one example');
  return images.shape[0];
}

/** A Batcher over `split`; see the module comment for how batches are chosen. */
export function createBatcher(split: Split, options: BatcherOptions): Batcher {
  const n = checkSplit(split);
  const batchSize = checkInteger('options.batchSize', options?.batchSize, 1);
  if (batchSize > n) throw new ArgumentError('options.batchSize', `expected at most the split size ${n}, got ${batchSize}`);
  const seed = checkInteger('options.seed', options.seed, 0);
  const mode = checkMode('options.binarize', options.binarize, BATCH_BINARIZE_MODES);

  // The labels, read once: a batch's labels are then uploaded, not gathered on the device.
  const labelValues = split.labels.dataSync();
  // Consecutive steps touch at most two epochs: keep the last two permutations.
  const cache = new Map<number, Int32Array>();
  const order = (epoch: number): Int32Array => {
    let perm = cache.get(epoch);
    if (!perm) {
      perm = permutation(n, mixSeeds(seed, SHUFFLE_STREAM, epoch));
      if (cache.size >= 2) cache.delete(cache.keys().next().value as number);
      cache.set(epoch, perm);
    }
    return perm;
  };

  const indicesAt = (step: number): Int32Array => {
    checkInteger('step', step, 0);
    const indices = new Int32Array(batchSize);
    const start = step * batchSize;
    for (let i = 0; i < batchSize; i++) {
      const position = start + i;
      indices[i] = order(Math.floor(position / n))[position % n];
    }
    return indices;
  };

  const batchAt = (step: number): Batch => {
    const indices = indicesAt(step);
    const images = batchImages(split.images, indices, mode === 'dynamic' ? { mode, seed: mixSeeds(seed, NOISE_STREAM, step) } : { mode });
    return { images, labels: tf.tensor1d(Array.from(indices, (row) => labelValues[row]), split.labels.dtype as 'int32' | 'float32') };
  };

  return { size: n, batchSize, indicesAt, batchAt };
}
