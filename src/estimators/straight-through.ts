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
import {
  hardSample,
  straightThroughSample,
  surrogateDerivative,
  type SurrogateDerivative,
} from '../core/straight-through';
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
    family: 'pathwise',
    inNetworks: true,
    run: (context) => ({ perSample: straightThroughEstimate(context, rule(context)) }),
    pathwise: (logits, u, settings) => straightThroughSample(logits, u, rule(settings)),
  };
}

const BENGIO = 'Bengio, Léonard & Courville 2013';

export const st = straightThrough('Straight-through, identity', BENGIO, () => ({ kind: 'identity' }));
export const stSigmoid = straightThrough('Straight-through, sigmoid derivative', BENGIO, () => ({ kind: 'sigmoid' }));
/**
 * The "1/2" estimator (Gregor et al. 2014, DARN; named so in Gu et al. 2016, §4.2, eqs. 5–6): the
 * likelihood ratio with the first-order Taylor expansion of f around the sample, evaluated at the
 * fixed point z̄ = ½, as its learning signal, unit by unit: `ĝ_i = (z_i − σ_i) · ∂f/∂z_i(z) · (z_i − ½)`,
 * i.e. `∂f/∂z_i(z) · (1 − σ_i)/2` where `z_i = 1` and `∂f/∂z_i(z) · σ_i/2` where `z_i = 0`. Biased
 * unless f is quadratic; one evaluation of f and a backward pass, like straight-through.
 */
export const oneHalf = straightThrough(
  '"1/2" (DARN\'s Taylor signal at ½)',
  'Gregor, Danihelka, Mnih, Blundell & Wierstra 2014; Gu et al. 2016',
  () => ({
    kind: 'one-half',
  }),
);

export const stAnnealed = straightThrough('Straight-through, slope-annealed sigmoid', BENGIO, (s) => ({
  kind: 'annealed',
  slope: s.slope,
}));
