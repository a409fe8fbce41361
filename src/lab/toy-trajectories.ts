/**
 * Where does SGD take ARM's scalar toy? The path of σ(φ) over training, per estimator and seed,
 * next to the deterministic path that follows the exact gradient.
 *
 * Each run starts at φ₀ = 0 and ascends `E[(z − p0)^2]` with plain SGD,
 * `φ ← φ + lr ĝ`, one estimate `ĝ` (from `samples` draws) per step, exactly as `toySaturation`
 * does (same model, optimiser and per-step seeds `stepSeed(seed, t)`), but it keeps going for
 * the whole budget and records σ(φ) every `every` steps. The deterministic path replaces `ĝ` by
 * the exact gradient `σ'(φ)(1 − 2 p0)`: it is where an estimator with no noise would be.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger, checkPositive } from '../errors';
import { closedFormGradient } from './compare';
import { lineChart } from '../viz/charts';
import type { Figure } from '../viz/figure';
import { HOUSE_COLORS } from '../viz/theme';
import { createToyModel } from '../models/toy-model';
import { createOptimizer } from '../train/optimizer';
import { checkToyEstimators, type ToyRunOptions } from './toy-saturation';
import { stepSeed } from '../train/train';

/** Runs per estimator default to 5. */
export interface ToyTrajectoryOptions extends ToyRunOptions {
  /** Record σ(φ) every this many steps (and at steps 0 and `steps`). Default 10. */
  every?: number;
}

export interface ToyTrajectory {
  estimator: string;
  seed: number;
  samples: number;
  /** Steps done (0 = the start) at which σ(φ) was recorded. */
  step: number[];
  /** σ(φ) after that many steps. */
  probability: number[];
  /** φ itself (the float32 parameter), from which σ(φ) is computed in float64. */
  logit: number[];
}

