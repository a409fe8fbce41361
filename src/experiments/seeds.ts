/**
 * One experiment over several seeds, summarised per estimator as mean ± standard error:
 * for values `v_1..v_n` of a metric over seeds, `mean = (1/n) Σ v_s` and
 * `se = sd / √n` with `sd² = Σ (v_s − mean)² / (n − 1)` (null for one seed).
 * Each seed changes the initial parameters, the minibatch order and the estimator's draws.
 */
import { ArgumentError, checkInteger } from '../errors';
import { runExperiment } from './experiment';
import { meanAndSe, seedBands } from '../metrics/seed-bands';
import type { EstimatorRun, ExperimentConfig, ExperimentHooks } from './experiment-types';

/** One estimator's run at one seed. */
export interface SeededRun extends EstimatorRun {
  seed: number;
}

/** Mean ± standard error of one summary metric of one estimator over seeds. */
export interface SeedSummaryRow {
  estimator: string;
  metric: string;
  /** Seeds with a finite value. */
  n: number;
  mean: number | null;
  /** Standard error of the mean; null below two finite values. */
  se: number | null;
}

/** Runs `config` once per seed (`config.seed` is replaced) and returns every run, in seed order. */
export async function runSeeds(
  config: Omit<ExperimentConfig, 'seed'>,
  seeds: readonly number[],
  hooks: ExperimentHooks = {},
): Promise<SeededRun[]> {
  if (!Array.isArray(seeds) || seeds.length === 0)
    throw new ArgumentError('seeds', 'expected a non-empty array of seeds');
  seeds.forEach((seed, i) => checkInteger(`seeds[${i}]`, seed, 0));
  if (new Set(seeds).size !== seeds.length)
    throw new ArgumentError('seeds', `expected distinct seeds, got ${seeds.join(', ')}`);
  const runs: SeededRun[] = [];
  for (const seed of seeds) {
    const out = config.out ? `${config.out}/seed-${seed}` : undefined;
    const results = await runExperiment({ ...config, seed, ...(out ? { out } : {}) } as ExperimentConfig, hooks);
    runs.push(...results.map((run) => ({ ...run, seed })));
  }
  return runs;
}

/** Mean and standard error over seeds of each summary metric, one row per estimator and metric. */
export function summarizeSeeds(runs: readonly SeededRun[], metrics: readonly string[]): SeedSummaryRow[] {
  checkRuns(runs);
  if (!Array.isArray(metrics) || metrics.length === 0)
    throw new ArgumentError('metrics', 'expected a non-empty array of summary metric names');
  const estimators = [...new Set(runs.map((run) => run.estimator))];
  return estimators.flatMap((estimator) => {
    const own = runs.filter((run) => run.estimator === estimator);
    return metrics.map((metric) => ({ estimator, metric, ...meanAndSe(own.map((run) => run.summary[metric])) }));
  });
}

/**
 * The learning curve of `metric` averaged over seeds: per estimator, the steps of the history
 * and the mean over seeds at each step (steps not evaluated in every seed are dropped);
 * `seedBands` on the runs' history rows.
 */
export function meanCurves(
  runs: readonly SeededRun[],
  metric: string,
): { estimator: string; step: number[]; mean: number[]; se: (number | null)[] }[] {
  checkRuns(runs);
  if (typeof metric !== 'string' || metric === '') throw new ArgumentError('metric', 'expected a history metric name');
  const rows = runs.flatMap((run) => run.history.map((row) => ({ ...row, seed: run.seed })));
  return seedBands(rows, { metric, by: ['estimator'] }).map((band) => ({
    estimator: band.name,
    step: band.x,
    mean: band.mean,
    se: band.se,
  }));
}

function checkRuns(runs: unknown): void {
  if (
    !Array.isArray(runs) ||
    runs.length === 0 ||
    runs.some((run) => run == null || typeof run.estimator !== 'string')
  ) {
    throw new ArgumentError('runs', 'expected a non-empty array of runs from runSeeds');
  }
}
