/**
 * The variance of the score-function estimator as a function of a constant baseline, exactly,
 * by enumerating the `2^d` configurations (Bengio, Léonard & Courville 2013, section 1a).
 *
 * For unit i, with `s_i = z_i − σ(φ_i)` and `ĝ_i = (f(z) − b) s_i`, the mean `g_i = E[f s_i]` does
 * not depend on b (because `E[s_i] = 0`), and the variance is a quadratic in b:
 *
 *   `Var(ĝ_i; b) = E[s_i² (f − b)²] − g_i² = A_i b² − 2 B_i b + C_i`,
 *   `A_i = E[s_i²] = σ_i(1 − σ_i)`, `B_i = E[s_i² f]`, `C_i = E[s_i² f²] − g_i²`,
 *
 * minimised at Bengio's baseline `b_i* = B_i / A_i = E[s_i² f] / E[s_i²]` (their eq. 9), where
 * `Var = C_i − B_i² / A_i`. With one unit, `b* = (1 − σ) f(1) + σ f(0)` and the minimum is 0.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../errors';
import { enumerateConfigurations, type Enumeration } from '../estimators/exact';
import type { Objective } from '../estimators/objective';
import { lineChart, scatterChart } from '../viz/charts';
import type { Figure } from '../viz/figure';
import { HOUSE_COLORS } from '../viz/theme';

/** The exact variance curve of one unit's score-function estimate against a constant baseline. */
export interface BaselineVarianceCurve {
  /** Which unit (coordinate of φ). */
  unit: number;
  /** `E[f]`, the moving-average baseline's target. */
  expectation: number;
  /** `g_i = ∂E[f]/∂φ_i`, the estimator's mean for every b. */
  gradient: number;
  /** `Var(ĝ_i; b) = a b² + linear · b + constant`, with `a = A_i`, `linear = −2 B_i`, `constant = C_i`. */
  quadratic: { a: number; linear: number; constant: number };
  /** `b_i* = E[s_i² f] / E[s_i²]`. */
  optimalBaseline: number;
  /** `Var(ĝ_i; b_i*)`. */
  minimumVariance: number;
  /** `Var(ĝ_i; b)`, from the quadratic. */
  variance(baseline: number): number;
  /**
   * Standard deviation of the unbiased sample variance of n independent estimates at baseline b:
   * `sqrt(μ4 / n − Var² (n − 3) / (n (n − 1)))`, with `μ4` the estimate's exact fourth central moment.
   */
  varianceStandardError(baseline: number, n: number): number;
}

function checkFinite(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ArgumentError(argument, `expected a finite number, got ${String(value)}`);
  return value;
}

function curveOf(e: Enumeration, unit: number): BaselineVarianceCurve {
  const score = (k: number) => e.configurations[k * e.d + unit] - e.sigma[unit];
  let expectation = 0;
  let gradient = 0;
  let a = 0;
  let b = 0;
  let c = 0;
  for (let k = 0; k < e.p.length; k++) {
    const s2 = score(k) ** 2;
    expectation += e.p[k] * e.f[k];
    gradient += e.p[k] * e.f[k] * score(k);
    a += e.p[k] * s2;
    b += e.p[k] * s2 * e.f[k];
    c += e.p[k] * s2 * e.f[k] ** 2;
  }
  const constant = c - gradient ** 2;
  const variance = (baseline: number) => {
    checkFinite('baseline', baseline);
    return Math.max(a * baseline ** 2 - 2 * b * baseline + constant, 0);
  };
  const fourthMoment = (baseline: number) => {
    let m4 = 0;
    for (let k = 0; k < e.p.length; k++) m4 += e.p[k] * ((e.f[k] - baseline) * score(k) - gradient) ** 4;
    return m4;
  };
  return {
    unit,
    expectation,
    gradient,
    quadratic: { a, linear: -2 * b, constant },
    optimalBaseline: b / a,
    minimumVariance: Math.max(constant - (b * b) / a, 0),
    variance,
    varianceStandardError(baseline: number, n: number) {
      const v = variance(baseline);
      if (!(Number.isInteger(n) && n >= 2)) throw new ArgumentError('n', `expected an integer >= 2, got ${String(n)}`);
      return Math.sqrt(Math.max(fourthMoment(baseline) / n - (v * v * (n - 3)) / (n * (n - 1)), 0));
    },
  };
}

/** One exact variance curve per unit of `logits` (d ≤ 20); see the module comment. */
export function baselineVariance(f: Objective, logits: tf.Tensor1D): BaselineVarianceCurve[] {
  const e = enumerateConfigurations(f, logits);
  return Array.from({ length: e.d }, (_, unit) => curveOf(e, unit));
}

export interface BaselineVarianceFigureOptions {
  /** The baselines drawn, `[from, to]`. Default: 0 (no baseline), every unit's b* and E[f], with a margin. */
  range?: [number, number];
  /** Points per curve. Default 121. */
  points?: number;
  title?: string;
  /** Mark `E[f]` on the first curve (default true). */
  markExpectation?: boolean;
}

/**
 * `Var(ĝ_i; b)` against the baseline b for each curve, the optimum `b_i*` marked on each and
 * `E[f]` (the moving-average baseline's target) marked on the first. One colour per unit.
 *
 * @example showFigure(baselineVarianceFigure(baselineVariance(f, logits)))
 */
export function baselineVarianceFigure(
  curves: readonly BaselineVarianceCurve[],
  options: BaselineVarianceFigureOptions = {},
): Figure {
  if (!Array.isArray(curves) || curves.length === 0)
    throw new ArgumentError('curves', 'expected the curves of baselineVariance()');
  const points = options.points ?? 121;
  if (!(Number.isInteger(points) && points >= 2))
    throw new ArgumentError('options.points', `expected an integer >= 2, got ${String(points)}`);
  const marks = [0, ...curves.flatMap((c) => [c.optimalBaseline, c.expectation])];
  const [low, high] = [Math.min(...marks), Math.max(...marks)];
  const margin = Math.max(high - low, 1) / 2;
  const [from, to] = options.range ?? [low - margin, high + margin];
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to))
    throw new ArgumentError('options.range', `expected [from, to] with from < to, got [${from}, ${to}]`);
  const grid = Array.from({ length: points }, (_, k) => from + ((to - from) * k) / (points - 1));
  const colour = (k: number) => HOUSE_COLORS[k % (HOUSE_COLORS.length - 1)];
  const label = (c: BaselineVarianceCurve) => (curves.length === 1 ? '' : ` of unit ${c.unit}`);
  const fig = lineChart(
    curves.map((c, k) => ({
      name: `exact Var(ĝ${label(c)}; b)`,
      x: grid,
      y: grid.map((b) => c.variance(b)),
      color: colour(k),
    })),
    {
      title: options.title ?? 'REINFORCE variance against a constant baseline b',
      xTitle: 'baseline b',
      yTitle: 'Var(ĝ)',
    },
  );
  fig.data.push(
    ...scatterChart([
      ...curves.map((c, k) => ({
        name: `optimum b*${label(c)} (formula)`,
        x: [c.optimalBaseline],
        y: [c.minimumVariance],
        labels: ['b*'],
        color: colour(k),
      })),
      ...((options.markExpectation ?? true)
        ? [
            {
              name: 'b = E[f]',
              x: [curves[0].expectation],
              y: [curves[0].variance(curves[0].expectation)],
              labels: ['E[f]'],
              color: '#000000',
            },
          ]
        : []),
    ]).data,
  );
  fig.layout.legend = { orientation: 'v', x: 1.02, y: 1, xanchor: 'left', yanchor: 'top' };
  return fig;
}
