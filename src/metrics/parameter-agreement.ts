/**
 * Per-parameter agreement of a model's estimated gradient with a reference (exact) gradient:
 * `calls` independent estimates `ĝ^(k)`, and for each parameter tensor the largest
 * `|z_i| = |mean_k ĝ_i^(k) − g_i| / se_i` (`se_i = sd_i / √calls`), the cosine between the mean
 * and `g`, and the relative error `‖mean − g‖ / ‖g‖`.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../core/seeds';
import { ArgumentError, checkInteger } from '../errors';
import type { Model } from '../models/model';

export interface ParameterAgreement {
  name: string;
  size: number;
  maxAbsZ: number;
  cosine: number;
  relativeError: number;
}

export interface ParameterAgreementOptions {
  /** Independent gradient calls (≥ 2). */
  calls: number;
  /** Draws per example in each call (model default when absent). */
  samples?: number;
  seed: number;
}

/** One row per parameter of `model`, in its order; see the module comment. */
export function parameterAgreement<Batch>(
  model: Model<Batch>,
  estimator: string,
  batch: Batch,
  reference: Readonly<Record<string, tf.Tensor>>,
  options: ParameterAgreementOptions,
): ParameterAgreement[] {
  const calls = checkInteger('options.calls', options.calls, 2);
  checkInteger('options.seed', options.seed, 0);
  const names = Object.keys(model.parameters);
  names.forEach((name) => {
    if (!(reference[name] instanceof tf.Tensor))
      throw new ArgumentError('reference', `expected a gradient tensor for parameter ${JSON.stringify(name)}`);
  });
  const sums = names.map((name) => new Float64Array(reference[name].size));
  const squares = names.map((name) => new Float64Array(reference[name].size));
  for (let k = 0; k < calls; k++) {
    const result = model.gradients(estimator, batch, {
      seed: deriveSeed(options.seed, k),
      ...(options.samples ? { samples: options.samples } : {}),
    });
    names.forEach((name, p) => {
      const values = result.gradients[name].dataSync();
      for (let i = 0; i < values.length; i++) {
        sums[p][i] += values[i];
        squares[p][i] += values[i] * values[i];
      }
    });
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
  }
  return names.map((name, p) => agreement(name, sums[p], squares[p], reference[name].dataSync(), calls));
}

function agreement(
  name: string,
  sum: Float64Array,
  squares: Float64Array,
  exact: ArrayLike<number>,
  calls: number,
): ParameterAgreement {
  let maxAbsZ = 0;
  let dot = 0;
  let meanNorm = 0;
  let exactNorm = 0;
  let errorNorm = 0;
  for (let i = 0; i < sum.length; i++) {
    const mean = sum[i] / calls;
    const variance = Math.max(squares[i] / calls - mean * mean, 0) * (calls / (calls - 1));
    const se = Math.sqrt(variance / calls);
    const difference = mean - exact[i];
    // A coordinate estimated without noise (se = 0) counts only if it differs beyond float32 round-off.
    const z =
      se > 0 ? Math.abs(difference) / se : Math.abs(difference) > 1e-6 * (Math.abs(exact[i]) + 1e-6) ? Infinity : 0;
    maxAbsZ = Math.max(maxAbsZ, z);
    dot += mean * exact[i];
    meanNorm += mean * mean;
    exactNorm += exact[i] * exact[i];
    errorNorm += difference * difference;
  }
  return {
    name,
    size: sum.length,
    maxAbsZ,
    cosine: dot / Math.sqrt(meanNorm * exactNorm),
    relativeError: Math.sqrt(errorNorm / exactNorm),
  };
}
