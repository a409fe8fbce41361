/** Fixed, binarised evaluation subsets, so that every evaluation of a run sees the same data. */
import * as tf from '@tensorflow/tfjs';
import { binarize } from '../../data/binarize';
import type { Split } from '../../data/split';

/** Examples of the periodic evaluation subsets when the config does not say (`evalExamples`). */
export const EVAL_EXAMPLES = 1000;

/**
 * Validation examples of the periodic 100-sample evaluations — the VAE's bound, the structured
 * output NLL — when the config does not say (`boundExamples`), and never more than the subsets'
 * `evalExamples`. Each example costs 100 passes through the model (the bound of 1,000 examples
 * took ~2.5 s on wasm, a third of 1,000 training steps of the linear VAE); the first 200 keep
 * the evaluation near a tenth of a run evaluated every 1,000 steps. The subset is the same at
 * every evaluation and for every estimator, so curves stay comparable; its mean differs from the
 * whole validation split's by about σ/√200 (σ ≈ 70 nats between examples on Fashion-MNIST), and
 * the final test evaluation uses the whole test split.
 */
export const BOUND_EXAMPLES = 200;

/** The sizes of a task's periodic evaluation subsets: `evalExamples`, and the bound's share of them. */
export function evaluationSizes(config: { evalExamples?: number; boundExamples?: number }): {
  examples: number;
  boundExamples: number;
} {
  const examples = config.evalExamples ?? EVAL_EXAMPLES;
  return { examples, boundExamples: Math.min(config.boundExamples ?? BOUND_EXAMPLES, examples) };
}

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
