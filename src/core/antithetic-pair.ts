/**
 * ARM's antithetic pair (Yin & Zhou 2019), as functions of the shared uniform u:
 * `b = 1[u < σ(φ)]` and `b̃ = 1[u > σ(−φ)]` (which is `1[1 − u < σ(φ)]`, DisARM's form).
 * Each is Bernoulli(σ(φ)); they differ exactly when u falls outside the overlap of the two
 * intervals, so `P(b ≠ b̃) = 1 − |1 − 2σ(φ)| = 2 min(σ(φ), 1 − σ(φ))` and they are equal with
 * probability `|1 − 2σ(φ)|`. Where they are equal, ARM's and DisARM's estimates are zero.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../errors';
import { bernoulliFromNoise } from './bernoulli';

export interface AntitheticSamples {
  /** `1[u < σ(φ)]`. */
  b: tf.Tensor2D;
  /** `1[u > σ(−φ)]`. */
  twin: tf.Tensor2D;
}

/** The pair for uniforms `u` (`logits` broadcasts against `u`); the caller disposes both. */
export function antitheticPair(logits: tf.Tensor, u: tf.Tensor): AntitheticSamples {
  return tf.tidy(() => ({
    b: bernoulliFromNoise(logits, u),
    twin: tf.cast(tf.greater(u, tf.sigmoid(tf.neg(logits))), 'float32') as tf.Tensor2D,
  }));
}

/** `P(b ≠ b̃) = 1 − |1 − 2σ(φ)|` for one unit with logit φ. */
export function pairDifferProbability(logit: number): number {
  if (typeof logit !== 'number' || Number.isNaN(logit)) throw new ArgumentError('logit', 'expected a number');
  const sigma = 1 / (1 + Math.exp(-logit));
  return 1 - Math.abs(1 - 2 * sigma);
}
