/**
 * How much of REINFORCE's variance MuProp's Taylor control variate removes as the objective
 * bends: the family
 *
 *   `f_a(z) = a (wᵀz − c)^2 + (1 − a) wᵀz`,   `a ∈ [0, 1]`,
 *
 * is linear at `a = 0` (the first-order expansion is then exact: MuProp's estimate is the exact
 * gradient for every draw, variance 0) and purely quadratic at `a = 1`. Each estimator is run
 * on the same uniforms at every `a` and measured against the exact gradient by enumeration.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger } from '../errors';
import { estimate } from '../estimators/estimate';
import { exactGradient } from '../estimators/exact';
import type { Objective } from '../estimators/objective';
import { isEstimatorName, type EstimatorName } from '../estimators/registry';
import { gradientStats } from '../metrics/gradient-stats';

/** `f_a(z) = a (wᵀz − c)^2 + (1 − a) wᵀz`, one value per row of `z` `[n, d]`. Differentiable. */
export function curvatureObjective(a: number, w: readonly number[], c: number): Objective {
  checkCurvature('a', a);
  checkWeights(w);
  checkFinite('c', c);
  return (z: tf.Tensor2D) =>
    tf.tidy(() => {
      const linear = tf.sum(tf.mul(z, tf.tensor1d(w as number[])), 1);
      return tf.add(tf.mul(a, tf.square(tf.sub(linear, c))), tf.mul(1 - a, linear)) as tf.Tensor1D;
    });
}

export interface CurvatureSweepConfig {
  /** Values of `a` in [0, 1]. */
  curvatures: readonly number[];
  /** `w`, one weight per unit (d ≤ 20, for the exact gradient). */
  weights: readonly number[];
  /** `c`. */
  offset: number;
  /** Logits φ of the units, one per weight. */
  logits: readonly number[];
  /** Estimators to compare (default reinforce, reinforce-loo, muprop). */
  estimators?: readonly EstimatorName[];
  /** Independent estimates per estimator and curvature. */
  samples: number;
  seed: number;
}

export interface CurvatureSweepRow {
  a: number;
  estimator: EstimatorName;
  /** `Σ_i Var(ĝ_i)` of one estimate. */
  totalVariance: number;
  /** Largest |z-score| of the mean against the exact gradient (null when all estimates are exact). */
  maxAbsZ: number | null;
  /** `‖g‖²` of the exact gradient, the scale the variance is compared with. */
  exactNormSquared: number;
}

const DEFAULT_ESTIMATORS: readonly EstimatorName[] = ['reinforce', 'reinforce-loo', 'muprop'];

/** One row per curvature and estimator: variance and bias z-scores against enumeration. */
export function curvatureSweep(config: CurvatureSweepConfig): CurvatureSweepRow[] {
  if (!Array.isArray(config.curvatures) || config.curvatures.length === 0) {
    throw new ArgumentError('config.curvatures', 'expected a non-empty array of numbers in [0, 1]');
  }
  config.curvatures.forEach((a, i) => checkCurvature(`config.curvatures[${i}]`, a));
  checkWeights(config.weights);
  if (!Array.isArray(config.logits) || config.logits.length !== config.weights.length) {
    throw new ArgumentError('config.logits', `expected ${config.weights.length} logits, one per weight`);
  }
  checkInteger('config.samples', config.samples, 2);
  const names = config.estimators ?? DEFAULT_ESTIMATORS;
  names.forEach((name, i) => {
    if (!isEstimatorName(name))
      throw new ArgumentError(`config.estimators[${i}]`, `unknown estimator ${JSON.stringify(name)}`);
  });
  const logits = tf.tensor1d(config.logits as number[]);
  try {
    return config.curvatures.flatMap((a) => sweepPoint(a, names, logits, config));
  } finally {
    logits.dispose();
  }
}

function sweepPoint(
  a: number,
  names: readonly EstimatorName[],
  logits: tf.Tensor1D,
  config: CurvatureSweepConfig,
): CurvatureSweepRow[] {
  const f = curvatureObjective(a, config.weights, config.offset);
  const exactTensor = exactGradient(f, logits);
  const exact = Array.from(exactTensor.dataSync());
  exactTensor.dispose();
  const exactNormSquared = exact.reduce((sum, g) => sum + g * g, 0);
  return names.map((estimator) => {
    const result = estimate(estimator, f, logits, { samples: config.samples, seed: config.seed });
    const stats = gradientStats(result.perSample, exact);
    tf.dispose([result.perSample, result.mean]);
    const constant = stats.variance.every((v) => v === 0);
    return {
      a,
      estimator,
      totalVariance: stats.totalVariance,
      maxAbsZ: constant ? null : stats.maxAbsZ!,
      exactNormSquared,
    };
  });
}

function checkCurvature(argument: string, a: unknown): void {
  if (typeof a !== 'number' || !(a >= 0 && a <= 1))
    throw new ArgumentError(argument, `expected a number in [0, 1], got ${String(a)}`);
}

function checkWeights(w: unknown): void {
  if (!Array.isArray(w) || w.length === 0 || w.length > 20)
    throw new ArgumentError('weights', 'expected 1 to 20 numbers');
  w.forEach((v, i) => checkFinite(`weights[${i}]`, v));
}

function checkFinite(argument: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ArgumentError(argument, `expected a finite number, got ${String(value)}`);
}
