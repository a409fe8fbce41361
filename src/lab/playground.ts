/**
 * The what-if dashboard of notebook 06: one parameter object in, every table and figure out.
 *
 * For the chosen objective and logits, each estimator draws `samples` estimates (same seed, so
 * the same uniforms u for all: common random numbers) and is measured against the exact
 * gradient (enumeration) as in docs/estimators.md ("How stochgrad measures an estimator"): mean,
 * standard error, bias z-score
 * `(mean_i − exact_i)/se_i`, per-coordinate variance, SNR `|mean_i|/sd_i`, evaluations of f per
 * estimate and the wall time per estimate (median of `repeats` timed calls, after one untimed call
 * of every estimator).
 * Every tensor is disposed before `playground` returns.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger, checkOpenUnit } from '../errors';
import { estimate } from '../estimators/estimate';
import { checkComparable } from './compare';
import { enumerate, MAX_ENUMERATION_UNITS } from '../estimators/exact';
import type { Objective } from '../estimators/objective';
import { estimators, lookupEstimator, type EstimatorName } from '../estimators/registry';
import type { EstimateOptions } from '../estimators/types';
import { armToy, linearObjective } from '../models/toy';
import { barChart, lineChart, scatterChart } from '../viz/charts';
import type { Figure } from '../viz/figure';
import type { TableRecord } from '../viz/table';
import { HOUSE_COLORS } from '../viz/theme';
import { biasZScore } from './compare';
import { gradientStats } from '../metrics/gradient-stats';
import { zBound } from '../core/normal';

/** ARM's toy `Σ_i (z_i − p0)^2`; a linear `cᵀz`; or the non-separable quadratic `(aᵀz − b)^2`. */
export type PlaygroundObjective =
  { kind: 'arm-toy'; p0: number } | { kind: 'linear'; c: number[] } | { kind: 'quadratic'; a: number[]; b: number };

export const PLAYGROUND_OBJECTIVES = ['arm-toy', 'linear', 'quadratic'] as const;

export interface PlaygroundParams {
  objective: PlaygroundObjective;
  /** One logit φ_i per unit (d ≤ 20, for the exact gradient). */
  logits: number[];
  estimators: EstimatorName[];
  /** Estimates per estimator. */
  samples: number;
  seed: number;
  /** Timed calls per estimator (median reported). Default 3. */
  repeats?: number;
  /** False-alarm rate of the bias test over all z-scores shown. Default 1e-3. */
  falseAlarm?: number;
  /** Relaxation temperature (concrete, gumbel-st, rebar, relax). Default: the estimators' 0.5. */
  temperature?: number;
}

export interface PlaygroundRow {
  estimator: EstimatorName;
  unbiased: boolean;
  mean: number[];
  standardError: number[];
  /** `(mean_i − exact_i)/se_i`, null where every estimate is the same number (se ≈ 0). */
  biasZ: (number | null)[];
  variance: number[];
  totalVariance: number;
  snr: number[];
  /** Measured evaluations of f per estimate. */
  evaluationsPerSample: number;
  /** Median wall time of one call, divided by `samples`. */
  secondsPerEstimate: number;
}

export interface PlaygroundFigures {
  /** The unbiased estimators' means ± 2 se beside the exact gradient. */
  meanVsExact: Figure;
  /** The biased estimators' means ± 2 se beside the exact gradient (only the exact bars when none is chosen). */
  biasedMeanVsExact: Figure;
  variance: Figure;
  snr: Figure;
  cost: Figure;
  biasZ: Figure;
}

export interface Playground {
  params: PlaygroundParams;
  /** `E[f(z)]` and its gradient by enumeration. */
  expectation: number;
  exact: number[];
  /** The Bonferroni bound on |z| for `falseAlarm` over all z-scores of the unbiased estimators. */
  zBound: number;
  rows: PlaygroundRow[];
  /** One row per estimator. */
  summary: TableRecord[];
  /** One row per estimator and unit. */
  coordinates: TableRecord[];
  figures: PlaygroundFigures;
}

