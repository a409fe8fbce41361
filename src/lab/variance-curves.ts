/**
 * Variance, seen against φ (chapter 01), in the style of Mohamed et al.'s figures ("Monte Carlo
 * Gradient Estimation in Machine Learning"): the exact mean and variance of ONE estimate of each
 * estimator on one unit of ARM's toy `f(z) = (z − p0)²`, as smooth functions of the logit φ,
 * computed without sampling noise, and the same variance times the evaluations of f one estimate
 * costs (the variance at equal cost: with a budget of E evaluations, averaging E/k estimates of
 * cost k has variance `k · Var / E`).
 *
 * How it is exact. One estimate is one call of `estimate` with the estimator's fewest draws
 * (`minSamples`: 1, or reinforce-loo's pair of 2) and its `mean`; it is a function of the call's
 * uniforms u ∈ (0, 1) (one per draw). On one unit the breakpoints σ(φ) and 1 − σ(φ) (where the draw
 * `1[u < σ(φ)]` or its antithetic twin `1[1 − u < σ(φ)]` flips) cut (0, 1) into at most three
 * pieces, and on each piece every estimator listed in `EXACT_VARIANCE_ESTIMATORS` is a polynomial
 * in u of degree 0 (it sees the draw only through z: REINFORCE, MuProp, straight-through,
 * DisARM, the leave-one-out pair) or 1 (AR's `f(z)(1 − 2u)`, ARM's `(f(b̃) − f(b))(u − ½)`). Each
 * piece is integrated by Gauss–Legendre quadrature, exact for the estimate and its square: the
 * midpoint for degree 0, two nodes for degree 1 (exact to degree 3); a pair of draws takes the
 * product rule over pairs of pieces. Every value at a node is the library's own `estimate` at
 * those uniforms; nothing is re-derived here. What remains is float32 round-off of those values
 * (about 1e-7 relative).
 *
 * Round-off and the log axis: where every value the estimate takes agrees to within
 * `ROUND_OFF` (relative) the estimate is constant to float32 precision (DisARM at φ = 0) and its
 * variance is reported as exactly 0; the figures, on log axes, leave such points out.
 *
 * ```ts
 * const curves = varianceCurves({ p0: 0.49 });
 * showFigure(curves.figures.variance);
 * showFigure(curves.figures.varianceTimesEvaluations);
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../errors';
import { estimate } from '../estimators/estimate';
import { enumerate } from '../estimators/exact';
import { estimators, type EstimatorName } from '../estimators/registry';
import { armToy } from '../models/toy';
import { lineChart } from '../viz/charts';
import type { Figure } from '../viz/figure';

/** On each piece of u the estimate is constant (0) or linear (1) in u; one draw or a pair. */
interface ExactRule {
  readonly degree: 0 | 1;
}

/** The estimators whose variance on one unit this module computes exactly, and their degree in u. */
const EXACT_RULES = {
  reinforce: { degree: 0 },
  'reinforce-loo': { degree: 0 },
  muprop: { degree: 0 },
  st: { degree: 0 },
  'st-sigmoid': { degree: 0 },
  'st-annealed': { degree: 0 },
  'one-half': { degree: 0 },
  ar: { degree: 1 },
  arm: { degree: 1 },
  disarm: { degree: 0 },
} as const satisfies Partial<Record<EstimatorName, ExactRule>>;

export type ExactVarianceEstimator = keyof typeof EXACT_RULES;

/** Estimators with an exact variance curve (the others are stateful or nonlinear in u). */
export const EXACT_VARIANCE_ESTIMATORS = Object.keys(EXACT_RULES) as ExactVarianceEstimator[];

/** Relative spread below which the values of an estimate count as one float32 number (8 ulps). */
export const ROUND_OFF = 2 ** -20;

/** Largest |φ| accepted: beyond it the pieces next to 0 and 1 get too narrow for float32 uniforms. */
export const MAX_ABS_PHI = 12;

export interface VarianceCurvesOptions {
  /** The toy's target (default 0.49). */
  p0?: number;
  /** The logits of the curves (default −6, −5.75, …, 6). */
  phis?: readonly number[];
  /** The estimators (default reinforce, reinforce-loo, muprop, ar, arm, disarm, st). */
  estimators?: readonly string[];
}

