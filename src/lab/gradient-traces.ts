/**
 * ARM's figure 1, top row (Yin & Zhou 2019): along each estimator's own SGD run on the scalar toy
 * `E[(z − p0)^2]`, the estimate ĝ_t that step t used, next to the true gradient
 * `σ'(φ_t)(1 − 2 p0)` at the φ_t where it was taken.
 *
 * Each run is exactly a `toyTrajectories` run (same model, plain SGD ascent `φ ← φ + lr ĝ` from
 * φ₀ = 0, per-step seeds `stepSeed(seed, t)`), so its σ(φ) path is that run's path; here it also
 * records ĝ_t before the step. Along the run it counts how often ĝ_t points the wrong way (its
 * sign against the true gradient's), which is what decides where SGD goes when the true gradient
 * is tiny, and checks that ĝ_t − g(φ_t) averages to zero (for an unbiased estimator the
 * differences have conditional mean zero at every step, so their mean over the run is within a
 * few standard errors of 0).
 *
 * ```ts
 * const traces = gradientTraces({ p0: 0.49, steps: 2000, seed: 0 });
 * traces.figures.forEach((fig) => showFigure(fig));
 * showTable(traces.summary);
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger, checkPositive } from '../errors';
import { lookupEstimator, type EstimatorName } from '../estimators/registry';
import { createToyModel } from '../models/toy-model';
import { createOptimizer } from '../train/optimizer';
import { stepSeed } from '../train/train';
import { lineChart, scatterChart } from '../viz/charts';
import type { Figure } from '../viz/figure';
import { HOUSE_COLORS } from '../viz/theme';
import { closedFormGradient } from './compare';

export interface GradientTraceOptions {
  /** The toy's target. Default 0.49 (the first column of the paper's figure). */
  p0?: number;
  /** Registry names, one run each. Default reinforce, ar, arm, disarm. */
  estimators?: readonly string[];
  /** SGD steps per run. Default 2000. */
  steps?: number;
  /** SGD step size. Default 1 (as the authors' code). */
  lr?: number;
  /** Seed of every run (the first seed of `toyTrajectories`). Default 0. */
  seed?: number;
  /** Draws per estimate. Default 1. */
  samples?: number;
  /** Record every this many steps (steps 0, every, 2 every, … below `steps`). Default 1. */
  every?: number;
}

/** One estimator's run: at each recorded step t, where the estimate was taken and what it was. */
export interface GradientTrace {
  estimator: EstimatorName;
  /** Updates done before the estimate (0 = at φ₀). */
  step: number[];
  /** φ_t (the float32 parameter) and σ(φ_t), computed from it in float64. */
  logit: number[];
  probability: number[];
  /** ĝ_t, the estimate the step used (the mean over `samples` draws). */
  estimate: number[];
  /** The true gradient σ'(φ_t)(1 − 2 p0) at the same φ_t. */
  exact: number[];
}

/** What one trace says, from its recorded steps (a type alias, so `showTable` takes the rows). */
export type GradientTraceSummary = {
  estimator: EstimatorName;
  /** Whether the registry lists the estimator as unbiased. */
  unbiased: boolean;
  recorded: number;
  /** Fractions of the recorded estimates with the true gradient's opposite sign, and exactly zero. */
  wrongSign: number;
  zero: number;
  /** Mean and standard deviation of ĝ_t over the run; mean of the true gradient along it. */
  meanEstimate: number;
  sdEstimate: number;
  meanExact: number;
  /** Mean of ĝ_t − g(φ_t), its standard error sd/√n, and their ratio (null when the sd is 0). */
  meanError: number;
  standardError: number;
  z: number | null;
};

export interface GradientTraces {
  p0: number;
  steps: number;
  lr: number;
  seed: number;
  samples: number;
  every: number;
  traces: GradientTrace[];
  /** One row per trace, in the same order. */
  summary: GradientTraceSummary[];
  /** One panel per trace, in the same order (the chart helpers draw no subplots). */
  figures: Figure[];
}

const DEFAULT_ESTIMATORS = ['reinforce', 'ar', 'arm', 'disarm'];

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function checkOptions(options: GradientTraceOptions) {
  if (options == null || typeof options !== 'object') throw new ArgumentError('options', 'expected an object');
  const {
    p0 = 0.49,
    estimators = DEFAULT_ESTIMATORS,
    steps = 2000,
    lr = 1,
    seed = 0,
    samples = 1,
    every = 1,
  } = options;
  if (typeof p0 !== 'number' || !Number.isFinite(p0)) throw new ArgumentError('options.p0', 'expected a finite number');
  checkInteger('options.steps', steps, 1);
  checkPositive('options.lr', lr);
  checkInteger('options.seed', seed, 0);
  checkInteger('options.samples', samples, 1);
  checkInteger('options.every', every, 1);
  if (!Array.isArray(estimators) || estimators.length === 0)
    throw new ArgumentError('options.estimators', 'expected a non-empty array of estimator names');
  estimators.forEach((name: unknown, i) => {
    const spec = lookupEstimator(name, `options.estimators[${i}]`);
    if (samples < spec.minSamples)
      throw new ArgumentError(
        'options.samples',
        `${String(name)} needs at least ${spec.minSamples} draws, got ${samples}`,
      );
  });
  return { p0, estimators: estimators as readonly EstimatorName[], steps, lr, seed, samples, every };
}

