/**
 * Binary Concrete / Gumbel-softmax relaxation (Maddison, Mnih & Teh 2017; Jang et al. 2017):
 * evaluate f at the relaxed sample `σ((φ + log u − log(1 − u)) / τ)` and backpropagate.
 * Unbiased for the relaxed objective, biased for the binary one (the bias shrinks with τ while
 * the variance grows). One evaluation of f and a backward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { logisticNoise } from '../core/bernoulli';
import { perSampleGradient } from './autodiff';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

/** `σ((φ + L(u)) / τ)`: the relaxed sample, differentiable in φ. */
export function relaxedSample(logits: tf.Tensor, u: tf.Tensor, temperature: number): tf.Tensor2D {
  return tf.sigmoid(tf.div(tf.add(logits, logisticNoise(u)), temperature)) as tf.Tensor2D;
}

export const concrete: EstimatorSpec = {
  title: 'Binary Concrete (relaxed)',
  reference: 'Maddison, Mnih & Teh 2017; Jang, Gu & Poole 2017',
  unbiased: false,
  needsGradient: true,
  evaluationsPerSample: 1,
  minSamples: 1,
  family: 'pathwise',
  inNetworks: true,
  run(context: EstimatorContext): EstimatorOutput {
    return { perSample: perSampleGradient(context, (phi) => relaxedSample(phi, context.u, context.temperature)) };
  },
  pathwise: (logits, u, settings) => relaxedSample(logits, u, settings.temperature),
};
