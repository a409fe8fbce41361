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

/**
 * `log p(z) = Σ_i z_i φ_i − softplus(φ_i)` per row for independent Bernoulli(σ(φ)) units;
 * `z` may be relaxed (in [0, 1]). `[rows, d]` → `[rows]`.
 */
export function logBernoulli(z: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.sub(tf.mul(z, logits), tf.softplus(logits)), -1) as tf.Tensor1D;
}
