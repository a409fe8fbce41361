/**
 * Straight-through estimators (Bengio et al. 2013, 1b; Hinton's lectures 2012; Chung et al.
 * 2016 for the slope). Forward: the hard sample `z = 1[u < σ(φ)]`. Backward:
 * `ĝ = ∂f/∂z (at the sample) ⊙ ∂z/∂φ` with `∂z/∂φ` replaced by
 * - `st`:          1 (copy the gradient to the sigmoid's argument);
 * - `st-sigmoid`:  σ'(φ);
 * - `st-annealed`: s σ'(s φ) for the slope s (`options.slope`).
 * Biased (exact only when f is linear and the rule is σ'). One evaluation of f and a backward pass.
 */
import { straightThroughSample, type SurrogateDerivative } from '../core/straight-through';
import { perSampleGradient } from './autodiff';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

function straightThrough(title: string, rule: (context: EstimatorContext) => SurrogateDerivative): EstimatorSpec {
  return {
    title,
    reference: 'Bengio, Léonard & Courville 2013',
    unbiased: false,
    needsGradient: true,
    evaluationsPerSample: 1,
    minSamples: 1,
    run(context: EstimatorContext): EstimatorOutput {
      const surrogate = rule(context);
      return { perSample: perSampleGradient(context, (phi) => straightThroughSample(phi, context.u, surrogate)) };
    },
  };
}

export const st = straightThrough('Straight-through, identity', () => ({ kind: 'identity' }));
export const stSigmoid = straightThrough('Straight-through, sigmoid derivative', () => ({ kind: 'sigmoid' }));
export const stAnnealed = straightThrough('Straight-through, slope-annealed sigmoid', (c) => ({
  kind: 'annealed',
  slope: c.slope,
}));
