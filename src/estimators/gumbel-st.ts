/**
 * Straight-through Gumbel-softmax for binary units (Jang, Gu & Poole 2017): forward the hard
 * sample `z = 1[φ + L > 0]`, `L = log u − log(1 − u)` (the threshold of the relaxed sample, so
 * `z = 1[u > σ(−φ)]`); backward through the relaxed `σ((φ + L)/τ)`. Biased; one evaluation of
 * f and a backward pass.
 */
import { straightThroughEstimate } from './straight-through';
import type { EstimatorSpec } from './types';

export const gumbelSt: EstimatorSpec = {
  title: 'Straight-through Gumbel (hard forward, relaxed backward)',
  reference: 'Jang, Gu & Poole 2017',
  unbiased: false,
  needsGradient: true,
  evaluationsPerSample: 1,
  minSamples: 1,
  run: (context) => ({ perSample: straightThroughEstimate(context, { kind: 'gumbel', temperature: context.temperature }) }),
};
