/**
 * NVIL (Mnih & Gregor 2014), the likelihood ratio with the three techniques of that paper, as in
 * MuProp's column "LR-C-VN-IDB" (Gu et al. 2016, "our implementation of NVIL") and the NVIL row of
 * ARM's Table 2: `ĝ = [(f(z) − c − b(x)) / max(1, √v)] (z − σ(φ))`, with c a moving average of f
 * (centring), b(x) a learned input-dependent baseline (a network of 100 tanh units the model owns,
 * trained to predict f − c), and v a moving average of the signal's variance (variance
 * normalisation). `max(1, √v) · ĝ` is unbiased; one evaluation of f. See learning-signal.ts.
 */
import { composedScoreFunction } from './learning-signal';
import type { EstimatorSpec } from './types';

export const nvil: EstimatorSpec = {
  title: 'NVIL (centred, variance-normalised, input-dependent baseline)',
  reference: 'Mnih & Gregor 2014',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 1,
  family: 'score-function',
  inNetworks: true,
  learned: 'input-baseline',
  normalised: true,
  run: (context) => composedScoreFunction(context, { centre: true, inputBaseline: true, normalise: true }),
};