/** One estimator at one φ (a type, not an interface, so that rows are table records for `showTable`). */
export type VarianceCurveRow = {
  estimator: ExactVarianceEstimator;
  unbiased: boolean;
  phi: number;
  /** Exact mean of one estimate (quadrature over u) and the exact gradient (enumeration). */
  mean: number;
  exact: number;
  /** Exact variance of one estimate; 0 where it is constant to float32 precision. */
  variance: number;
  /** Evaluations of f one estimate costs: `minSamples · evaluationsPerSample + evaluationsPerCall`. */
  evaluations: number;
  /** `variance × evaluations`: the variance of the average over one evaluation's worth of estimates. */
  varianceTimesEvaluations: number;
};

export interface VarianceCurves {
  p0: number;
  phis: number[];
  estimators: ExactVarianceEstimator[];
  /** One row per estimator and φ, estimator-major. */
  rows: VarianceCurveRow[];
  figures: { variance: Figure; varianceTimesEvaluations: Figure };
}

const DEFAULT_ESTIMATORS: readonly ExactVarianceEstimator[] = [
  'reinforce',
  'reinforce-loo',
  'muprop',
  'ar',
  'arm',
  'disarm',
  'st',
];
const DEFAULT_PHIS = Array.from({ length: 49 }, (_, k) => -6 + k / 4);

function isExact(name: unknown): name is ExactVarianceEstimator {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(EXACT_RULES, name);
}

function checkOptions(options: VarianceCurvesOptions) {
  if (options == null || typeof options !== 'object') throw new ArgumentError('options', 'expected an object');
  const p0 = options.p0 ?? 0.49;
  if (typeof p0 !== 'number' || !Number.isFinite(p0))
    throw new ArgumentError('options.p0', `expected a finite number, got ${String(p0)}`);
  const phis = options.phis ?? DEFAULT_PHIS;
  const phiOk = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= MAX_ABS_PHI;
  if (!Array.isArray(phis) || phis.length === 0 || !phis.every(phiOk))
    throw new ArgumentError('options.phis', `expected a non-empty array of numbers with |φ| <= ${MAX_ABS_PHI}`);
  const names = options.estimators ?? DEFAULT_ESTIMATORS;
  if (!Array.isArray(names) || names.length === 0)
    throw new ArgumentError('options.estimators', 'expected a non-empty array of estimator names');
  names.forEach((name, k) => {
    if (!isExact(name))
      throw new ArgumentError(
        `options.estimators[${k}]`,
        `no exact variance for ${JSON.stringify(name)}; the estimators computed exactly are ` +
          EXACT_VARIANCE_ESTIMATORS.join(', '),
      );
  });
  return { p0, phis: [...phis] as number[], names: [...names] as ExactVarianceEstimator[] };
}

/** A quadrature node: one uniform per draw of the estimate, and its weight (the node's share of probability). */
interface Node {
  u: number[];
  weight: number;
}

/** σ(φ) as the library computes it (float32), so the pieces break where its draws flip. */
function librarySigmoid(phi: number): number {
  return tf.tidy(() => tf.sigmoid(tf.scalar(phi)).dataSync()[0]);
}

/** The pieces of (0, 1) between the breakpoints σ and 1 − σ (empty pieces dropped). */
function pieces(sigma: number): [number, number][] {
  const edges = [0, Math.min(sigma, 1 - sigma), Math.max(sigma, 1 - sigma), 1];
  return edges.slice(1).flatMap((right, k): [number, number][] => (right > edges[k] ? [[edges[k], right]] : []));
}

/** Gauss–Legendre nodes on each piece for one draw: the midpoint (degree 0) or two nodes (degree 1). */
function oneDrawNodes(sigma: number, degree: 0 | 1): Node[] {
  const offsets = degree === 0 ? [0.5] : [0.5 - 0.5 / Math.sqrt(3), 0.5 + 0.5 / Math.sqrt(3)];
  return pieces(sigma).flatMap(([left, right]) =>
    offsets.map((t) => ({ u: [left + t * (right - left)], weight: (right - left) / offsets.length })),
  );
}

/** The product rule over `draws` independent uniforms. */
function nodes(sigma: number, degree: 0 | 1, draws: number): Node[] {
  const single = oneDrawNodes(sigma, degree);
  let product: Node[] = [{ u: [], weight: 1 }];
  for (let k = 0; k < draws; k++)
    product = product.flatMap((a) => single.map((b) => ({ u: [...a.u, ...b.u], weight: a.weight * b.weight })));
  return product;
}

