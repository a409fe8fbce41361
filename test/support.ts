/** Shared fixtures for the estimator tests: problems with known gradients and the z-test. */
import * as tf from '@tensorflow/tfjs';
import {
  blackBox,
  estimate,
  estimators,
  exactGradientOf,
  gradientStats,
  groupMeans,
  initBackend,
  objectiveOf,
  type EstimateOptions,
  type EstimatorName,
  type GradientStats,
  type Objective,
} from '../src';
import { estimateGrouping } from '../src/estimators/estimate';

/** The backend the tests run on: STOCHGRAD_BACKEND if set, else the library's default choice. */
export async function setupBackend(): Promise<void> {
  await initBackend({ log: false });
}

export interface Problem {
  name: string;
  f: Objective;
  logits: number[];
  /** f is built from comparisons, so only estimators that merely evaluate f apply. */
  blackBox: boolean;
  /** A smooth surrogate for RELAX on this problem. */
  surrogate: (relaxed: tf.Tensor2D) => tf.Tensor1D;
}

const rows = (x: tf.Tensor) => tf.sum(x, 1) as tf.Tensor1D;

/** d = 1: any f of one binary unit; exact gradient σ(φ)(1 − σ(φ))(f(1) − f(0)). */
export const oneUnit: Problem = {
  name: 'one unit, f = (z − 0.49)^2 + 2z',
  f: (z) => rows(tf.add(tf.square(tf.sub(z, 0.49)), tf.mul(2, z))),
  logits: [0.7],
  blackBox: false,
  surrogate: (r) => rows(tf.add(tf.square(tf.sub(r, 0.49)), tf.mul(2, r))),
};

const W = [0.9, -1.3, 0.4, 1.7, -0.6, 1.1];
const V = [0.5, 0.8, -1.2, 0.3, 1.4, -0.7];
/** d = 6, nonlinear and differentiable: `sin(wᵀz) + (vᵀz − 1)^2 + z_0 z_1 z_2`. */
export const nonlinear: Problem = {
  name: 'd = 6, sin(wz) + (vz − 1)^2 + z0 z1 z2',
  f: (z) =>
    tf.tidy(() => {
      const wz = rows(tf.mul(z, tf.tensor1d(W)));
      const vz = rows(tf.mul(z, tf.tensor1d(V)));
      const triple = tf.prod(tf.slice(z, [0, 0], [-1, 3]), 1);
      return tf.add(tf.add(tf.sin(wz), tf.square(tf.sub(vz, 1))), triple) as tf.Tensor1D;
    }),
  logits: [0.3, -0.8, 1.5, -0.2, 0.9, -1.6],
  blackBox: false,
  surrogate: (r) => rows(tf.mul(r, tf.tensor1d(W))),
};

/**
 * d = 4 with |φ| ≈ 6: rare events drive the gradient. Every coordinate's gradient has a
 * first-order part (one unit off its likely value, probability 0.002–0.003 per draw, so 20,000
 * draws see about 50 of them). Without `z2 / 2`, unit 2's gradient came only from two units off
 * at once (about 1e-5 per draw): 20,000 draws saw none in half the seeds, the estimate was then
 * exactly 0 with a zero standard error, and the z-test passed or failed by luck of the seed.
 */
export const extreme: Problem = {
  name: 'd = 4, |φ| ≈ 6, (Σz − 1.5)^2 + cos(z0 + 2 z3) + z2/2',
  f: (z) =>
    tf.tidy(() => {
      const total = rows(z);
      const mix = tf.add(tf.slice(z, [0, 0], [-1, 1]), tf.mul(2, tf.slice(z, [0, 3], [-1, 1]))).reshape([-1]);
      const half = tf.mul(0.5, tf.slice(z, [0, 2], [-1, 1])).reshape([-1]);
      return tf.add(tf.add(tf.square(tf.sub(total, 1.5)), tf.cos(mix)), half) as tf.Tensor1D;
    }),
  logits: [6, -6, 5.8, -6.2],
  blackBox: false,
  surrogate: (r) => rows(r),
};

/** d = 5, a step function of the sample count: tfjs cannot differentiate it. */
export const stepFunction: Problem = {
  name: 'd = 5, f = 3·1[Σz ≥ 2] − z0 (non-differentiable)',
  f: blackBox((z) =>
    tf.tidy(() => {
      const atLeastTwo = tf.cast(tf.greaterEqual(rows(z), 2), 'float32');
      return tf.sub(tf.mul(3, atLeastTwo), tf.slice(z, [0, 0], [-1, 1]).reshape([-1])) as tf.Tensor1D;
    }),
  ),
  logits: [0.2, -1.1, 0.8, -0.4, 1.3],
  blackBox: true,
  surrogate: (r) => tf.mul(3, tf.sigmoid(tf.mul(4, tf.sub(rows(r), 1.5)))) as tf.Tensor1D,
};

export const PROBLEMS = [oneUnit, nonlinear, extreme, stepFunction];

