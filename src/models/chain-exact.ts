/**
 * Exact expectations over a chain by enumerating every configuration of all its layers
 * (`Σ d_l ≤ 20`): `E_q[F] = Σ_z q(z | x) F(z)` per example, `log Σ_z q(z | x) e^{F(z)}`
 * (the log-likelihood when F = log p(x, z) − log q(z | x)), and the exact gradient of the
 * mean of `E_q[F]` for every parameter, by ordinary autodiff of the enumerated sum.
 */
import * as tf from '@tensorflow/tfjs';
import { logBernoulli } from '../core/bernoulli';
import { ArgumentError, messages } from '../errors';
import { allConfigurations, MAX_ENUMERATION_UNITS } from '../estimators/exact';
import { untaped } from '../core/untaped';
import { tileRows, type Chain } from './chain';
import type { Parameters } from './parameters';

export interface ChainExact {
  /** `E_q[F]` per example, `[n]`. */
  expectation: tf.Tensor1D;
  /** `log E_q[e^F]` per example, `[n]`. */
  logMeanExp: tf.Tensor1D;
  /** `∇ mean_i E_q[F]` for every parameter. */
  gradients: Record<string, tf.Tensor>;
}

/** Every configuration of the chain's layers, repeated for each example: layer blocks `[2^D·n, d_l]`. */
function enumeratedLayers(units: readonly number[], n: number): tf.Tensor2D[] {
  const total = units.reduce((a, b) => a + b, 0);
  if (total > MAX_ENUMERATION_UNITS)
    throw new ArgumentError('model', messages.enumerationSize(total, MAX_ENUMERATION_UNITS));
  const configurations = tf.tensor2d(allConfigurations(total), [2 ** total, total]);
  const repeated = tf.reshape(tf.tile(configurations, [1, n]), [2 ** total * n, total]) as tf.Tensor2D;
  return tf.split(repeated, units as number[], 1) as tf.Tensor2D[];
}

/** Per-row log q(z | x) and F(z) of every enumerated configuration. */
function enumeratedTerms(chain: Chain, layers: tf.Tensor2D[]): { logQ: tf.Tensor1D; objective: tf.Tensor1D } {
  let parent = tileRows(chain.input, layers[0].shape[0]);
  const logQ: tf.Tensor1D[] = [];
  const terms: tf.Tensor1D[] = [];
  layers.forEach((z, layer) => {
    const logits = chain.logits(layer, parent);
    logQ.push(logBernoulli(z, logits));
    terms.push(chain.term(layer, parent, z, logits));
    parent = z;
  });
  return { logQ: tf.addN(logQ) as tf.Tensor1D, objective: tf.addN(terms) as tf.Tensor1D };
}

/** The k-sample bound per example and the exact gradient of its batch mean. */
export interface ChainBoundExact {
  /** `L_k = E_{z_1…z_k ~ q}[log (1/k) Σ_j e^{F(z_j)}]` per example, `[n]`. */
  bound: tf.Tensor1D;
  /** `∇ mean_i L_k` for every parameter. */
  gradients: Record<string, tf.Tensor>;
}

/**
 * Exact k-sample bound of the chain and its gradient for every parameter, by enumerating every
 * k-tuple of configurations of all its layers (`k · Σ d_l ≤ 20`) and differentiating the sum
 * `Σ_{c_1…c_k} Π_j q(c_j | x) · log (1/k) Σ_j e^{F(c_j)}` (F's `log q` terms included) by autodiff.
 * k = 1 is `chainExact`'s expectation.
 */