type Settings = ReturnType<typeof checkOptions>;

/** One SGD run of `estimator`, recording (φ_t, ĝ_t, g(φ_t)) at the recorded steps. */
function traceRun(estimator: EstimatorName, settings: Settings): GradientTrace {
  const { p0, steps, lr, seed, samples, every } = settings;
  const model = createToyModel({ p0 });
  const optimizer = createOptimizer({ kind: 'sgd', lr });
  const trace: GradientTrace = { estimator, step: [], logit: [], probability: [], estimate: [], exact: [] };
  try {
    for (let t = 0; t < steps; t++) {
      const { objective, gradients } = model.gradients(estimator, undefined, { samples, seed: stepSeed(seed, t) });
      if (t % every === 0) {
        const phi = model.parameters.phi.dataSync()[0];
        trace.step.push(t);
        trace.logit.push(phi);
        trace.probability.push(sigmoid(phi));
        trace.estimate.push(gradients.phi.dataSync()[0]);
        trace.exact.push(closedFormGradient(phi, p0));
      }
      optimizer.step(model.parameters, gradients);
      tf.dispose([objective, ...Object.values(gradients)]);
    }
    return trace;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** A value as plotted: 4 significant digits. */
const shown = (v: number) => Number(v.toPrecision(4));

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** Sample standard deviation (n − 1); 0 for a single value. */
function sd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

function summarize(trace: GradientTrace): GradientTraceSummary {
  const n = trace.estimate.length;
  const errors = trace.estimate.map((g, k) => g - trace.exact[k]);
  const standardError = sd(errors) / Math.sqrt(n);
  const meanError = mean(errors);
  return {
    estimator: trace.estimator,
    unbiased: lookupEstimator(trace.estimator).unbiased,
    recorded: n,
    wrongSign: trace.estimate.filter((g, k) => g * trace.exact[k] < 0).length / n,
    zero: trace.estimate.filter((g) => g === 0).length / n,
    meanEstimate: mean(trace.estimate),
    sdEstimate: sd(trace.estimate),
    meanExact: mean(trace.exact),
    meanError,
    standardError,
    z: standardError > 0 ? meanError / standardError : null,
  };
}

/**
 * One panel: the estimates as small dots, the true gradient as a dark line drawn over them, and a
 * dotted line at 0 (estimates on its other side point the wrong way). Each panel has its own y
 * scale, as in the paper's top row: the spreads differ by two orders of magnitude (REINFORCE
 * about ±0.13 at p0 = 0.49, ARM within [0, 0.01]), so on a shared scale ARM's dots and the true
 * gradient would merge into the zero line. On its own scale every panel shows the same thing: the
 * estimator's cloud against the one true-gradient curve. The range always includes 0 and the
 * whole true-gradient curve. The plotted values are rounded to 4 significant digits (a panel
 * resolves far less), which keeps 2000-step figures small; the traces keep the full values.
 */
function tracePanel(trace: GradientTrace, row: GradientTraceSummary, settings: Settings, color: string): Figure {
  const values = [0, ...trace.estimate, ...trace.exact];
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = 0.05 * (high - low || Math.abs(high) || 1);
  const wrong = (100 * row.wrongSign).toFixed(0);
  const fig = scatterChart(
    { name: `${trace.estimator}: estimate ĝ used by the step`, x: trace.step, y: trace.estimate.map(shown), color },
    {
      title: `${trace.estimator} on ARM's toy (p0 = ${settings.p0}): ${wrong}% of estimates point the wrong way`,
      xTitle: 'SGD step',
      yTitle: 'gradient wrt φ',
      xRange: [0, settings.steps],
      yRange: [low - pad, high + pad],
      height: 300,
    },
  );
  fig.data[0].marker = { color, size: 3, opacity: 0.5 };
  const truth = lineChart({
    name: 'true gradient σ′(φ)(1 − 2p0)',
    x: trace.step,
    y: trace.exact.map(shown),
    color: '#000000',
  });
  fig.data.push(truth.data[0]);
  fig.layout.shapes = [
    { type: 'line', x0: 0, x1: settings.steps, y0: 0, y1: 0, line: { color: '#888888', dash: 'dot', width: 1 } },
  ];
  return fig;
}

/** The traces, their summary and one panel per estimator; see the module comment. */
export function gradientTraces(options: GradientTraceOptions = {}): GradientTraces {
  const settings = checkOptions(options);
  const traces = settings.estimators.map((estimator) => traceRun(estimator, settings));
  const summary = traces.map(summarize);
  const figures = traces.map((trace, k) =>
    tracePanel(trace, summary[k], settings, HOUSE_COLORS[k % HOUSE_COLORS.length]),
  );
  const { p0, steps, lr, seed, samples, every } = settings;
  return { p0, steps, lr, seed, samples, every, traces, summary, figures };
}
