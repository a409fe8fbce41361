/**
 * Straight-through Gumbel-softmax for binary units (Jang, Gu & Poole 2017): forward the hard
 * sample `z = 1[φ + L > 0]`, `L = log u − log(1 − u)` (the threshold of the relaxed sample, so
 * `z = 1[u > σ(−φ)]`); backward through the relaxed `σ((φ + L)/τ)`. Biased; one evaluation of
 * f and a backward pass.
 */
import { straightThrough } from './straight-through';

export const gumbelSt = straightThrough(
  'Straight-through Gumbel (hard forward, relaxed backward)',
  'Jang, Gu & Poole 2017',
  (settings) => ({ kind: 'gumbel', temperature: settings.temperature }),
);
