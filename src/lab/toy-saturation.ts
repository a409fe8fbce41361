/**
 * How often does each estimator drive ARM's scalar toy to its optimum? From φ₀ = 0, plain SGD
 * ascent on `E[(z − p0)^2]` (lr, `samples` draws per step) for each estimator and seed, stopping
 * at the first step with σ(φ) > 0.9 (the optimum is σ(φ) → 1 for p0 < 0.5). Near p0 = 0.5 the
 * true gradient `σ'(φ)(1 − 2p0)` is tiny, so this measures whether the estimator's signal beats
 * its noise (Yin & Zhou 2019, figure 1).
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger, checkPositive } from '../errors';
import { createToyModel } from '../models/toy-model';
import { createOptimizer } from '../train/optimizer';
import { stepSeed } from '../train/train';

export interface SaturationEstimator {
  estimator: string;
  /** Draws per step for this estimator (overrides the common `samples`). */
  samples?: number;
}

/** What every batch of toy runs takes: the toy, the estimators and the SGD budget. */
export interface ToyRunOptions {
  p0: number;
  /** Names, or `{ estimator, samples }` for estimators that need more draws (reinforce-loo: 2). */
  estimators: (string | SaturationEstimator)[];
  /** Runs per estimator, with seeds `seed, seed + 1, …`. */
  seeds?: number;
  /** Step budget of each run. Default 2000. */
  steps?: number;
  /** SGD step size. Default 1. */
  lr?: number;
  /** Draws per step. Default 1. */
  samples?: number;
  /** First seed. Default 0. */
  seed?: number;
}

/** Runs per estimator default to 10. */
export interface ToySaturationOptions extends ToyRunOptions {
  /** The threshold on σ(φ). Default 0.9. */
  threshold?: number;
}

export interface SaturationRow {
  estimator: string;
  samples: number;
  /** Fraction of seeds that reached σ(φ) > threshold within the budget. */
  fraction: number;
  /** Per seed: the first step (1-based count of updates) with σ(φ) > threshold, or null. */
  firstStep: (number | null)[];
  /** Median of the first steps of the runs that got there, or null if none did. */
  medianFirstStep: number | null;
  /** Per seed: σ(φ) after the last step of a run that never got there (null for those that did). */
  finalProbability: (number | null)[];
}

interface RunOutcome {
  firstStep: number | null;
  finalProbability: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One run: the first step with σ(φ) > threshold, or the final σ(φ) if none within `steps`. */
function firstSaturation(
  p0: number,
  estimator: string,
  samples: number,
  seed: number,
  steps: number,
  lr: number,
  threshold: number,
): RunOutcome {
  const model = createToyModel({ p0 });
  const optimizer = createOptimizer({ kind: 'sgd', lr });
  const logitThreshold = Math.log(threshold / (1 - threshold));
  try {
    for (let t = 0; t < steps; t++) {
      const { objective, gradients } = model.gradients(estimator, undefined, { samples, seed: stepSeed(seed, t) });
      optimizer.step(model.parameters, gradients);
      tf.dispose([objective, ...Object.values(gradients)]);
      if (model.parameters.phi.dataSync()[0] > logitThreshold) return { firstStep: t + 1, finalProbability: null };
    }
    return { firstStep: null, finalProbability: 1 / (1 + Math.exp(-model.parameters.phi.dataSync()[0])) };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** The estimator list of a batch of toy runs, each with its draws per step (default `samples`). */
export function checkToyEstimators(list: unknown, samples: number): Required<SaturationEstimator>[] {
  if (!Array.isArray(list) || list.length === 0)
    throw new ArgumentError('options.estimators', 'expected a non-empty array of estimator names');
  return list.map((item, i) => {
    const entry = (typeof item === 'string' ? { estimator: item } : item) as SaturationEstimator | null;
    if (entry == null || typeof entry.estimator !== 'string') {
      throw new ArgumentError(`options.estimators[${i}]`, 'expected a name or { estimator, samples }');
    }
    return {
      estimator: entry.estimator,
      samples: checkInteger(`options.estimators[${i}].samples`, entry.samples ?? samples, 1),
    };
  });
}

/** Runs every estimator on every seed; see the module comment. */
export function toySaturation(options: ToySaturationOptions): SaturationRow[] {
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected an object with p0 and estimators');
  const { p0, seeds = 10, steps = 2000, lr = 1, samples = 1, seed = 0, threshold = 0.9 } = options;
  if (typeof p0 !== 'number' || !Number.isFinite(p0)) throw new ArgumentError('options.p0', 'expected a finite number');
  checkInteger('options.seeds', seeds, 1);
  checkInteger('options.steps', steps, 1);
  checkPositive('options.lr', lr);
  checkInteger('options.samples', samples, 1);
  checkInteger('options.seed', seed, 0);
  if (!(threshold > 0 && threshold < 1))
    throw new ArgumentError('options.threshold', `expected a number in (0, 1), got ${threshold}`);
  return checkToyEstimators(options.estimators, samples).map(({ estimator, samples: draws }) => {
    const runs = Array.from({ length: seeds }, (_, s) =>
      firstSaturation(p0, estimator, draws, seed + s, steps, lr, threshold),
    );
    const firstStep = runs.map((run) => run.firstStep);
    const reached = firstStep.filter((x): x is number => x !== null);
    return {
      estimator,
      samples: draws!,
      fraction: reached.length / seeds,
      firstStep,
      medianFirstStep: median(reached),
      finalProbability: runs.map((run) => run.finalProbability),
    };
  });
}
