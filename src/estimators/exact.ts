/**
 * The oracle: `E[f] = Σ_z p(z) f(z)` and `∂E[f]/∂φ_i = Σ_z p(z) f(z) (z_i − σ(φ_i))` by
 * enumerating all `2^d` configurations, f called once on the whole `[2^d, d]` batch.
 * Sums are taken in float64. d is limited to 20 (a million rows).
 *
 * The k-sample bound's oracle (`enumerateBound`, `exactBoundGradient`): `L_k = E[log (1/k) Σ_j
 * exp f(z_j)]` over k independent draws, by enumerating the `2^(d·k)` k-tuples (d·k ≤ 20), f still
 * called once on the `2^d` configurations. `exactGradientOf` picks the oracle of an estimator's
 * own objective.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';
import { checkedObjective, type Objective } from './objective';
import type { EstimatorObjective } from './types';
import { checkLogits } from './validate';

export const MAX_ENUMERATION_UNITS = 20;

/** Row k holds the binary digits of k, unit 0 the least significant. */
export function allConfigurations(d: number): Float32Array {
  const rows = 2 ** d;
  const out = new Float32Array(rows * d);
  for (let k = 0; k < rows; k++) for (let i = 0; i < d; i++) out[k * d + i] = (k >> i) & 1;
  return out;
}

export function logProbabilities(configurations: Float32Array, phi: Float32Array): Float64Array {
  const d = phi.length;
  const rows = configurations.length / d;
  // log σ(φ) = −softplus(−φ), log(1 − σ(φ)) = −softplus(φ); stable for large |φ|.
  const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const logOn = Array.from(phi, (x) => -softplus(-x));
  const logOff = Array.from(phi, (x) => -softplus(x));
  const out = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += configurations[k * d + i] ? logOn[i] : logOff[i];
    out[k] = s;
  }
  return out;
}

/** Every configuration with its probability and f value: the table both oracles sum over. */
export interface Enumeration {
  d: number;
  /** Row k holds configuration k (`[2^d · d]`, unit 0 the least significant bit). */
  configurations: Float32Array;
  /** `p(z_k)` in float64. */
  p: Float64Array;
  /** `f(z_k)`. */
  f: Float32Array;
  sigma: number[];
}

/** Enumerates the `2^d` configurations of `logits` and evaluates f on all of them in one call. */
export function enumerateConfigurations(f: Objective, logits: tf.Tensor1D): Enumeration {
  checkLogits(logits);
  const d = logits.shape[0];
  if (d > MAX_ENUMERATION_UNITS) throw new ArgumentError('logits', messages.enumerationSize(d, MAX_ENUMERATION_UNITS));
  const phi = logits.dataSync() as Float32Array;
  const configurations = allConfigurations(d);
  const checked = checkedObjective(f);
  const values = tf.tidy(() => checked(tf.tensor2d(configurations, [2 ** d, d])).dataSync()) as Float32Array;
  if (!values.every(Number.isFinite)) throw new ArgumentError('f', messages.nonFinite('f(z) for every configuration'));
  const p = logProbabilities(configurations, phi).map(Math.exp);
  return { d, configurations, p, f: values, sigma: Array.from(phi, (x) => 1 / (1 + Math.exp(-x))) };
}

/** Expectation and exact gradient in float64. */
export function enumerate(f: Objective, logits: tf.Tensor1D): { expectation: number; gradient: Float64Array } {
  const { d, configurations, p, f: values, sigma } = enumerateConfigurations(f, logits);
  let expectation = 0;
  const gradient = new Float64Array(d);
  for (let k = 0; k < p.length; k++) {
    const weight = p[k] * values[k];
    expectation += weight;
    for (let i = 0; i < d; i++) gradient[i] += weight * (configurations[k * d + i] - sigma[i]);
  }
  return { expectation, gradient };
}

/** `∇_φ E_{z ~ Bernoulli(σ(φ))}[f(z)]`, exactly (d <= 20). */
export function exactGradient(f: Objective, logits: tf.Tensor1D): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from(enumerate(f, logits).gradient));
}

/** `E_{z ~ Bernoulli(σ(φ))}[f(z)]`, exactly (d <= 20). */
export function exactExpectation(f: Objective, logits: tf.Tensor1D): number {
  return enumerate(f, logits).expectation;
}

/**
 * The k-sample bound `L_k = E_{z_1…z_k}[log (1/k) Σ_j exp f(z_j)]` and its gradient
 * `Σ_{z_1…z_k} Π_j p(z_j) · L̂ · Σ_j (z_j − σ(φ))`, in float64, by enumerating every k-tuple of
 * configurations; d·k is limited to 20 (a million tuples). k = 1 is `enumerate`.
 */
export function enumerateBound(
  f: Objective,
  logits: tf.Tensor1D,
  k: number,
): { bound: number; gradient: Float64Array } {
  if (!Number.isInteger(k) || k < 1) throw new ArgumentError('k', `expected an integer >= 1, got ${String(k)}`);
  checkLogits(logits);
  const d = logits.shape[0];
  if (d * k > MAX_ENUMERATION_UNITS) {
    throw new ArgumentError(
      'k',
      `the k-sample bound enumerates 2^(d·k) tuples of draws; d·k = ${d}·${k} = ${d * k} exceeds ${MAX_ENUMERATION_UNITS}`,
    );
  }
  const { configurations, p, f: values, sigma } = enumerateConfigurations(f, logits);
  const count = p.length;
  // Each configuration's score z − σ(φ), and max f for a stable log-sum-exp.
  const score = Float64Array.from(configurations, (z, index) => z - sigma[index % d]);
  const top = values.reduce((a, b) => Math.max(a, b), -Infinity);
  const index = new Array<number>(k).fill(0);
  let bound = 0;
  const gradient = new Float64Array(d);
  for (let tuple = 0; tuple < count ** k; tuple++) {
    let probability = 1;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      probability *= p[index[j]];
      sum += Math.exp(values[index[j]] - top);
    }
    const value = top + Math.log(sum / k);
    bound += probability * value;
    for (let j = 0; j < k; j++)
      for (let i = 0; i < d; i++) gradient[i] += probability * value * score[index[j] * d + i];
    for (let j = 0; j < k && ++index[j] === count; j++) index[j] = 0; // next tuple, odometer order
  }
  return { bound, gradient };
}

/** `∇_φ E_{z_1…z_k}[log (1/k) Σ_j exp f(z_j)]`, exactly (d·k <= 20). */
export function exactBoundGradient(f: Objective, logits: tf.Tensor1D, k: number): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from(enumerateBound(f, logits, k).gradient));
}

/**
 * The exact gradient of `objective` (an estimator's, `objectiveOf(spec)`) in float64: `∇ E[f]`,
 * or the k-sample bound's with k draws per group.
 */
export function exactGradientOf(objective: EstimatorObjective, f: Objective, logits: tf.Tensor1D, k = 1): Float64Array {
  return objective === 'k-sample-bound' ? enumerateBound(f, logits, k).gradient : enumerate(f, logits).gradient;
}
