/** The draw `z = 1[u < σ(φ)]` of an estimator's problem. */
import { bernoulliFromNoise } from '../core/bernoulli';
import type { EstimatorContext } from './types';

/** `context.sample` when the caller supplied it, else `1[u < σ(φ)]` from the context's noise. */
export function drawnSample(context: EstimatorContext) {
  return context.sample ?? bernoulliFromNoise(context.logits, context.u);
}
