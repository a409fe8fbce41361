/**
 * MuProp's linearisation, seen (chapter 03): over every configuration z of a small layer, the
 * objective f(z) against its first-order Taylor expansion around the mean field,
 * `h(z) = f(z̄) + f'(z̄)ᵀ(z − z̄)` with `z̄ = σ(φ)`. Points on the diagonal are configurations where h
 * matches f; the vertical gap is the residual `f − h`, all that MuProp leaves to its score-function
 * term. The probability-weighted variance of the residual is reported beside the variance of f.
 *
 * ```ts
 * const picture = taylorPicture(f, logits);
 * showFigure(picture.figure);
 * picture.residualVariance / picture.fVariance;   // the share of f's variance MuProp leaves
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { enumerateConfigurations } from '../estimators/exact';
import type { Objective } from '../estimators/objective';
import { lineChart, scatterChart } from '../viz/charts';
import type { Figure } from '../viz/figure';

export interface TaylorPicture {
  /** Per configuration (unit 0 the least significant bit): its probability, f(z) and h(z). */
  p: number[];
  f: number[];
  h: number[];
  /** `Var_q[f(z)]` and `Var_q[f(z) − h(z)]` under the units' Bernoulli distribution. */
  fVariance: number;
  residualVariance: number;
  figure: Figure;
}

const weightedVariance = (p: readonly number[], values: readonly number[]) => {
  const mean = values.reduce((s, v, k) => s + p[k] * v, 0);
  return values.reduce((s, v, k) => s + p[k] * (v - mean) ** 2, 0);
};

/** f against its Taylor expansion at the mean field, over every configuration of `logits` (d ≤ 20). */
export function taylorPicture(f: Objective, logits: tf.Tensor1D): TaylorPicture {
  const { d, configurations, p, f: values, sigma } = enumerateConfigurations(f, logits);
  const zBar = tf.tensor2d(sigma, [1, d]);
  const fAtMean = tf.tidy(() => f(zBar));
  const gradient = tf.tidy(() => tf.grad((z: tf.Tensor) => tf.sum(f(z as tf.Tensor2D)))(zBar));
  const fBar = fAtMean.dataSync()[0];
  const slope = Array.from(gradient.dataSync());
  tf.dispose([zBar, fAtMean, gradient]);
  const count = p.length;
  const h = Array.from({ length: count }, (_, k) => {
    let value = fBar;
    for (let i = 0; i < d; i++) value += slope[i] * (configurations[k * d + i] - sigma[i]);
    return value;
  });
  const fs = Array.from(values);
  const ps = Array.from(p);
  const residual = fs.map((v, k) => v - h[k]);
  const fVariance = weightedVariance(ps, fs);
  const residualVariance = weightedVariance(ps, residual);
  const low = Math.min(...fs, ...h);
  const high = Math.max(...fs, ...h);
  const figure = scatterChart(
    { name: `the ${count} configurations z`, x: h, y: fs },
    {
      title: `f(z) against its Taylor expansion h(z) at the mean field: Var f = ${fVariance.toPrecision(3)}, Var(f − h) = ${residualVariance.toPrecision(3)}`,
      xTitle: 'h(z) = f(z̄) + f′(z̄)ᵀ(z − z̄)',
      yTitle: 'f(z)',
    },
  );
  figure.data.push(
    ...lineChart({ name: 'f = h', x: [low, high], y: [low, high], dash: 'dash', color: '#000000' }).data,
  );
  return { p: ps, f: fs, h, fVariance, residualVariance, figure };
}
