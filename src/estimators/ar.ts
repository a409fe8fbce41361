/**
 * AR, augment-REINFORCE (Yin & Zhou 2019): `ĝ = f(1[u < σ(φ)]) ⊙ (1 − 2u)`.
 * Unbiased; one evaluation of f, which need not be differentiable.
 */
import * as tf from '@tensorflow/tfjs';
import { drawnSample } from './drawn-sample';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

export const ar: EstimatorSpec = {
  title: 'AR (augment-REINFORCE)',
  reference: 'Yin & Zhou 2019',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 1,
  family: 'score-function',
  inNetworks: true,
  run(context: EstimatorContext): EstimatorOutput {
    const values = context.f(drawnSample(context));
    return { perSample: tf.mul(values.expandDims(1), tf.sub(1, tf.mul(2, context.u))) as tf.Tensor2D };
  },
};
