/**
 * The oracle: `E[f] = Σ_z p(z) f(z)` and `∂E[f]/∂φ_i = Σ_z p(z) f(z) (z_i − σ(φ_i))` by
 * enumerating all `2^d` configurations, f called once on the whole `[2^d, d]` batch.
 * Sums are taken in float64. d is limited to 20 (a million rows).
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';
import { checkedObjective, type Objective } from './objective';
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