/** `(aᵀz − b)^2`: every unit interacts with every other, unlike ARM's toy. */
export function quadraticObjective(a: number[], b: number): Objective {
  return (z: tf.Tensor2D) => tf.tidy(() => tf.square(tf.sub(tf.sum(tf.mul(z, tf.tensor1d(a)), 1), b)) as tf.Tensor1D);
}

function finiteList(argument: string, value: unknown, length?: number): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new ArgumentError(argument, 'expected a non-empty array of finite numbers');
  }
  if (length !== undefined && value.length !== length)
    throw new ArgumentError(argument, `expected ${length} numbers (one per logit), got ${value.length}`);
  return value;
}

/** The objective of `spec` for `d` units. */
export function playgroundObjective(spec: PlaygroundObjective, d: number): Objective {
  const kind = (spec as { kind?: unknown } | null)?.kind;
  if (spec?.kind === 'arm-toy') {
    if (typeof spec.p0 !== 'number' || !Number.isFinite(spec.p0))
      throw new ArgumentError('params.objective.p0', 'expected a finite number');
    return armToy(spec.p0);
  }
  if (spec?.kind === 'linear') return linearObjective(finiteList('params.objective.c', spec.c, d));
  if (spec?.kind === 'quadratic') {
    if (typeof spec.b !== 'number' || !Number.isFinite(spec.b))
      throw new ArgumentError('params.objective.b', 'expected a finite number');
    return quadraticObjective(finiteList('params.objective.a', spec.a, d), spec.b);
  }
  throw new ArgumentError(
    'params.objective.kind',
    `unknown objective ${JSON.stringify(kind)}; valid kinds are ${PLAYGROUND_OBJECTIVES.join(', ')}`,
  );
}

function checkParams(params: PlaygroundParams): void {
  if (params == null || typeof params !== 'object')
    throw new ArgumentError('params', 'expected an object { objective, logits, estimators, samples, seed }');
  const logits = finiteList('params.logits', params.logits);
  if (logits.length > MAX_ENUMERATION_UNITS)
    throw new ArgumentError(
      'params.logits',
      `at most ${MAX_ENUMERATION_UNITS} units (exact enumeration), got ${logits.length}`,
    );
  if (!Array.isArray(params.estimators) || params.estimators.length === 0)
    throw new ArgumentError('params.estimators', 'expected a non-empty array of estimator names');
  params.estimators.forEach((name, i) => {
    checkComparable(name, `params.estimators[${i}]`);
    const spec = lookupEstimator(name, `params.estimators[${i}]`);
    if (params.samples < Math.max(2, spec.minSamples)) {
      throw new ArgumentError(
        'params.samples',
        `expected at least ${Math.max(2, spec.minSamples)} (for ${name} and a variance), got ${params.samples}`,
      );
    }
  });
  checkInteger('params.samples', params.samples, 2);
  checkInteger('params.seed', params.seed, 0);
  checkInteger('params.repeats', params.repeats ?? 3, 1);
  checkOpenUnit('params.falseAlarm', params.falseAlarm ?? 1e-3);
}

function optionsFor(name: EstimatorName, f: Objective, params: PlaygroundParams, samples: number): EstimateOptions {
  const options: EstimateOptions = { samples, seed: params.seed };
  if (params.temperature !== undefined) options.temperature = params.temperature;
  if (estimators[name].learned === 'surrogate') options.surrogate = f; // c = f on relaxed samples (REBAR with η = 1)
  return options;
}

/** One untimed call at full size, so that no timed call pays for compiling kernels. */
async function warmUp(name: EstimatorName, f: Objective, logits: tf.Tensor1D, params: PlaygroundParams): Promise<void> {
  const warm = estimate(name, f, logits, optionsFor(name, f, params, params.samples));
  await warm.perSample.data();
  tf.dispose([warm.perSample, warm.mean]);
}

/** Median time of `repeats` identical calls; returns the last result. */
async function timed(name: EstimatorName, f: Objective, logits: tf.Tensor1D, params: PlaygroundParams) {
  const times: number[] = [];
  for (let k = 1; ; k++) {
    const start = performance.now();
    const result = estimate(name, f, logits, optionsFor(name, f, params, params.samples));
    await result.perSample.data();
    times.push((performance.now() - start) / 1000);
    if (k >= (params.repeats ?? 3))
      return { result, seconds: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] };
    tf.dispose([result.perSample, result.mean]);
  }
}

