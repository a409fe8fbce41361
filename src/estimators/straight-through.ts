/**
 * Straight-through estimators (Bengio et al. 2013, 1b; Hinton's lectures 2012; Chung et al.
 * 2016 for the slope). Forward: the hard sample `z = 1[u < σ(φ)]`. Backward:
 * `ĝ = ∂f/∂z (at the sample) ⊙ ∂z/∂φ` with `∂z/∂φ` replaced by
 * - `st`:          1 (copy the gradient to the sigmoid's argument);
 * - `st-sigmoid`:  σ'(φ);
 * - `st-annealed`: s σ'(s φ) for the slope s (`options.slope`).
 * Biased (exact only when f is linear and the rule is σ'). One evaluation of f and a backward pass.
 * Inside a network the same rules run as the custom-gradient op `straightThroughSample`.
 */
import * as tf from '@tensorflow/tfjs';
import { hardSample, straightThroughSample, surrogateDerivative, type SurrogateDerivative } from '../core/straight-through';
import { objectiveGradientAt } from './autodiff';
import type { EstimatorContext, EstimatorSpec, PathwiseSettings } from './types';

/** `∂f/∂z` at the hard sample times the surrogate `∂z/∂φ` of `rule`. */
export function straightThroughEstimate(context: EstimatorContext, rule: SurrogateDerivative): tf.Tensor2D {
  const z = hardSample(context.logits, context.u, rule) as tf.Tensor2D;
  return tf.mul(objectiveGradientAt(context, z), surrogateDerivative(context.logits, context.u, rule)) as tf.Tensor2D;
}

/** A straight-through estimator: `run` for one problem, `pathwise` as the op inside networks. */
export function straightThrough(
  title: string,
  reference: string,
  rule: (settings: PathwiseSettings) => SurrogateDerivative,
): EstimatorSpec {
  return {
    title,
    reference,
    unbiased: false,
    needsGradient: true,
    evaluationsPerSample: 1,
    minSamples: 1,
    run: (context) => ({ perSample: straightThroughEstimate(context, rule(context)) }),
    pathwise: (logits, u, settings) => straightThroughSample(logits, u, rule(settings)),
  };
}

const BENGIO = 'Bengio, Léonard & Courville 2013';

export const st = straightThrough('Straight-through, identity', BENGIO, () => ({ kind: 'identity' }));
export const stSigmoid = straightThrough('Straight-through, sigmoid derivative', BENGIO, () => ({ kind: 'sigmoid' }));
export const stAnnealed = straightThrough('Straight-through, slope-annealed sigmoid', BENGIO, (s) => ({
  kind: 'annealed',
  slope: s.slope,
}));
