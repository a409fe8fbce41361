/**
 * The control variate shared by REBAR and RELAX (Tucker et al. 2017; Grathwohl et al. 2018).
 * With `z = φ + L(u)`, `b = H(z) = 1[u > σ(−φ)]` and `z̃ ~ p(z | b)` reparameterised by a second
 * uniform v, for a differentiable surrogate c of the relaxed sample:
 * `ĝ = [f(b) − c(σ(z̃/τ))] (b − σ(φ)) + ∂_φ c(σ(z/τ)) − ∂_φ c(σ(z̃/τ))`, unbiased for any c.
 */
import * as tf from '@tensorflow/tfjs';
import { logisticNoise } from '../core/bernoulli';
import { differentiateThrough } from './autodiff';
import { relaxedSample } from './concrete';
import type { EstimatorContext } from './types';

/** Surrogate `c` evaluated on a batch of relaxed samples, one value per row. */
export type Surrogate = (relaxed: tf.Tensor2D) => tf.Tensor1D;

/** `z̃ = φ + L(u')` with `u' = 1 − θ + vθ` when b = 1 and `u' = v(1 − θ)` when b = 0, θ = σ(φ). */
function conditionalLogits(phi: tf.Tensor2D, b: tf.Tensor2D, v: tf.Tensor2D): tf.Tensor2D {
  const theta = tf.sigmoid(phi);
  const whenOne = tf.add(tf.sub(1, theta), tf.mul(v, theta));
  const whenZero = tf.mul(v, tf.sub(1, theta));
  const uPrime = tf.add(tf.mul(b, whenOne), tf.mul(tf.sub(1, b), whenZero));
  return tf.add(phi, logisticNoise(uPrime)) as tf.Tensor2D;
}

/** Evaluates `c` on `[σ(z/τ); σ(z̃/τ)]` stacked; the scalar to differentiate and c(σ(z̃/τ)) per row. */
function surrogateTerms(context: EstimatorContext, c: Surrogate, b: tf.Tensor2D, v: tf.Tensor2D, phi: tf.Tensor2D) {
  const n = context.samples;
  const relaxed = relaxedSample(phi, context.u, context.temperature);
  const conditional = tf.sigmoid(tf.div(conditionalLogits(phi, b, v), context.temperature)) as tf.Tensor2D;
  const values = c(tf.concat([relaxed, conditional], 0));
  const [atZ, atConditional] = tf.split(values, [n, n]);
  return { difference: tf.sub(tf.sum(atZ), tf.sum(atConditional)), atConditional: atConditional as tf.Tensor1D };
}

/** Per-sample REBAR/RELAX estimates for the surrogate `c`. */
export function relaxedControlVariate(context: EstimatorContext, c: Surrogate, argument: string): tf.Tensor2D {
  const { logits, u, samples, d } = context;
  const b = tf.cast(tf.greater(tf.add(logits, logisticNoise(u)), 0), 'float32') as tf.Tensor2D;
  const v = context.conditionalNoise();
  const tiled = tf.tile(logits.reshape([1, d]), [samples, 1]) as tf.Tensor2D;
  let cAtConditional: tf.Tensor1D | undefined;
  try {
    const pathwise = differentiateThrough(
      context,
      () =>
        tf.grad((phi) => {
          const terms = surrogateTerms(context, c, b, v, phi as tf.Tensor2D);
          cAtConditional = tf.keep(terms.atConditional.clone());
          return terms.difference;
        })(tiled),
      argument,
    );
    const signal = tf.sub(context.f(b), cAtConditional!).expandDims(1);
    return tf.add(tf.mul(signal, tf.sub(b, tf.sigmoid(logits))), pathwise) as tf.Tensor2D;
  } finally {
    cAtConditional?.dispose();
  }
}