async function measure(
  name: EstimatorName,
  f: Objective,
  logits: tf.Tensor1D,
  exact: number[],
  params: PlaygroundParams,
): Promise<PlaygroundRow> {
  const { result, seconds } = await timed(name, f, logits, params);
  try {
    const stats = gradientStats(result.perSample, exact);
    return {
      estimator: name,
      unbiased: estimators[name].unbiased,
      mean: stats.mean,
      standardError: stats.standardError,
      biasZ: stats.mean.map((m, i) => biasZScore(m, exact[i], stats.standardError[i])),
      variance: stats.variance,
      totalVariance: stats.totalVariance,
      snr: stats.snr,
      evaluationsPerSample: result.evaluations / params.samples,
      secondsPerEstimate: seconds / params.samples,
    };
  } finally {
    tf.dispose([result.perSample, result.mean]);
  }
}

/** The house colours without black, which marks the exact gradient. */
const ESTIMATOR_COLORS = HOUSE_COLORS.filter((color) => color !== '#000000');

const unitLabel = (i: number) => `unit ${i + 1}`;
const maxAbs = (values: (number | null)[]) => {
  const finite = values.filter((z): z is number => z !== null).map(Math.abs);
  return finite.length > 0 ? Math.max(...finite) : null;
};

/** Relative difference below which a constant estimate counts as equal to the exact gradient (float32). */
const CONSTANT_MATCH = 1e-5;

/** For an estimator whose estimates are all equal (no z-score): is that constant the gradient? */
function constantLabel(row: PlaygroundRow, exact: number[]): string {
  const equal = row.mean.every(
    (m, i) => Math.abs(m - exact[i]) <= CONSTANT_MATCH * Math.max(Math.abs(m), Math.abs(exact[i]), 1e-12),
  );
  return equal ? 'constant = exact' : 'constant ≠ exact (biased)';
}

function summaryTable(rows: PlaygroundRow[], exact: number[]): TableRecord[] {
  return rows.map((row) => ({
    estimator: row.estimator,
    unbiased: row.unbiased ? 'yes' : 'no',
    'max |bias z|': maxAbs(row.biasZ) ?? constantLabel(row, exact),
    'total variance': row.totalVariance,
    'min SNR': Math.min(...row.snr),
    'f evaluations / estimate': row.evaluationsPerSample,
    'microseconds / estimate': row.secondsPerEstimate * 1e6,
  }));
}

function coordinateTable(rows: PlaygroundRow[], exact: number[]): TableRecord[] {
  return rows.flatMap((row) =>
    exact.map((g, i) => ({
      estimator: row.estimator,
      unit: i + 1,
      mean: row.mean[i],
      exact: g,
      'standard error': row.standardError[i],
      'bias z':
        row.biasZ[i] ??
        (Math.abs(row.mean[i] - g) <= CONSTANT_MATCH * Math.max(Math.abs(g), Math.abs(row.mean[i]), 1e-12)
          ? 'constant = exact'
          : 'constant ≠ exact'),
      variance: row.variance[i],
      SNR: row.snr[i],
    })),
  );
}

