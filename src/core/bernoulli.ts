/**
 * Bernoulli sampling from explicit noise. The convention used everywhere in stochgrad:
 * `z = 1[u < σ(φ)]`, so one uniform `u` per unit decides the sample.
 */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from './custom-op';
import { fastPathEnabled } from './fast-path';

/** `1[u < σ(φ)]` as float32; `logits` broadcasts against `u`. */
export function bernoulliFromNoise(logits: tf.Tensor, u: tf.Tensor): tf.Tensor2D {
  // step(σ(φ) − u) is exactly 1[u < σ(φ)] (the float difference of two distinct numbers is never
  // 0); on wasm, Sub and Step are vectorised while Less and Cast run a generic loop, 4–6× slower.
  return tf.step(tf.sub(tf.sigmoid(logits), u)) as tf.Tensor2D;
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

/** Longest run of units whose `σ(|φ|)` are multiplied before one log (see `sumSoftplus`). */
const SOFTPLUS_CHUNK = 64;

/** Below this many logits one Softplus kernel is cheaper than the chunked products' five. */
const SMALL_SOFTPLUS = 4096;

/** The largest divisor of `d` that is at most `limit`. */
function chunkLength(d: number, limit: number): number {
  for (let c = Math.min(d, limit); c > 1; c--) if (d % c === 0) return c;
  return 1;
}

/**
 * `Σ_i log σ(|φ_i|)` over the last axis (`[..., d]` → `[...]`), so that
 * `Σ softplus(φ) = Σ relu(φ) − Σ log σ(|φ|)`. Each σ(|φ|) lies in [½, 1], so the product of up
 * to 64 of them stays above 2⁻⁶⁴ (far from float32 underflow) and one log per chunk of units
 * replaces one per unit: the same sum to float32 rounding (a factor is within an ulp of 1 where
 * its log would be below 6e-8; the tests compare with float64). On wasm, Softplus and Log are
 * scalar loops (~20 ns a value) while Sigmoid, Abs and Prod are vectorised: ~3× faster.
 */
function sumLogSigmoidAbs(logits: tf.Tensor): tf.Tensor {
  const shape = logits.shape;
  const d = shape[shape.length - 1];
  const chunk = chunkLength(d, SOFTPLUS_CHUNK);
  const factors = tf.reshape(tf.sigmoid(tf.abs(logits)), [...shape.slice(0, -1), d / chunk, chunk]);
  return tf.sum(tf.log(tf.prod(factors, -1)), -1);
}

/** `Σ_i softplus(φ_i)` over the last axis, one value per row (`[..., d]` → `[...]`). */
export function sumSoftplus(logits: tf.Tensor): tf.Tensor {
  if (logits.size < SMALL_SOFTPLUS) return tf.sum(tf.softplus(logits), -1);
  return tf.sub(tf.sum(tf.relu(logits), -1), sumLogSigmoidAbs(logits));
}

/** `Σ_i z_i φ_i − softplus(φ_i)` over the last axis; `logits` has z's unit axis. */
function logBernoulliValue(z: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  if (logits.size < SMALL_SOFTPLUS) return tf.sub(tf.sum(tf.mul(z, logits), -1), sumSoftplus(logits));
  // z·φ − softplus(φ) = (z·φ − relu(φ)) + log σ(|φ|): one sum over the units, one per chunk
  return tf.add(tf.sum(tf.sub(tf.mul(z, logits), tf.relu(logits)), -1), sumLogSigmoidAbs(logits));
}

/** `x` summed over the axes along which it was broadcast from `shape`, then reshaped to `shape`. */
function reduceTo(x: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, x.shape);
  return axes.length > 0 ? tf.reshape(tf.sum(x, axes), shape) : x;
}

/**
 * `log p(z)` per row with a hand-written gradient, `∂/∂φ = z − σ(φ)` and `∂/∂z = φ`, each
 * computed only when needed (never `∂/∂x` of data).
 */
const logBernoulliOp = defineOp({
  kernelName: 'StochgradLogBernoulli',
  inputs: ['z', 'logits'],
  forward: ({ z, logits }) => {
    // Logits broadcast along the unit axis are expanded first (softplus is summed per unit).
    const units = z.shape[z.rank - 1] ?? 1;
    const perUnit =
      logits.shape[logits.rank - 1] === units ? logits : tf.broadcastTo(logits, [...logits.shape.slice(0, -1), units]);
    return logBernoulliValue(z, perUnit);
  },
  gradients: {
    z: (dy, { z, logits }) => reduceTo(tf.mul(tf.expandDims(dy, -1), logits), z.shape),
    logits: (dy, { z, logits }) => reduceTo(tf.mul(tf.expandDims(dy, -1), tf.sub(z, tf.sigmoid(logits))), logits.shape),
  },
});

/**
 * `log p(z) = Σ_i z_i φ_i − softplus(φ_i)` per row for independent Bernoulli(σ(φ)) units;
 * `z` may be relaxed (in [0, 1]). `[rows, d]` → `[rows]`; `logits` broadcasts against `z`.
 */
export function logBernoulli(z: tf.Tensor, logits: tf.Tensor): tf.Tensor1D {
  if (!fastPathEnabled()) return tf.sum(tf.sub(tf.mul(z, logits), tf.softplus(logits)), -1) as tf.Tensor1D; // tfjs's autodiff
  return logBernoulliOp({ z, logits }) as tf.Tensor1D;
}
