/**
 * Antithetic sampling, seen (chapter 04), on one unit of ARM's toy `f(z) = (z − p0)²`: the AR
 * estimate at u and at its antithetic 1 − u, their average ARM, and DisARM (ARM's conditional mean
 * given the pair), each as a function of u; and AR(u) against AR(1 − u) over random u, whose
 * negative correlation is what makes the average better than either half. Every value is the
 * library's `estimate` at the given uniforms.
 *
 * ```ts
 * const picture = antitheticPicture({ phi: 0.8, p0: 0.49 });
 * showFigure(picture.byU);
 * showFigure(picture.scatter);
 * picture.correlation;   // corr(AR(u), AR(1 − u)) over the random uniforms
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { uniformNoise } from '../core/random';
import { ArgumentError, checkInteger } from '../errors';
import { estimate } from '../estimators/estimate';
import type { EstimatorName } from '../estimators/registry';
import { armToy } from '../models/toy';
import { lineChart, scatterChart } from '../viz/charts';
import type { Figure } from '../viz/figure';

export interface AntitheticPictureOptions {
  /** The unit's logit (default 0.8). */
  phi?: number;
  /** The toy's target (default 0.49). */
  p0?: number;
  /** Points of the u grid (default 999). */
  points?: number;
  /** Random uniforms of the scatter (default 2000) and their seed (default 1). */
  samples?: number;
  seed?: number;
}

export interface AntitheticPicture {
  /** The u grid and the four estimates on it. */
  u: number[];
  ar: number[];
  arTwin: number[];
  arm: number[];
  disarm: number[];
  /** The exact gradient `σ'(φ)(1 − 2p0)`. */
  exact: number;
  /** Pearson correlation of AR(u) and AR(1 − u) over the scatter's random uniforms. */
  correlation: number;
  byU: Figure;
  scatter: Figure;
}

/** The estimates of `name` at the uniforms `u` `[n, 1]` (one per row). */
function estimatesAt(name: EstimatorName, f: ReturnType<typeof armToy>, phi: number, u: tf.Tensor2D): number[] {
  const logits = tf.tensor1d([phi]);
  const result = estimate(name, f, logits, { samples: u.shape[0], noise: u });
  const values = Array.from(result.perSample.dataSync());
  tf.dispose([logits, result.perSample, result.mean]);
  return values;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(a), mean(b)];
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i] - mb);
    aa += (x - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

/** AR at u and 1 − u, ARM and DisARM as functions of u, and the scatter of AR(u) against AR(1 − u). */
export function antitheticPicture(options: AntitheticPictureOptions = {}): AntitheticPicture {
  const phi = options.phi ?? 0.8;
  const p0 = options.p0 ?? 0.49;
  if (!Number.isFinite(phi)) throw new ArgumentError('options.phi', `expected a finite number, got ${String(phi)}`);
  if (!Number.isFinite(p0)) throw new ArgumentError('options.p0', `expected a finite number, got ${String(p0)}`);
  const points = checkInteger('options.points', options.points ?? 999, 2);
  const samples = checkInteger('options.samples', options.samples ?? 2000, 2);
  const seed = checkInteger('options.seed', options.seed ?? 1, 0);
  const f = armToy(p0);
  const grid = Array.from({ length: points }, (_, k) => (k + 1) / (points + 1));
  const onGrid = (values: number[]) => tf.tensor2d(values, [values.length, 1]);
  const [u, twin] = [onGrid(grid), onGrid(grid.map((x) => 1 - x))];
  const ar = estimatesAt('ar', f, phi, u);
  const arTwin = estimatesAt('ar', f, phi, twin);
  const arm = estimatesAt('arm', f, phi, u);
  const disarm = estimatesAt('disarm', f, phi, u);
  tf.dispose([u, twin]);
  const random = uniformNoise(samples, 1, seed);
  const randomTwin = tf.sub(1, random) as tf.Tensor2D;
  const scatterAr = estimatesAt('ar', f, phi, random);
  const scatterTwin = estimatesAt('ar', f, phi, randomTwin);
  tf.dispose([random, randomTwin]);
  const sigma = 1 / (1 + Math.exp(-phi));
  const exact = sigma * (1 - sigma) * (1 - 2 * p0);
  const byU = lineChart(
    [
      { name: 'AR(u)', x: grid, y: ar },
      { name: 'AR(1 − u)', x: grid, y: arTwin },
      { name: 'ARM(u): their average', x: grid, y: arm },
      { name: 'DisARM: ARM averaged over u given the pair', x: grid, y: disarm },
      { name: 'exact gradient', x: [0, 1], y: [exact, exact], color: '#000000', dash: 'dash' },
    ],
    {
      title: `One unit of ARM's toy (φ = ${phi}, p0 = ${p0}): each estimate as a function of u`,
      xTitle: 'uniform u',
      yTitle: 'estimate of ∂E[f]/∂φ',
    },
  );
  const scatter = scatterChart(
    { name: 'one draw of u', x: scatterAr, y: scatterTwin },
    {
      title: `AR(u) against AR(1 − u) over ${samples} draws: correlation ${pearson(scatterAr, scatterTwin).toFixed(2)}`,
      xTitle: 'AR(u)',
      yTitle: 'AR(1 − u)',
    },
  );
  return { u: grid, ar, arTwin, arm, disarm, exact, correlation: pearson(scatterAr, scatterTwin), byU, scatter };
}
