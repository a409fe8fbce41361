/**
 * Variance, seen (chapter 01): the distribution of single estimates of each estimator on one unit
 * of ARM's toy, one histogram per estimator with the exact gradient marked — REINFORCE's two spikes
 * at ±f/2, ARM's flat spread of width |1 − 2p0|, DisARM's point mass at φ = 0. Each panel has its
 * own scale: the spreads differ by orders of magnitude.
 *
 * ```ts
 * for (const panel of estimateHistograms({ estimators: ['reinforce', 'arm', 'disarm'] })) showFigure(panel.figure);
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger } from '../errors';
import { estimate } from '../estimators/estimate';
import { lookupEstimator, type EstimatorName } from '../estimators/registry';
import { armToy } from '../models/toy';
import { histogram } from '../viz/charts';
import type { Figure } from '../viz/figure';

export interface EstimateHistogramOptions {
  /** The estimators, one panel each (default reinforce, arm, disarm). */
  estimators?: readonly string[];
  /** The unit's logit (default 0) and the toy's target (default 0.49). */
  phi?: number;
  p0?: number;
  /** Estimates per estimator (default 20,000) and their seed (default 1). */
  samples?: number;
  seed?: number;
}

export interface EstimateHistogram {
  estimator: EstimatorName;
  /** The single estimates, and their distinct values when there are at most 10 (a point mass or spikes). */
  values: number[];
  distinct: number[] | null;
  figure: Figure;
}

/** One histogram of single estimates per estimator, on the same uniforms (common random numbers). */
export function estimateHistograms(options: EstimateHistogramOptions = {}): EstimateHistogram[] {
  const names = options.estimators ?? ['reinforce', 'arm', 'disarm'];
  if (!Array.isArray(names) || names.length === 0)
    throw new ArgumentError('options.estimators', 'expected a non-empty array of estimator names');
  const phi = options.phi ?? 0;
  const p0 = options.p0 ?? 0.49;
  if (!Number.isFinite(phi)) throw new ArgumentError('options.phi', `expected a finite number, got ${String(phi)}`);
  const samples = checkInteger('options.samples', options.samples ?? 20_000, 2);
  const seed = checkInteger('options.seed', options.seed ?? 1, 0);
  names.forEach((name, k) => lookupEstimator(name, `options.estimators[${k}]`));
  const checked = names as readonly EstimatorName[];
  const f = armToy(p0);
  const sigma = 1 / (1 + Math.exp(-phi));
  const exact = sigma * (1 - sigma) * (1 - 2 * p0);
  return checked.map((name) => {
    const logits = tf.tensor1d([phi]);
    const result = estimate(name, f, logits, { samples, seed });
    const values = Array.from(result.perSample.dataSync());
    tf.dispose([logits, result.perSample, result.mean]);
    const unique = [...new Set(values.map((v) => Number(v.toPrecision(6))))].sort((a, b) => a - b);
    const figure = histogram(
      { name: `${name}: ${samples} single estimates`, values },
      {
        title: `${name} on one unit of ARM's toy (φ = ${phi}, p0 = ${p0}); exact gradient ${exact.toPrecision(3)}`,
        xTitle: 'one estimate of ∂E[f]/∂φ',
        yTitle: 'fraction of estimates',
        normalize: 'probability',
        bins: 60,
      },
    );
    figure.layout.shapes = [
      { type: 'line', x0: exact, x1: exact, y0: 0, y1: 1, yref: 'paper', line: { color: '#000000', dash: 'dash' } },
    ];
    return { estimator: name, values, distinct: unique.length <= 10 ? unique : null, figure };
  });
}