export interface DeterministicPathOptions {
  /** SGD steps. Default 2000. */
  steps?: number;
  /** Step size. Default 1. */
  lr?: number;
  /** Record every this many steps (and at 0 and `steps`). Default 10. */
  every?: number;
  /** Starting logit φ₀. Default 0. */
  logit?: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The recorded steps: 0, every, 2 every, …, and always the last. */
function recordedSteps(steps: number, every: number): Set<number> {
  const set = new Set<number>([0, steps]);
  for (let t = every; t < steps; t += every) set.add(t);
  return set;
}

function checkCommon(steps: number, lr: number, every: number): void {
  checkInteger('options.steps', steps, 1);
  checkPositive('options.lr', lr);
  checkInteger('options.every', every, 1);
}

/**
 * φ_{t+1} = φ_t + lr σ'(φ_t)(1 − 2 p0) from φ₀ (float64): SGD with the exact gradient.
 * Returns σ(φ) at the recorded steps.
 */
export function deterministicToyPath(
  p0: number,
  options: DeterministicPathOptions = {},
): { step: number[]; probability: number[] } {
  if (typeof p0 !== 'number' || !Number.isFinite(p0)) throw new ArgumentError('p0', 'expected a finite number');
  const { steps = 2000, lr = 1, every = 10, logit = 0 } = options;
  checkCommon(steps, lr, every);
  if (typeof logit !== 'number' || !Number.isFinite(logit))
    throw new ArgumentError('options.logit', 'expected a finite number');
  const keep = recordedSteps(steps, every);
  const step: number[] = [];
  const probability: number[] = [];
  let phi = logit;
  for (let t = 0; t <= steps; t++) {
    if (keep.has(t)) {
      step.push(t);
      probability.push(sigmoid(phi));
    }
    phi += lr * closedFormGradient(phi, p0);
  }
  return { step, probability };
}

/**
 * Steps the deterministic path needs to first reach σ(φ) > threshold (from φ₀ = 0), or null
 * if it does not within `maxSteps`.
 */
export function deterministicStepsTo(p0: number, threshold: number, lr = 1, maxSteps = 1_000_000): number | null {
  if (typeof p0 !== 'number' || !Number.isFinite(p0)) throw new ArgumentError('p0', 'expected a finite number');
  if (!(threshold > 0 && threshold < 1))
    throw new ArgumentError('threshold', `expected a number in (0, 1), got ${threshold}`);
  checkPositive('lr', lr);
  checkInteger('maxSteps', maxSteps, 1);
  let phi = 0;
  for (let t = 1; t <= maxSteps; t++) {
    phi += lr * closedFormGradient(phi, p0);
    if (sigmoid(phi) > threshold) return t;
  }
  return null;
}

/** One run of a batch of toy runs: the estimator, its draws per step, its seed. */
export interface ToyRunSettings {
  p0: number;
  estimator: string;
  /** Draws per step. Default 1. */
  samples?: number;
  seed?: number;
  /** Step budget. Default 2000. */
  steps?: number;
  /** SGD step size. Default 1. */
  lr?: number;
  /** Record σ(φ) every this many steps (and at steps 0 and `steps`). Default 10. */
  every?: number;
}

/**
 * A toy run that advances on request, so a caller can draw its trajectory as it grows and let a
 * page breathe between chunks; `toyTrajectories` runs the same steps in one go.
 */
export interface ToyRun {
  /** σ(φ) recorded so far (arrays grow as the run advances). */
  readonly trajectory: ToyTrajectory;
  /** Steps done. */
  readonly step: number;
  readonly done: boolean;
  /** Takes up to `maxSteps` more steps (never past the budget); returns the steps taken. */
  advance(maxSteps: number): number;
  /** Frees the run's tensors; a finished run frees them itself. */
  dispose(): void;
}

function validatedRun(settings: ToyRunSettings) {
  const { p0, estimator, samples = 1, seed = 0, steps = 2000, lr = 1, every = 10 } = settings;
  if (typeof p0 !== 'number' || !Number.isFinite(p0)) throw new ArgumentError('options.p0', 'expected a finite number');
  checkCommon(steps, lr, every);
  checkInteger('options.samples', samples, 1);
  checkInteger('options.seed', seed, 0);
  return { p0, estimator, samples, seed, steps, lr, keep: recordedSteps(steps, every) };
}

/** Starts one SGD run on ARM's toy (φ₀ = 0); see ToyRun. */
export function startToyRun(settings: ToyRunSettings): ToyRun {
  const { p0, estimator, samples, seed, steps, lr, keep } = validatedRun(settings);
  const model = createToyModel({ p0 });
  const optimizer = createOptimizer({ kind: 'sgd', lr });
  const trajectory: ToyTrajectory = { estimator, seed, samples, step: [], probability: [], logit: [] };
  let t = 0;
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    optimizer.dispose();
    model.dispose();
  };
  const record = () => {
    if (!keep.has(t)) return;
    const phi = model.parameters.phi.dataSync()[0];
    trajectory.step.push(t);
    trajectory.logit.push(phi);
    trajectory.probability.push(sigmoid(phi));
  };
  try {
    record();
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    trajectory,
    get step() {
      return t;
    },
    get done() {
      return t >= steps;
    },
    advance(maxSteps: number) {
      checkInteger('maxSteps', maxSteps, 1);
      if (disposed) return 0;
      const start = t;
      try {
        while (t < steps && t - start < maxSteps) {
          const { objective, gradients } = model.gradients(estimator, undefined, { samples, seed: stepSeed(seed, t) });
          optimizer.step(model.parameters, gradients);
          tf.dispose([objective, ...Object.values(gradients)]);
          t += 1;
          record();
        }
      } catch (error) {
        dispose();
        throw error;
      }
      if (t >= steps) dispose();
      return t - start;
    },
    dispose,
  };
}

/** One SGD run with the estimator's gradients; σ(φ) at the recorded steps. */
function runOnce(settings: ToyRunSettings): ToyTrajectory {
  const run = startToyRun(settings);
  try {
    run.advance(settings.steps ?? 2000);
    return run.trajectory;
  } finally {
    run.dispose();
  }
}

/** Every estimator on every seed; one trajectory per (estimator, seed), estimator-major. */
export function toyTrajectories(options: ToyTrajectoryOptions): ToyTrajectory[] {
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected an object with p0 and estimators');
  const { p0, seeds = 5, steps = 2000, lr = 1, samples = 1, seed = 0, every = 10 } = options;
  if (typeof p0 !== 'number' || !Number.isFinite(p0)) throw new ArgumentError('options.p0', 'expected a finite number');
  checkInteger('options.seeds', seeds, 1);
  checkCommon(steps, lr, every);
  checkInteger('options.samples', samples, 1);
  checkInteger('options.seed', seed, 0);
  return checkToyEstimators(options.estimators, samples).flatMap(({ estimator, samples: draws }) =>
    Array.from({ length: seeds }, (_, s) =>
      runOnce({ p0, estimator, samples: draws, seed: seed + s, steps, lr, every }),
    ),
  );
}

