/**
 * MuProp (Gu, Levine, Sutskever & Mnih 2016): REINFORCE with the first-order Taylor expansion
 * of f around the mean-field point `z̄ = σ(φ)` as control variate, its mean added back:
 * `ĝ = [f(z) − f(z̄) − f'(z̄)ᵀ(z − z̄)] (z − σ(φ)) + f'(z̄) ⊙ σ'(φ)`.
 * Unbiased; one evaluation of f per draw plus one mean-field evaluation and backward pass per batch.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise, bernoulliScore, sigmoidDerivative } from '../core/bernoulli';
import { differentiateThrough } from './autodiff';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

export const muprop: EstimatorSpec = {
  title: 'MuProp (Taylor control variate)',
  reference: 'Gu, Levine, Sutskever & Mnih 2016',
  unbiased: true,
  needsGradient: true,
  evaluationsPerSample: 1,
  minSamples: 1,
  run(context: EstimatorContext): EstimatorOutput {
    const meanField = tf.sigmoid(context.logits).reshape([1, context.d]) as tf.Tensor2D;
    const { value: fBar, grad: slope } = differentiateThrough(context, () =>
      tf.valueAndGrad((zBar: tf.Tensor2D) => tf.sum(context.f(zBar)))(meanField),
    );
    const z = bernoulliFromNoise(context.logits, context.u);
    const values = context.f(z);
    const score = bernoulliScore(z, context.logits);
    const taylor = tf.add(fBar, tf.sum(tf.mul(tf.sub(z, meanField), slope), 1));
    const residual = tf.sub(values, taylor).expandDims(1);
    const meanOfControlVariate = tf.mul(slope, sigmoidDerivative(context.logits));
    return { perSample: tf.add(tf.mul(residual, score), meanOfControlVariate) as tf.Tensor2D };
  },
};
