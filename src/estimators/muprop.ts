/**
 * MuProp (Gu, Levine, Sutskever & Mnih 2016): REINFORCE with the first-order Taylor expansion
 * of f around the mean-field point `z̄ = σ(φ)` as control variate, its mean added back:
 * `ĝ = [f(z) − f(z̄) − f'(z̄)ᵀ(z − z̄)] (z − σ(φ)) + f'(z̄) ⊙ σ'(φ)`.
 * Unbiased; one evaluation of f per draw plus one mean-field evaluation and backward pass per batch.
 * Inside a network the expansion point comes from the network's mean-field pass
 * (`context.expansion`): any point, value and slope independent of z keep it unbiased.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliScore, sigmoidDerivative } from '../core/bernoulli';
import { drawnSample } from './drawn-sample';
import { differentiateThrough } from './autodiff';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec, TaylorExpansion } from './types';

/**
 * f and ∂f/∂z at the mean field `z̄ = σ(φ)` of this problem, one row per row of logits, from one
 * evaluation of f. `value` is kept out of the tape's scope: the caller disposes it.
 */
function localExpansion(context: EstimatorContext): TaylorExpansion {
  const point = tf.sigmoid(context.logits).reshape([-1, context.d]) as tf.Tensor2D;
  let value: tf.Tensor | undefined;
  try {
    const slope = differentiateThrough(context, () =>
      tf.grad((zBar: tf.Tensor) => {
        const values = context.f(zBar as tf.Tensor2D);
        value = tf.keep(values.clone());
        return tf.sum(values);
      })(point),
    );
    return { point, value: value!, slope };
  } catch (error) {
    value?.dispose(); // kept, so no scope frees it when f turns out not to be differentiable
    throw error;
  }
}

/** `[f(z) − f(z̄) − f'(z̄)ᵀ(z − z̄)] (z − σ(φ)) + f'(z̄) ⊙ σ'(φ)`, one row per draw. */
function tayloredScore(context: EstimatorContext, { point, value, slope }: TaylorExpansion): tf.Tensor2D {
  const z = drawnSample(context);
  const values = context.f(z);
  const score = bernoulliScore(z, context.logits);
  const taylor = tf.add(value, tf.sum(tf.mul(tf.sub(z, point), slope), 1));
  const residual = tf.sub(values, taylor).expandDims(1);
  const meanOfControlVariate = tf.mul(slope, sigmoidDerivative(context.logits));
  return tf.add(tf.mul(residual, score), meanOfControlVariate) as tf.Tensor2D;
}

export const muprop: EstimatorSpec = {
  title: 'MuProp (Taylor control variate)',
  reference: 'Gu, Levine, Sutskever & Mnih 2016',
  unbiased: true,
  needsGradient: true,
  evaluationsPerSample: 1,
  minSamples: 1,
  run(context: EstimatorContext): EstimatorOutput {
    const expansion = context.expansion ?? localExpansion(context);
    try {
      return { perSample: tayloredScore(context, expansion) };
    } finally {
      if (!context.expansion) expansion.value.dispose();
    }
  },
};