function figures(rows: PlaygroundRow[], exact: number[], bound: number, title: string): PlaygroundFigures {
  const names = rows.map((row) => row.estimator);
  const units = exact.map((_, i) => unitLabel(i));
  // Unbiased and biased estimators in panels of their own: a biased mean can sit far from the exact
  // gradient and would set the scale that hides every unbiased bar and its error bar.
  const meanPanel = (unbiased: boolean, what: string) => {
    const chosen = rows.map((row, k) => ({ row, k })).filter(({ row }) => row.unbiased === unbiased);
    const figure = barChart(
      [
        { x: units, y: exact, name: 'exact', color: '#000000' },
        ...chosen.map(({ row, k }) => ({
          x: units,
          y: row.mean,
          error: row.standardError.map((se) => 2 * se),
          name: row.estimator,
          color: ESTIMATOR_COLORS[k % ESTIMATOR_COLORS.length],
        })),
      ],
      {
        title: `Mean estimate ± 2 se against the exact gradient: ${what} (${title})`,
        xTitle: 'unit',
        yTitle: 'gradient ∂E[f]/∂φ_i',
      },
    );
    // Up to 16 series: a legend on the right instead of the house's horizontal one above the plot.
    figure.layout.legend = { orientation: 'v', x: 1.02, y: 1, xanchor: 'left', yanchor: 'top' };
    return figure;
  };
  const meanVsExact = meanPanel(true, 'the unbiased estimators');
  const biasedMeanVsExact = meanPanel(false, 'the biased estimators');
  const variance = barChart(
    { x: names, y: rows.map((row) => row.totalVariance), name: 'Σ_i Var(ĝ_i)' },
    {
      title: 'Variance of one estimate (zero variance is not drawn)',
      xTitle: 'estimator',
      yTitle: 'total variance, log scale',
      logY: true,
    },
  );
  const snr = barChart(
    exact.map((_, i) => ({ x: names, y: rows.map((row) => row.snr[i]), name: unitLabel(i) })),
    {
      title: 'Signal-to-noise ratio |E ĝ_i| / sd(ĝ_i) of one estimate',
      xTitle: 'estimator',
      yTitle: 'SNR, log scale',
      logY: true,
    },
  );
  const cost = barChart(
    { x: names, y: rows.map((row) => row.secondsPerEstimate * 1e6), name: 'time' },
    {
      title: 'Wall time per estimate',
      xTitle: 'estimator',
      yTitle: 'microseconds per estimate, log scale',
      logY: true,
    },
  );
  const biasZ = scatterChart(
    exact.map((_, i) => ({ x: names, y: rows.map((row) => row.biasZ[i]), name: unitLabel(i) })),
    {
      title: `Bias z-scores; dashed: ±${bound.toFixed(2)} (biased estimators may cross it)`,
      xTitle: 'estimator',
      yTitle: '(mean − exact) / standard error',
    },
  );
  const edges = lineChart(
    [1, -1].map((sign) => ({
      x: [names[0], names[names.length - 1]],
      y: [sign * bound, sign * bound],
      color: '#666666',
      dash: 'dash' as const,
    })),
  );
  biasZ.data.push(...edges.data.map((trace) => ({ ...trace, showlegend: false })));
  return { meanVsExact, biasedMeanVsExact, variance, snr, cost, biasZ };
}

function describeObjective(spec: PlaygroundObjective): string {
  if (spec.kind === 'arm-toy') return `ARM's toy, p0 = ${spec.p0}`;
  if (spec.kind === 'linear') return 'linear f = cᵀz';
  return `quadratic f = (aᵀz − ${spec.b})²`;
}

/** Runs every estimator of `params` and builds the dashboard; see the module comment. */
export async function playground(params: PlaygroundParams): Promise<Playground> {
  checkParams(params);
  const f = playgroundObjective(params.objective, params.logits.length);
  const logits = tf.tensor1d(params.logits);
  try {
    const oracle = enumerate(f, logits);
    const exact = Array.from(oracle.gradient);
    const expectation = oracle.expectation;
    // Warm every estimator up first: the first timed call would otherwise pay for shared kernels.
    for (const name of params.estimators) await warmUp(name, f, logits, params);
    const rows: PlaygroundRow[] = [];
    for (const name of params.estimators) rows.push(await measure(name, f, logits, exact, params));
    const tested = rows.filter((row) => row.unbiased).length * exact.length;
    const bound = zBound(params.falseAlarm ?? 1e-3, Math.max(tested, 1));
    return {
      params,
      expectation,
      exact,
      zBound: bound,
      rows,
      summary: summaryTable(rows, exact),
      coordinates: coordinateTable(rows, exact),
      figures: figures(rows, exact, bound, describeObjective(params.objective)),
    };
  } finally {
    logits.dispose();
  }
}
