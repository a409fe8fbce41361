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

/** Expectation and exact gradient in float64. */
export function enumerate(f: Objective, logits: tf.Tensor1D): { expectation: number; gradient: Float64Array } {
  checkLogits(logits);
  const d = logits.shape[0];
  if (d > MAX_ENUMERATION_UNITS) throw new ArgumentError('logits', messages.enumerationSize(d, MAX_ENUMERATION_UNITS));
  const phi = logits.dataSync() as Float32Array;
  const configurations = allConfigurations(d);
  const checked = checkedObjective(f);
  const values = tf.tidy(() => checked(tf.tensor2d(configurations, [2 ** d, d])).dataSync());
  if (!values.every(Number.isFinite)) throw new ArgumentError('f', messages.nonFinite('f(z) for every configuration'));
  const logP = logProbabilities(configurations, phi);
  const sigma = Array.from(phi, (x) => 1 / (1 + Math.exp(-x)));
  let expectation = 0;
  const gradient = new Float64Array(d);
  for (let k = 0; k < logP.length; k++) {
    const weight = Math.exp(logP[k]) * values[k];
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
