/**
 * REINFORCE / score function / likelihood ratio (Williams 1992; Bengio et al. 2013, 1a):
 * `ĝ_i = (f(z) − b_i) (z_i − σ(φ_i))`, `z = 1[u < σ(φ)]`. Unbiased for any baseline b that does
 * not depend on the current draw; one evaluation of f, which may be any function. Baselines plug
 * in (reinforce-ema, reinforce-optimal, reinforce-loo); without one the variance is high.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliScore } from '../core/bernoulli';
import { drawnSample } from './drawn-sample';
import type { BaselineState, EstimatorContext, EstimatorSpec } from './types';

/** A baseline for draw k, `[samples, 1]` (shared) or `[samples, d]` (per unit), from the draws. */
export type Baseline = (
  context: EstimatorContext,
  values: tf.Tensor1D,
  score: tf.Tensor2D,
) => { baseline: tf.Tensor; state?: BaselineState };

/** A score-function estimator with the given baseline. */
export function scoreFunction(
  title: string,
  reference: string,
  minSamples: number,
  baseline?: Baseline,
): EstimatorSpec {
  return {
    title,
    reference,
    unbiased: true,
    needsGradient: false,
    evaluationsPerSample: 1,
    minSamples,
    family: 'score-function',
    inNetworks: true,
    run(context) {
      const z = drawnSample(context);
      const values = context.f(z);
      const score = bernoulliScore(z, context.logits);
      if (!baseline) return { perSample: tf.mul(values.expandDims(1), score) as tf.Tensor2D };
      const b = baseline(context, values, score);
      const centred = tf.sub(values.expandDims(1), b.baseline);
      return { perSample: tf.mul(centred, score) as tf.Tensor2D, ...(b.state ? { baseline: b.state } : {}) };
    },
  };
}

export const reinforce = scoreFunction('REINFORCE (no baseline)', 'Williams 1992; Bengio, Léonard & Courville 2013', 1);
