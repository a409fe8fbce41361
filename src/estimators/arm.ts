/**
 * ARM, augment-REINFORCE-merge (Yin & Zhou 2019):
 * `ĝ = [f(1[u > σ(−φ)]) − f(1[u < σ(φ)])] ⊙ (u − 1/2)`.
 * Unbiased; two evaluations of f sharing one u; f need not be differentiable.
 */
import * as tf from '@tensorflow/tfjs';
import { antitheticSamples, evaluatePair } from './antithetic';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

export const arm: EstimatorSpec = {
  title: 'ARM (augment-REINFORCE-merge)',
  reference: 'Yin & Zhou 2019',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 2,
  minSamples: 1,
  run(context: EstimatorContext): EstimatorOutput {
    const { b, twin } = antitheticSamples(context.logits, context.u);
    const { first: fB, second: fTwin } = evaluatePair(context.f, b, twin);
    const signal = tf.sub(fTwin, fB).expandDims(1);
    return { perSample: tf.mul(signal, tf.sub(context.u, 0.5)) as tf.Tensor2D };
  },
};
