/** The antithetic pair shared by ARM and DisARM, evaluated in one call of f. */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import type { CheckedObjective } from './objective';

/** Evaluates f on `[first; second]` stacked, returning the two halves of the values. */
export function evaluatePair(f: CheckedObjective, first: tf.Tensor2D, second: tf.Tensor2D) {
  const rows = first.shape[0];
  const values = f(tf.concat([first, second], 0));
  const [a, b] = tf.split(values, [rows, rows]);
  return { first: a as tf.Tensor1D, second: b as tf.Tensor1D };
}

/** `1[u < σ(φ)]` and its antithetic twin `1[1 − u < σ(φ)] = 1[u > σ(−φ)]`. */
export function antitheticSamples(logits: tf.Tensor1D, u: tf.Tensor2D) {
  return { b: bernoulliFromNoise(logits, u), twin: bernoulliFromNoise(logits, tf.sub(1, u)) };
}
