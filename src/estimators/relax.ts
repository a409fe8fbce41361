/**
 * RELAX (Grathwohl, Choi, Wu, Roeder & Duvenaud 2018): the relaxed control variate with a
 * caller-supplied differentiable surrogate `c` (`options.surrogate`), typically
 * `η f(σ(·/τ))` plus a small network trained to minimise the estimator's variance (training it
 * belongs to the training loop). Unbiased for any c; f is only evaluated (once per draw), so
 * it may be a black box; c is evaluated twice per draw and backpropagated.
 */
import { ArgumentError } from '../errors';
import { checkedObjective } from './objective';
import { relaxedControlVariate } from './relaxed-control-variate';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

export const relax: EstimatorSpec = {
  title: 'RELAX (caller-supplied surrogate)',
  reference: 'Grathwohl, Choi, Wu, Roeder & Duvenaud 2018',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 1,
  family: 'relaxed-control-variate',
  inNetworks: false, // as REBAR: its relaxed control variate needs every later layer relaxed too
  learned: 'surrogate',
  run(context: EstimatorContext): EstimatorOutput {
    const surrogate = context.surrogate;
    if (typeof surrogate !== 'function') {
      throw new ArgumentError('options.surrogate', 'relax needs a differentiable surrogate c(relaxed z) -> [n]');
    }
    const checked = checkedObjective(surrogate, 'options.surrogate');
    return { perSample: relaxedControlVariate(context, checked, 'options.surrogate') };
  },
};
