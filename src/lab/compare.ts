/**
 * Every estimator on ARM's toy `f(z) = Σ_i (z_i − p0)^2` at equal logits φ,
 * against the exact gradient. `compareEstimators` computes the table (no printing);
 * the command line (`stochgrad compare`) and the notebooks render it.
 *
 * An estimate is what the estimator returns for one problem: one draw's row for the one-draw
 * estimators, the mean of a group of k coupled draws for the multi-sample ones (`minSamples` k > 1:
 * leave-one-out, ARMS, double control variates, RODEO), so `samples` estimates of those cost k draws each.
 * Estimators of another objective than `E[f]` (vimco's k-sample bound) are refused.
 */
import * as tf from '@tensorflow/tfjs';
import { estimate, estimateGrouping, groupMeans } from '../estimators/estimate';
import { exactGradient } from '../estimators/exact';
import { estimators, lookupEstimator, type EstimatorName } from '../estimators/registry';
import { objectiveOf, type EstimateOptions } from '../estimators/types';
import { ArgumentError } from '../errors';
import { gradientStats } from '../metrics/gradient-stats';
import { armToy } from '../models/toy';

export interface CompareConfig {
  estimators: readonly EstimatorName[];
  /** The logit φ of every unit. */
  logit: number;
  /** The toy's target p0. */
  p0: number;
  /** Number of units d (each has logit φ). */
  units: number;
  samples: number;
  seed: number;
  temperature?: number;
  slope?: number;
  /** Samples of the untimed warm-up call made before each timed one (0: none). Default 100. */
  warmupSamples?: number;
  /** Timed calls per estimator; the median time is reported. Default 5. */
  repeats?: number;
}

export interface CompareRow {
  estimator: EstimatorName;
  title: string;
  /** From the registry metadata. */
  unbiased: boolean;
  /** Per coordinate. */
  mean: number[];
  exact: number[];
  standardError: number[];
  /**
   * `(mean_i − exact_i) / se_i`, or null when `se_i` is zero to float32 precision (every
   * estimate equal up to rounding), where the ratio would only measure rounding error.
   */
  biasZ: (number | null)[];
  /** `Σ_i Var(ĝ_i)`. */
  totalVariance: number;
  /** Rows of f evaluated by the timed call. */
  evaluations: number;
  /** Measured: `evaluations / samples`, per estimate. */
  evaluationsPerSample: number;
  /** The registry's, per estimate: `evaluationsPerSample × minSamples` (excludes per-batch terms). */
  declaredEvaluationsPerSample: number;
  /** Median wall time of `estimate` plus reading the estimates back. */
  seconds: number;
  estimatesPerSecond: number;
}

export interface Comparison {
  config: CompareConfig;
  /** `σ(φ)(1 − σ(φ))(1 − 2 p0)`, each coordinate's exact gradient, in float64. */
  closedForm: number;
  /** The enumeration oracle's gradient (float32), per coordinate. */
  exact: number[];
  rows: CompareRow[];
}

/** Estimators that need extra options on the toy, and why (shown as footnotes). */
export const SPECIAL_OPTIONS: Partial<Record<EstimatorName, string>> = {
  relax:
    'relax uses the surrogate c = f at the relaxation σ((φ + L)/τ), i.e. armToy(p0) on relaxed samples, ' +
    'which makes it REBAR with η = 1; its evaluations count f only, not the 2 surrogate evaluations per sample.',
  rodeo:
    "rodeo runs with its learned Stein function at zero (the authors' untrained start, α = β = 0), where it is " +
    'reinforce-loo with k = 2 draws per estimate (the comparison trains no function); it still differentiates f at ' +
    'every draw.',
};

/** Relative size below which a standard error counts as float32 rounding noise. */
export const NEGLIGIBLE_SE = 1e-6;

/** The z-score, or null when se is negligible next to the values (a deterministic estimator). */
export function biasZScore(mean: number, exact: number, standardError: number): number | null {
  const scale = Math.max(Math.abs(mean), Math.abs(exact));
  if (standardError <= NEGLIGIBLE_SE * scale) return null;
  return (mean - exact) / standardError;
}

/** `σ(φ)(1 − σ(φ))(1 − 2 p0)`: the exact gradient of `E[(z − p0)^2]` in each coordinate. */
export function closedFormGradient(logit: number, p0: number): number {
  const sigma = 1 / (1 + Math.exp(-logit));
  return sigma * (1 - sigma) * (1 - 2 * p0);
}