export const UNBIASED = (Object.keys(estimators) as EstimatorName[]).filter((n) => estimators[n].unbiased);
export const BIASED = (Object.keys(estimators) as EstimatorName[]).filter((n) => !estimators[n].unbiased);

/** Whether estimator `name` applies to `problem`. */
export function applies(name: EstimatorName, problem: Problem): boolean {
  return !(problem.blackBox && estimators[name].needsGradient);
}

/**
 * The exact gradient that estimator `name` (default: any estimator of `E[f]`) estimates on
 * `problem`: `∇ E[f]`, or for an estimator of the k-sample bound (vimco) that bound's gradient
 * with the k draws per group `groupingOf` gives it.
 */
export function exactOf(problem: Problem, name?: EstimatorName): number[] {
  const objective = objectiveOf(name === undefined ? undefined : estimators[name]);
  const k = name === undefined ? 1 : groupingOf(name, 1).samples;
  return tf.tidy(() => Array.from(exactGradientOf(objective, problem.f, tf.tensor1d(problem.logits), k)));
}

/**
 * A fixed, non-trivial RODEO function of its inputs `(lin, f)`: `[0.8 tanh(lin) − 0.3 f, 0.5 sin(lin + f)]`.
 * The estimator must be unbiased for any such function.
 */
export const fixedSteinFunction = (inputs: tf.Tensor2D): tf.Tensor2D =>
  tf.tidy(() => {
    const [lin, value] = tf.split(inputs, 2, 1);
    const h = tf.sub(tf.mul(0.8, tf.tanh(lin)), tf.mul(0.3, value));
    return tf.concat([h, tf.mul(0.5, tf.sin(tf.add(lin, value)))], 1) as tf.Tensor2D;
  });

/** What the estimator learns, supplied: RELAX's surrogate, a non-zero input-dependent baseline, RODEO's function. */
export function learnedParts(name: string, problem: Problem): Partial<EstimateOptions> {
  const learned = estimators[name as EstimatorName].learned;
  if (learned === 'surrogate') return { surrogate: problem.surrogate };
  if (learned === 'input-baseline') return { inputBaseline: 0.7 };
  if (learned === 'stein-function') return { steinFunction: fixedSteinFunction };
  return {};
}

/**
 * Runs `name` on `problem` and returns the statistics of its estimates against the exact gradient.
 * An estimator with moving averages starts from the state an earlier call (200 draws, another seed)
 * left, so its centring and normalisation are exercised; a normalised estimate is multiplied back
 * by its known scale (`scale · ĝ` is what is unbiased).
 */
export function measure(name: EstimatorName, problem: Problem, options: EstimateOptions): GradientStats {
  const logits = tf.tensor1d(problem.logits);
  const extra = learnedParts(name, problem);
  const grouping = groupingOf(name, options.samples);
  const warm = estimate(name, problem.f, logits, {
    ...options,
    ...extra,
    ...groupingOf(name, Math.max(200, options.samples / 100)),
    seed: (options.seed ?? 0) + 1,
  });
  tf.dispose([warm.perSample, warm.mean, warm.stein?.inputs, warm.stein?.outputGradient]);
  const result = estimate(name, problem.f, logits, {
    ...options,
    ...extra,
    ...grouping,
    ...(warm.baseline ? { baseline: warm.baseline } : {}),
  });
  // A one-draw estimator's rows are its estimates; a multi-sample one's are its groups' means.
  const estimates =
    estimators[name].minSamples > 1 ? groupMeans(result.perSample, grouping.groups) : tf.clone(result.perSample);
  const scaled = tf.mul(estimates, result.scale ?? 1) as tf.Tensor2D;
  try {
    return gradientStats(scaled, exactOf(problem, name));
  } finally {
    tf.dispose([
      logits,
      result.perSample,
      result.mean,
      estimates,
      scaled,
      result.stein?.inputs,
      result.stein?.outputGradient,
    ]);
  }
}

/**
 * `total` estimates as the estimator makes them: one-draw estimators give `total` draws in one
 * group; a multi-sample one (`minSamples > 1`) gives `total / k` independent groups of its k draws.
 */
export function groupingOf(name: EstimatorName, total: number): { samples: number; groups: number } {
  const k = Math.max(1, estimators[name].minSamples);
  const grouping = estimateGrouping(estimators[name], k > 1 ? Math.max(1, Math.floor(total / k)) : total);
  return { samples: grouping.samples, groups: grouping.groups ?? 1 };
}

/** Per-sample values as a plain array, disposing the result. */
export function perSampleArray(
  name: EstimatorName,
  f: Objective,
  logits: number[],
  options: EstimateOptions,
): number[] {
  const phi = tf.tensor1d(logits);
  const result = estimate(name, f, phi, options);
  const values = Array.from(result.perSample.dataSync());
  tf.dispose([phi, result.perSample, result.mean, result.stein?.inputs, result.stein?.outputGradient]);
  return values;
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
