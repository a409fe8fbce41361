/** Fixed, binarised evaluation subsets, so that every evaluation of a run sees the same data. */
import * as tf from '@tensorflow/tfjs';
import { binarize } from '../../data/binarize';
import type { Split } from '../../data/split';

/** The first `count` examples of `split` (all when count is larger), binarised with a fixed seed. */
export function evaluationImages(split: Split, count: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const n = Math.min(count, split.images.shape[0]);
    const images = tf.slice(split.images, [0, 0], [n, -1]) as tf.Tensor2D;
    return binarize(images, { mode: 'dynamic', seed });
  });
}

/** The first `count` labels of `split`. */
export function evaluationLabels(split: Split, count: number): tf.Tensor1D {
  const n = Math.min(count, split.labels.shape[0]);
  return tf.slice(split.labels, [0], [n]) as tf.Tensor1D;
}

/** Mean of a `[n]` tensor as a number, disposing it. */
export function meanOf(values: tf.Tensor): number {
  const mean = tf.tidy(() => tf.mean(values).dataSync()[0]);
  values.dispose();
  return mean;
}
