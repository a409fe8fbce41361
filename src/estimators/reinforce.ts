/**
 * REINFORCE / score function / likelihood ratio (Williams 1992; Bengio et al. 2013, 1a):
 * `ĝ_i = f(z) (z_i − σ(φ_i))`, `z = 1[u < σ(φ)]`. Unbiased; one evaluation of f; f may be
 * any function (not differentiated). High variance without a baseline.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise, bernoulliScore } from '../core/bernoulli';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

/** The samples, their objective values and their scores `z − σ(φ)`, shared by the REINFORCE family. */
export function scoreFunctionTerms(context: EstimatorContext) {
  const z = bernoulliFromNoise(context.logits, context.u);
  return { z, values: context.f(z), score: bernoulliScore(z, context.logits) };
}

/** `(f − b) ⊙ score` with a baseline `b` of shape `[samples, 1]` or `[samples, d]`. */
export function centredScore(values: tf.Tensor1D, baseline: tf.Tensor, score: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.sub(values.expandDims(1), baseline), score) as tf.Tensor2D;
}

export const reinforce: EstimatorSpec = {
  title: 'REINFORCE (no baseline)',
  reference: 'Williams 1992; Bengio, Léonard & Courville 2013',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 1,
  run(context: EstimatorContext): EstimatorOutput {
    const { values, score } = scoreFunctionTerms(context);
    return { perSample: tf.mul(values.expandDims(1), score) as tf.Tensor2D };
  },
};