/** The library's estimate (a call's mean) at each node's uniforms: one batched call for one draw, else a call per node. */
function estimatesAt(
  name: ExactVarianceEstimator,
  p0: number,
  phi: number,
  at: readonly Node[],
  draws: number,
): number[] {
  const f = armToy(p0);
  const logits = tf.tensor1d([phi]);
  const call = (uniforms: number[], samples: number) => {
    const noise = tf.tensor2d(uniforms, [samples, 1]);
    const result = estimate(name, f, logits, { samples, noise });
    const values = draws === 1 ? Array.from(result.perSample.dataSync()) : [result.mean.dataSync()[0]];
    tf.dispose([noise, result.perSample, result.mean]);
    return values;
  };
  const values =
    draws === 1
      ? call(
          at.map((node) => node.u[0]),
          at.length,
        )
      : at.flatMap((node) => call(node.u, draws));
  logits.dispose();
  return values;
}

/** Weighted mean and variance; the variance as `Σ_{k<l} w_k w_l (g_k − g_l)²`, exactly 0 for a constant. */
function moments(values: readonly number[], weights: readonly number[]): { mean: number; variance: number } {
  const total = weights.reduce((s, w) => s + w, 0);
  const mean = values.reduce((s, g, k) => s + weights[k] * g, 0) / total;
  const largest = Math.max(...values.map(Math.abs));
  if (Math.max(...values) - Math.min(...values) <= ROUND_OFF * largest) return { mean, variance: 0 };
  let variance = 0;
  for (let k = 0; k < values.length; k++)
    for (let l = k + 1; l < values.length; l++) variance += weights[k] * weights[l] * (values[k] - values[l]) ** 2;
  return { mean, variance: variance / total ** 2 };
}

/** Evaluations of f in one estimate: one call with the estimator's fewest draws. */
export function evaluationsPerEstimate(name: ExactVarianceEstimator): number {
  const spec = estimators[name];
  return spec.minSamples * spec.evaluationsPerSample + (spec.evaluationsPerCall ?? 0);
}

function curveRow(name: ExactVarianceEstimator, p0: number, phi: number): VarianceCurveRow {
  const spec = estimators[name];
  const draws = spec.minSamples;
  const at = nodes(librarySigmoid(phi), EXACT_RULES[name].degree, draws);
  const { mean, variance } = moments(
    estimatesAt(name, p0, phi, at, draws),
    at.map((node) => node.weight),
  );
  const logits = tf.tensor1d([phi]);
  const exact = enumerate(armToy(p0), logits).gradient[0];
  logits.dispose();
  const evaluations = evaluationsPerEstimate(name);
  return {
    estimator: name,
    unbiased: spec.unbiased,
    phi,
    mean,
    exact,
    variance,
    evaluations,
    varianceTimesEvaluations: variance * evaluations,
  };
}

function curveFigure(curves: Omit<VarianceCurves, 'figures'>, key: 'variance' | 'varianceTimesEvaluations'): Figure {
  const series = curves.estimators.map((name) => {
    const rows = curves.rows.filter((row) => row.estimator === name);
    const k = evaluationsPerEstimate(name);
    return {
      name: `${name} (${k} evaluation${k === 1 ? '' : 's'}${estimators[name].unbiased ? '' : ', biased'})`,
      x: rows.map((row) => row.phi),
      y: rows.map((row) => (row[key] > 0 ? row[key] : null)), // log axis: a zero variance is not drawn
    };
  });
  const perCost = key === 'varianceTimesEvaluations';
  return lineChart(series, {
    title: perCost
      ? `Variance × evaluations of f: the variance at equal cost (p0 = ${curves.p0})`
      : `Exact variance of one estimate on one unit of ARM's toy (p0 = ${curves.p0})`,
    xTitle: 'logit φ',
    yTitle: perCost ? 'Var(ĝ) × evaluations, log scale' : 'Var(ĝ), log scale',
    logY: true,
  });
}

/** Exact variance curves of one estimate against φ, and the same at equal cost; see the module comment. */
export function varianceCurves(options: VarianceCurvesOptions = {}): VarianceCurves {
  const { p0, phis, names } = checkOptions(options);
  const rows = names.flatMap((name) => phis.map((phi) => curveRow(name, p0, phi)));
  const curves = { p0, phis, estimators: names, rows };
  return {
    ...curves,
    figures: {
      variance: curveFigure(curves, 'variance'),
      varianceTimesEvaluations: curveFigure(curves, 'varianceTimesEvaluations'),
    },
  };
}
