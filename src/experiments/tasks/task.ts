/** One experiment of the papers, ready to train: a fresh model, its data, its evaluations. */
import { objectiveOf } from '../../estimators/types';
import { checkEstimatorObjective, networkEstimator, type NetworkEstimator } from '../../estimators/layer';
import { resolveEstimator, type ResolvedEstimator } from '../../estimators/registry';
import { gatingEstimator } from '../../models/gating-config';
import { VAE_OBJECTIVES, type VaeObjective } from '../../models/sbn-vae';
import type { Model } from '../../models/model';
import type { BestParameters, KeepBest } from '../../train/best';
import type { TrainData } from '../../train/train';
import type { ExperimentConfig, TaskName } from '../experiment-types';

export interface Task<Batch> {
  model: Model<Batch>;
  data: TrainData<Batch>;
  /** Default optimiser when the config does not say. */
  optimizer: 'adam' | 'sgd';
  /** Draws per example when the config does not say. */
  defaultSamples: number;
  /** Learning-rate multipliers by parameter name (default: none). */
  lrScale?: Record<string, number>;
  /** Parameters stepped by plain SGD at their own learning rate (default: none). */
  sgd?: Record<string, number>;
  /**
   * Constant columns of every history row (the vae's `objective`: 'elbo' or 'k-sample-bound', so
   * that a run's trainObjective is never read as the other quantity).
   */
  labels?: Record<string, string>;
  /** Periodic metrics (cheap: subsets of the evaluation data). */
  evaluate(step: number): Record<string, number>;
  /** Keep the parameters of the best evaluation by this metric; `summarize` receives them. */
  keepBest?: KeepBest;
  /**
   * The final numbers of the run, in display order, from its history and full evaluations, with
   * the parameters of the best evaluation when the task keeps them (the runner disposes them).
   */
  summarize(history: readonly Record<string, number>[], best?: BestParameters): Record<string, number | null>;
  dispose(): void;
}

/** A run's estimator, resolved once for its task and handed down to the model and the training loop. */
export type TaskEstimator = NetworkEstimator | ResolvedEstimator;

/**
 * Resolves `name` for `task`, or throws naming `argument` and the valid names: the toy takes every
 * registered estimator of an expectation, gating also its unit types, the other tasks the
 * estimators usable in networks; the vae those of its `objective` (default the estimator's own), sop both
 * kinds (its m-sample objective is the k-sample bound of log p(y | z), k = m).
 */
export function resolveTaskEstimator(
  task: TaskName,
  name: string,
  argument = 'estimator',
  options: { objective?: VaeObjective } = {},
): TaskEstimator {
  if (task === 'toy') {
    const resolved = resolveEstimator(name, argument);
    checkEstimatorObjective(resolved, 'expectation', 'the toy task', argument);
    return resolved;
  }
  if (task === 'gating') return gatingEstimator(name, argument);
  const resolved = networkEstimator(name, argument);
  if (task === 'vae') {
    const objective = options.objective ?? vaeObjectiveOf(resolved);
    checkEstimatorObjective(
      resolved,
      objective === 'elbo' ? 'expectation' : 'k-sample-bound',
      `the vae task with objective '${objective}' (--objective ${VAE_OBJECTIVES.join(' or ')})`,
      argument,
    );
  }
  return resolved;
}

/**
 * The vae objective `estimator` trains by default: the k-sample bound for an estimator of that
 * bound (vimco), the ELBO otherwise. So one plan can race both kinds, each on its own objective.
 */
export function vaeObjectiveOf(estimator: TaskEstimator): VaeObjective {
  return estimator.spec && objectiveOf(estimator.spec) === 'k-sample-bound' ? 'k-sample-bound' : 'elbo';
}

/**
 * What every network task gives its model about the estimator: the generative-gradient convention
 * (default independent draws) and, when the estimator learns one, the input-dependent baseline.
 */
export function estimatorModelOptions(config: ExperimentConfig, estimator: TaskEstimator) {
  return { generativeDraws: config.generativeDraws ?? 'independent', ...estimatorParts(estimator) } as const;
}

/** The learned parts `estimator` needs its model to own: an input-dependent baseline, RODEO's function. */
export function estimatorParts(estimator: TaskEstimator) {
  return {
    inputBaseline: learnsInputBaseline(estimator),
    steinFunction: estimator.spec?.learned === 'stein-function',
  } as const;
}

/** What `estimator` needs of an SBN VAE outside the vae task (the live demo, the bench): its objective and parts. */
export function vaeOptionsFor(estimator: TaskEstimator) {
  return { objective: vaeObjectiveOf(estimator), ...estimatorParts(estimator) } as const;
}

/**
 * Learning-rate multipliers that step the model's estimator-owned parameters at the rate the
 * estimator's paper trains them at (its registry entry's `learnedRate`: rodeo's 1e-3), whatever the run's.
 */
export function learnedRates(
  config: Pick<ExperimentConfig, 'lr'>,
  estimator: TaskEstimator,
  names: readonly string[] | undefined,
): { lrScale?: Record<string, number> } {
  const rate = estimator.spec?.learnedRate;
  if (rate === undefined || !names || names.length === 0) return {};
  return { lrScale: Object.fromEntries(names.map((name) => [name, rate / config.lr])) };
}

/** Whether the estimator needs the model to own a learned input-dependent baseline (its registry entry's `learned`). */
export function learnsInputBaseline(estimator: TaskEstimator): boolean {
  return estimator.spec?.learned === 'input-baseline';
}

/** The fewest draws per example the estimator accepts (its registry entry's `minSamples`; 1 for unit types). */
export function fewestDraws(estimator: TaskEstimator): number {
  return estimator.spec?.minSamples ?? 1;
}

/** First and last finite value of `metric` in the history (null when never measured). */
export function firstAndLast(
  history: readonly Record<string, number>[],
  metric: string,
): [number | null, number | null] {
  const values = history.map((row) => row[metric]).filter((v) => typeof v === 'number' && Number.isFinite(v));
  return values.length === 0 ? [null, null] : [values[0], values[values.length - 1]];
}
