/**
 * `measureEstimator`: the statistics of an estimator's estimates against a known gradient, with
 * each estimate made the way the estimator makes it: one draw, or the mean of a group of k coupled
 * draws for a multi-sample estimator (`minSamples` k > 1: leave-one-out, ARMS, double control
 * variates, RODEO). Its variance is then the variance of one estimate, comparable across estimators
 * (at the cost in evaluations of f the registry states).
 *
 * ```ts
 * const stats = measureEstimator('arms', f, logits, exact, { estimates: 10000, seed: 1 });
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { checkInteger } from '../errors';
import { estimate, estimateGrouping, groupMeans } from '../estimators/estimate';
import type { Objective } from '../estimators/objective';
import { estimators, lookupEstimator, type EstimatorName } from '../estimators/registry';
import type { EstimateOptions } from '../estimators/types';
import { gradientStats, type GradientStats } from '../metrics/gradient-stats';

export type MeasureOptions = Omit<EstimateOptions, 'samples' | 'groups' | 'noise' | 'conditionalNoise'> & {
  /** Independent estimates to draw (each one draw, or one group of k draws). */
  estimates: number;
};

/** `options.estimates` estimates of `name` on `f` at `logits`, and their statistics against `exact`. */
export function measureEstimator(
  name: EstimatorName,
  f: Objective,
  logits: tf.Tensor1D,
  exact: readonly number[],
  options: MeasureOptions,
): GradientStats {
  lookupEstimator(name, 'name');
  checkInteger('options.estimates', options.estimates, 2);
  const { estimates, ...rest } = options;
  const grouping = estimateGrouping(estimators[name], estimates);
  const result = estimate(name, f, logits, { ...rest, ...grouping });
  const rows = grouping.groups ? groupMeans(result.perSample, grouping.groups) : result.perSample;
  try {
    return gradientStats(rows, [...exact]);
  } finally {
    tf.dispose([result.perSample, result.mean, rows]);
  }
}