export function chainBoundExact(chain: Chain, parameters: Readonly<Parameters>, k: number): ChainBoundExact {
  const total = chain.units.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(k) || k < 1) throw new ArgumentError('k', `expected an integer >= 1, got ${String(k)}`);
  if (total * k > MAX_ENUMERATION_UNITS) {
    throw new ArgumentError(
      'k',
      `the k-sample bound enumerates 2^(k·Σd) tuples; k·Σd = ${k}·${total} = ${k * total} exceeds ${MAX_ENUMERATION_UNITS}`,
    );
  }
  return tf.tidy(() => {
    const n = chain.input.shape[0];
    const layers = enumeratedLayers(chain.units, n);
    const configurations = layers[0].shape[0] / n;
    // Every k-tuple's sum of per-draw values `[C^k, n]`, built one draw at a time (rank 3 at most,
    // differentiable on every backend): tuple t's draw j is configuration ⌊t / C^(k−1−j)⌋ mod C.
    const tupleSums = (perDraw: tf.Tensor2D): tf.Tensor2D => {
      let sums = perDraw;
      for (let j = 1; j < k; j++) {
        const rows = sums.shape[0];
        const combined = tf.add(tf.reshape(sums, [rows, 1, n]), tf.reshape(perDraw, [1, configurations, n]));
        sums = tf.reshape(combined, [rows * configurations, n]);
      }
      return sums;
    };
    let bound: tf.Tensor1D | undefined;
    const { grads } = tf.variableGrads(() => {
      const { logQ, objective } = enumeratedTerms(chain, layers);
      // [C, n], configuration c of example i.
      const values = tf.reshape(objective, [configurations, n]) as tf.Tensor2D;
      // log-mean-exp with a constant shift c: c + log((1/k) Σ_j e^{F_j − c}) is L̂ exactly.
      const shift = untaped(() => tf.max(values, 0));
      const weights = tupleSums(tf.exp(tf.sub(values, shift)) as tf.Tensor2D);
      const perTuple = tf.add(tf.log(tf.div(weights, k)), shift);
      const logWeight = tupleSums(tf.reshape(logQ, [configurations, n]) as tf.Tensor2D);
      const perExample = tf.sum(tf.mul(tf.exp(logWeight), perTuple), 0) as tf.Tensor1D;
      bound = tf.keep(perExample.clone());
      return tf.mean(perExample) as tf.Scalar;
    }, Object.values(parameters));
    const gradients: Record<string, tf.Tensor> = {};
    for (const [name, variable] of Object.entries(parameters))
      gradients[name] = grads[variable.name] ?? tf.zerosLike(variable);
    return { bound: bound!, gradients } as unknown as tf.TensorContainer;
  }) as unknown as ChainBoundExact;
}

/** Exact `E_q[F]`, `log E_q[e^F]` and gradients of the chain for its n examples. */
export function chainExact(chain: Chain, parameters: Readonly<Parameters>): ChainExact {
  return tf.tidy(() => {
    const n = chain.input.shape[0];
    const layers = enumeratedLayers(chain.units, n);
    const configurations = layers[0].shape[0] / n;
    // Rows are configuration-major: row c·n + i is configuration c of example i.
    const byExample = (t: tf.Tensor1D) => tf.transpose(t.reshape([configurations, n])) as tf.Tensor2D;
    let logMeanExp: tf.Tensor1D | undefined;
    let expectation: tf.Tensor1D | undefined;
    const { grads } = tf.variableGrads(() => {
      const { logQ, objective } = enumeratedTerms(chain, layers);
      const weights = tf.exp(byExample(logQ));
      const perExample = tf.sum(tf.mul(weights, byExample(objective)), 1) as tf.Tensor1D;
      expectation = tf.keep(perExample.clone());
      logMeanExp = tf.keep(tf.logSumExp(byExample(tf.add(logQ, objective) as tf.Tensor1D), 1) as tf.Tensor1D);
      return tf.mean(perExample) as tf.Scalar;
    }, Object.values(parameters));
    const gradients: Record<string, tf.Tensor> = {};
    for (const [name, variable] of Object.entries(parameters))
      gradients[name] = grads[variable.name] ?? tf.zerosLike(variable);
    return { expectation: expectation!, logMeanExp: logMeanExp!, gradients } as unknown as tf.TensorContainer;
  }) as unknown as ChainExact;
}