/** `estimates` estimates: as many draws, or as many groups of k coupled draws. */
function estimateOptions(name: EstimatorName, config: CompareConfig, estimates: number): EstimateOptions {
  const options: EstimateOptions = { ...estimateGrouping(estimators[name], estimates), seed: config.seed };
  if (config.temperature !== undefined) options.temperature = config.temperature;
  if (config.slope !== undefined) options.slope = config.slope;
  if (estimators[name].learned === 'surrogate') options.surrogate = armToy(config.p0);
  return options;
}

function warmUp(name: EstimatorName, config: CompareConfig, logits: tf.Tensor1D): void {
  const wanted = Math.min(config.warmupSamples ?? 100, config.samples);
  if (wanted <= 0) return;
  const result = estimate(name, armToy(config.p0), logits, estimateOptions(name, config, wanted));
  tf.dispose([result.perSample, result.mean]);
}

async function timedEstimate(name: EstimatorName, config: CompareConfig, logits: tf.Tensor1D) {
  const start = performance.now();
  const result = estimate(name, armToy(config.p0), logits, estimateOptions(name, config, config.samples));
  await result.perSample.data();
  await result.mean.data();
  return { result, seconds: (performance.now() - start) / 1000 };
}

/** The last of `repeats` identical timed calls (same seed), with the median of their times. */
async function medianTimedEstimate(name: EstimatorName, config: CompareConfig, logits: tf.Tensor1D) {
  const times: number[] = [];
  for (let k = 1; ; k++) {
    const run = await timedEstimate(name, config, logits);
    times.push(run.seconds);
    if (k >= (config.repeats ?? 5))
      return { result: run.result, seconds: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] };
    tf.dispose([run.result.perSample, run.result.mean]);
  }
}

async function compareOne(
  name: EstimatorName,
  config: CompareConfig,
  logits: tf.Tensor1D,
  exact: number[],
): Promise<CompareRow> {
  const spec = lookupEstimator(name, 'estimators');
  const { result, seconds } = await medianTimedEstimate(name, config, logits);
  const { groups } = estimateGrouping(spec, config.samples);
  const estimates = groups ? groupMeans(result.perSample, groups) : result.perSample;
  try {
    const stats = gradientStats(estimates, exact);
    return {
      estimator: name,
      title: spec.title,
      unbiased: spec.unbiased,
      mean: stats.mean,
      exact,
      standardError: stats.standardError,
      biasZ: stats.mean.map((m, i) => biasZScore(m, exact[i], stats.standardError[i])),
      totalVariance: stats.totalVariance,
      evaluations: result.evaluations,
      evaluationsPerSample: result.evaluations / config.samples,
      declaredEvaluationsPerSample: spec.evaluationsPerSample * Math.max(1, spec.minSamples),
      seconds,
      estimatesPerSecond: config.samples / seconds,
    };
  } finally {
    tf.dispose([result.perSample, result.mean, estimates]);
  }
}

/** Runs every chosen estimator once on the toy; tensors are disposed after each. */
export async function compareEstimators(config: CompareConfig): Promise<Comparison> {
  for (const name of config.estimators) checkComparable(name, 'estimators');
  const logits = tf.fill([config.units], config.logit) as tf.Tensor1D;
  try {
    const exactTensor = exactGradient(armToy(config.p0), logits);
    const exact = Array.from(exactTensor.dataSync());
    exactTensor.dispose();
    const rows: CompareRow[] = [];
    // Warm every estimator up first, so that the first timed one does not pay for compiling kernels.
    for (const name of config.estimators) warmUp(name, config, logits);
    for (const name of config.estimators) rows.push(await compareOne(name, config, logits, exact));
    return { config, closedForm: closedFormGradient(config.logit, config.p0), exact, rows };
  } finally {
    logits.dispose();
  }
}

/** Throws unless `name` is a registered estimator of `∇ E[f]`, the gradient the toy's oracle gives. */
export function checkComparable(name: unknown, argument: string): void {
  const spec = lookupEstimator(name, argument);
  if (objectiveOf(spec) !== 'expectation') {
    throw new ArgumentError(
      argument,
      `${String(name)} estimates the gradient of another objective (${objectiveOf(spec)}), not of E[f]: ` +
        'the comparison on the toy cannot judge it',
    );
  }
}

/** The estimators the toy comparison can judge: every estimator of `∇ E[f]`. */
export const COMPARABLE_ESTIMATORS = (Object.keys(estimators) as EstimatorName[]).filter(
  (name) => objectiveOf(estimators[name]) === 'expectation',
);
