/** Backpropagation through `f` for the estimators that need `∂f/∂z`. */
import * as tf from '@tensorflow/tfjs';
import { disposeAbandonedTape } from '../core/tape';
import { ArgumentError, messages } from '../errors';
import type { EstimatorContext } from './types';

/**
 * Runs `differentiate`, which backpropagates through `argument` (f, or RELAX's surrogate),
 * turning tfjs's failure to differentiate it into an error naming that argument.
 */
export function differentiateThrough<T>(context: EstimatorContext, differentiate: () => T, argument = 'f'): T {
  if (argument === 'f' && !context.differentiable) {
    throw new ArgumentError('f', messages.notDifferentiable(context.name, 'f', 'declared with blackBox()'));
  }
  try {
    return differentiate();
  } catch (error) {
    disposeAbandonedTape();
    if (error instanceof ArgumentError) throw error;
    throw new ArgumentError(argument, messages.notDifferentiable(context.name, argument, (error as Error).message));
  }
}

/**
 * Per-sample gradients `∂ f(z_k(φ)) / ∂φ` for a sample map `z(Φ)` built from logits tiled to
 * `[samples, d]`: row k of the result is the gradient of the k-th evaluation.
 */
export function perSampleGradient(
  context: EstimatorContext,
  sample: (tiledLogits: tf.Tensor2D) => tf.Tensor2D,
): tf.Tensor2D {
  const tiled = tf.tile(context.logits.reshape([1, context.d]), [context.samples, 1]) as tf.Tensor2D;
  return differentiateThrough(context, () =>
    tf.grad((phi) => tf.sum(context.f(sample(phi as tf.Tensor2D))))(tiled),
  ) as tf.Tensor2D;
}

/** `∂f/∂z` at the given samples, one row per sample (rows of f do not interact). */
export function objectiveGradientAt(context: EstimatorContext, z: tf.Tensor2D): tf.Tensor2D {
  return differentiateThrough(context, () => tf.grad((x) => tf.sum(context.f(x as tf.Tensor2D)))(z)) as tf.Tensor2D;
}

/**
 * f and `∂f/∂z` at the draws `z` (`networkGradient: 'draws'`: double-cv, rodeo): the caller's
 * `context.sampleSlope` when a network computed it (the estimators run off its tape there), or
 * one forward and one backward pass through f. The returned tensors belong to the caller's scope.
 */
export function valuesAndSlope(context: EstimatorContext, z: tf.Tensor2D): { values: tf.Tensor1D; slope: tf.Tensor2D } {
  if (context.sampleSlope) return { values: context.f(z), slope: context.sampleSlope };
  let kept: tf.Tensor1D | undefined;
  try {
    const slope = differentiateThrough(context, () =>
      tf.grad((x: tf.Tensor) => {
        const values = context.f(x as tf.Tensor2D);
        kept = tf.keep(values.clone());
        return tf.sum(values);
      })(z),
    ) as tf.Tensor2D;
    return { values: kept!.clone(), slope };
  } finally {
    kept?.dispose(); // kept escapes tf.grad's scope; its clone above lives in the caller's
  }
}
