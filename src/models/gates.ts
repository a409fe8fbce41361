/**
 * The kinds of gate of the gating network (Bengio, Léonard & Courville 2013, section 5), from the
 * name that trains them: what fraction of the time a gate is non-zero, and its deterministic
 * value at test time.
 *
 * | kind | trained by | `P(g > 0 \| a)` | `E[g \| g > 0, a]` |
 * |---|---|---|---|
 * | `binary` | any network estimator (`1[u < σ(a)]`) | `σ(a)` | 1 |
 * | `sts` | stochastic times smooth | `sqrt(σ(a))` | `sqrt(σ(a))` |
 * | `noisy-rectifier` | `max(0, a + ε)`, `ε ~ N(0, s²)` | `Φ(a / s)` | `a + s φ(a/s) / Φ(a/s)` |
 * | `rectifier` | `max(0, a)` | `1[a > 0]` | `a` (when a > 0) |
 *
 * Test-time gates are deterministic (the paper's): a gate is on when its pre-activation exceeds a
 * threshold t, chosen by `thresholdFor` so that a target fraction of gates is on, and an open gate
 * takes its mean value when open, `E[g | g > 0, a]` (the value the main network saw, on average,
 * when the gate opened in training): `1[a > t] · E[g | g > 0, a]`. A rectifier gate with `a ≤ 0`
 * never opens, whatever t.
 */
import * as tf from '@tensorflow/tfjs';
import { isUnitName, type UnitName } from './units';

export type GateKind = 'binary' | UnitName;

/** The kind of gate `name` (an estimator or unit type) trains. */
export function gateKind(name: string): GateKind {
  return isUnitName(name) ? name : 'binary';
}

/** Rectifier gates (values in [0, ∞)); the others are sigmoid-probability gates. */
export function isRectifierGate(kind: GateKind): boolean {
  return kind === 'noisy-rectifier' || kind === 'rectifier';
}

/**
 * `P(g > 0 | a)` elementwise, differentiable in `a` for the sigmoid-probability gates (`noise`
 * is the noisy rectifier's s; with s = 0 it is the rectifier's step).
 */
export function openProbability(kind: GateKind, a: tf.Tensor2D, noise: number): tf.Tensor2D {
  return tf.tidy(() => {
    switch (kind) {
      case 'binary':
        return tf.sigmoid(a);
      case 'sts':
        return tf.sqrt(tf.sigmoid(a));
      case 'noisy-rectifier':
        if (noise > 0) return tf.mul(0.5, tf.add(1, tf.erf(tf.div(a, noise * Math.SQRT2))));
        return tf.step(a);
      case 'rectifier':
        return tf.step(a);
    }
  }) as tf.Tensor2D;
}

/** Terms of the continued fraction below; 20 give a relative error under 1e-6 for t ≤ −2. */
const FRACTION_TERMS = 20;

/**
 * `φ(t) / Φ(t)` elementwise: directly above t = −2, and below it (where float32 loses Φ) by the
 * continued fraction `x + 1/(x + 2/(x + 3/(x + …)))` with `x = −t` (Laplace's, for Mills' ratio).
 */
function phiOverPhi(t: tf.Tensor): tf.Tensor {
  const direct = tf.tidy(() =>
    tf.div(
      tf.mul(Math.sqrt(0.5 / Math.PI), tf.exp(tf.mul(-0.5, tf.square(t)))),
      tf.mul(0.5, tf.add(1, tf.erf(tf.div(t, Math.SQRT2)))),
    ),
  );
  const x = tf.tidy(() => tf.maximum(tf.neg(t), 2));
  // Each term's temporaries freed as it goes: on 1,000 × 2,000 gates, 60 live copies were 0.5 GB.
  let fraction = x.clone();
  for (let k = FRACTION_TERMS; k >= 1; k--) {
    const previous = fraction;
    fraction = tf.tidy(() => tf.add(x, tf.div(k, previous)));
    previous.dispose();
  }
  const result = tf.tidy(() => tf.where(tf.less(t, -2), fraction, direct));
  tf.dispose([direct, x, fraction]);
  return result;
}

/** `E[g | g > 0, a]` elementwise (see the table); `noise` is the noisy rectifier's s. */
export function openValue(kind: GateKind, a: tf.Tensor2D, noise: number): tf.Tensor2D {
  return tf.tidy(() => {
    switch (kind) {
      case 'binary':
        return tf.onesLike(a);
      case 'sts':
        return tf.sqrt(tf.sigmoid(a));
      case 'noisy-rectifier':
        if (noise > 0) return tf.add(a, tf.mul(noise, phiOverPhi(tf.div(a, noise))));
        return tf.relu(a);
      case 'rectifier':
        return tf.relu(a);
    }
  }) as tf.Tensor2D;
}

/**
 * The probability the KL penalty drives towards its target: the sigmoid probability `σ(a)` of
 * binary and STS gates (an STS gate is then non-zero with probability `sqrt(σ(a))`; its mean is
 * `σ(a)`), and `P(g > 0 | a) = Φ(a / s)` of the noisy rectifier.
 */
export function penaltyProbability(kind: GateKind, a: tf.Tensor2D, noise: number): tf.Tensor2D {
  return kind === 'sts' ? (tf.sigmoid(a) as tf.Tensor2D) : openProbability(kind, a, noise);
}

/** The deterministic test-time gates `1[a > t] · E[g | g > 0, a]` for pre-activations `a`. */
export function testGates(kind: GateKind, a: tf.Tensor2D, threshold: number, noise: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.cast(tf.greater(a, threshold), 'float32'), openValue(kind, a, noise))) as tf.Tensor2D;
}

/**
 * Deterministic gates with each example's own `k` largest pre-activations on (ties at the k-th
 * included): `1[a ≥ a_(k)] · E[g | g > 0, a]` row by row, so every example keeps k open gates
 * whatever the offset of its pre-activations.
 */
export function topKGates(kind: GateKind, a: tf.Tensor2D, k: number, noise: number): tf.Tensor2D {
  return tf.tidy(() => {
    const kth = tf.slice(tf.topk(a, k).values, [0, k - 1], [-1, 1]);
    return tf.mul(tf.cast(tf.greaterEqual(a, kth), 'float32'), openValue(kind, a, noise));
  }) as tf.Tensor2D;
}

/**
 * The threshold t with `fraction` of `scores` above it: the `round(fraction · N)` largest are
 * `> t` (ties at t aside). Infinity when none may be on, −Infinity when all are.
 */
export function thresholdFor(scores: ArrayLike<number>, fraction: number): number {
  const sorted = Float64Array.from(scores).sort();
  const on = Math.round(fraction * sorted.length);
  if (on <= 0) return Infinity;
  if (on >= sorted.length) return -Infinity;
  return sorted[sorted.length - on - 1];
}