export interface TrajectoryFigureOptions {
  /** The toy's p0, for the title. */
  p0: number;
  /** The x axis ends here (the step budget), so a chart drawn while runs grow keeps its scale. */
  steps?: number;
}

/**
 * σ(φ) over training: the deterministic path (black, dashed) and every run, one colour per
 * estimator in order of first appearance, one legend entry per estimator.
 */
export function trajectoryFigure(
  runs: readonly ToyTrajectory[],
  path: { step: number[]; probability: number[] },
  options: TrajectoryFigureOptions,
): Figure {
  if (!Array.isArray(runs)) throw new ArgumentError('runs', 'expected an array of trajectories');
  const names = [...new Set(runs.map((run) => run.estimator))];
  const seeds = new Set(runs.map((run) => run.seed)).size;
  const fig = lineChart(
    [
      {
        name: 'exact gradient (deterministic path)',
        x: path.step,
        y: path.probability,
        color: '#000000',
        dash: 'dash',
      },
      ...runs.map((run) => ({
        name: run.estimator,
        x: run.step,
        y: run.probability,
        color: HOUSE_COLORS[names.indexOf(run.estimator) % HOUSE_COLORS.length],
      })),
    ],
    {
      title: `SGD on ARM's toy, p0 = ${options.p0}: σ(φ) over training (${seeds} seed${seeds === 1 ? '' : 's'} each)`,
      xTitle: 'SGD step',
      yTitle: 'σ(φ)',
      yRange: [0, 1.02],
      ...(options.steps !== undefined ? { xRange: [0, options.steps] as [number, number] } : {}),
    },
  );
  const shown = new Set<string>();
  runs.forEach((run, i) => {
    if (shown.has(run.estimator)) fig.data[i + 1].showlegend = false;
    shown.add(run.estimator);
  });
  fig.layout.legend = { orientation: 'v', x: 1.02, y: 1, xanchor: 'left', yanchor: 'top' };
  return fig;
}

export interface TrajectorySummary {
  estimator: string;
  runs: number;
  /** Fraction of runs with σ(φ) > threshold at some recorded step. */
  reached: number;
  /** Median over those runs of the first recorded step above the threshold (null if none). */
  medianFirstStep: number | null;
  /** Fraction of runs that end with σ(φ) < 1/2, on the wrong side of the start. */
  endBelowHalf: number;
  /** Smallest, mean and largest final σ(φ). */
  finalMin: number;
  finalMean: number;
  finalMax: number;
}

/** Per estimator (in order of first appearance): how many runs got where, from the recorded steps. */
export function summarizeTrajectories(runs: ToyTrajectory[], threshold = 0.9): TrajectorySummary[] {
  if (!Array.isArray(runs) || runs.length === 0)
    throw new ArgumentError('runs', 'expected a non-empty array of trajectories');
  if (!(threshold > 0 && threshold < 1))
    throw new ArgumentError('threshold', `expected a number in (0, 1), got ${threshold}`);
  const names = [...new Set(runs.map((run) => run.estimator))];
  return names.map((estimator) => {
    const mine = runs.filter((run) => run.estimator === estimator);
    const firsts = mine
      .map((run) => run.step[run.probability.findIndex((p) => p > threshold)])
      .filter((step): step is number => step !== undefined)
      .sort((a, b) => a - b);
    const finals = mine.map((run) => run.probability[run.probability.length - 1]);
    const mid = firsts.length >> 1;
    return {
      estimator,
      runs: mine.length,
      reached: firsts.length / mine.length,
      medianFirstStep:
        firsts.length === 0 ? null : firsts.length % 2 ? firsts[mid] : (firsts[mid - 1] + firsts[mid]) / 2,
      endBelowHalf: finals.filter((p) => p < 0.5).length / mine.length,
      finalMin: Math.min(...finals),
      finalMean: finals.reduce((a, b) => a + b, 0) / finals.length,
      finalMax: Math.max(...finals),
    };
  });
}
