/**
 * The antithetic pair shared by ARM and DisARM: `b = 1[u < σ(φ)]` and its twin
 * `b̃ = 1[1 − u < σ(φ)] = 1[u > σ(−φ)]`, evaluated with common random numbers. Both estimators are
 * unbiased, make two evaluations of f per estimate and never differentiate it.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { drawnSample } from './drawn-sample';
import type { EstimatorContext, EstimatorSpec } from './types';

export interface AntitheticPair {
  b: tf.Tensor2D;
  twin: tf.Tensor2D;
  /** f(b) and f(b̃), `[samples]` each. */
  fB: tf.Tensor1D;
  fTwin: tf.Tensor1D;
}

function evaluatePair(context: EstimatorContext): AntitheticPair {
  const b = drawnSample(context);
  const twin = bernoulliFromNoise(context.logits, tf.sub(1, context.u));
  // Two calls rather than one stacked call: inside a network, f(b) at the path's own sample is
  // already known, so only the twin costs a forward pass.
  return { b, twin, fB: context.f(b), fTwin: context.f(twin) };
}

/** An estimator built from the evaluated antithetic pair. */
export function antithetic(
  title: string,
  reference: string,
  combine: (context: EstimatorContext, pair: AntitheticPair) => tf.Tensor,
): EstimatorSpec {
  return {
    title,
    reference,
    unbiased: true,
    needsGradient: false,
    evaluationsPerSample: 2,
    minSamples: 1,
    family: 'antithetic',
    inNetworks: true,
    run: (context) => ({ perSample: combine(context, evaluatePair(context)) as tf.Tensor2D }),
  };
}
