/**
 * Bernoulli sampling from explicit noise. The convention used everywhere in stochgrad:
 * `z = 1[u < σ(φ)]`, so one uniform `u` per unit decides the sample.
 */
import * as tf from '@tensorflow/tfjs';

/** `1[u < σ(φ)]` as float32; `logits` broadcasts against `u`. */
export function bernoulliFromNoise(logits: tf.Tensor, u: tf.Tensor): tf.Tensor2D {
  return tf.cast(tf.less(u, tf.sigmoid(logits)), 'float32') as tf.Tensor2D;
}

/** `σ'(x) = σ(x)(1 − σ(x))`. */
export function sigmoidDerivative(x: tf.Tensor): tf.Tensor {
  const s = tf.sigmoid(x);
  return tf.mul(s, tf.sub(1, s));
}

/** `∂ log p(z) / ∂φ = z − σ(φ)` for independent Bernoulli units. */
export function bernoulliScore(z: tf.Tensor, logits: tf.Tensor): tf.Tensor2D {
  return tf.sub(z, tf.sigmoid(logits)) as tf.Tensor2D;
}

/** Logistic noise `log u − log(1 − u)`, the reparameterisation of the relaxed samples. */
export function logisticNoise(u: tf.Tensor): tf.Tensor2D {
  return tf.sub(tf.log(u), tf.log1p(tf.neg(u))) as tf.Tensor2D;
}

/** `x` summed over the axes along which it was broadcast from `shape`, then reshaped to `shape`. */
function reduceTo(x: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, x.shape);
  return axes.length > 0 ? tf.reshape(tf.sum(x, axes), shape) : x;
}

/**
 * `log p(z)` per row with a hand-written gradient, `∂/∂φ = z − σ(φ)` and `∂/∂z = φ`: fewer
 * kernels in the backward pass than tfjs's autodiff of the same formula.
 */
const logBernoulliOp = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [z, logits, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([z, logits]);
  return {
    value: tf.sum(tf.sub(tf.mul(z, logits), tf.softplus(logits)), -1),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [zs, phi] = saved;
      const perUnit = tf.expandDims(dy, -1);
      return [reduceTo(tf.mul(perUnit, phi), zs.shape), reduceTo(tf.mul(perUnit, tf.sub(zs, tf.sigmoid(phi))), phi.shape)];
    },
  };
});

/**
 * `log p(z) = Σ_i z_i φ_i − softplus(φ_i)` per row for independent Bernoulli(σ(φ)) units;
 * `z` may be relaxed (in [0, 1]). `[rows, d]` → `[rows]`; `logits` broadcasts against `z`.
 */
export function logBernoulli(z: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return logBernoulliOp(z, logits) as tf.Tensor1D;
}
