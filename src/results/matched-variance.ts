/**
 * Encoder-gradient variance at matched parameters, read from a plan run with `--variance-of`: in
 * each run of one estimator, its own variance (`encoderVariance`) beside another estimator's at the
 * same parameters and draws (`encoderVariance:<other>`). Different runs follow different
 * trajectories; the columns of one row do not, so they compare estimators, not trajectories.
 *
 * ```ts
 * const race = loadResults('vae-fashion-linear-frontier');
 * matchedVarianceGaps(race, 'rodeo', 'reinforce-loo');   // per seed, RODEO's − LOO's (last 5 evaluations)
 * seedBands(matchedVarianceRatios(race.history, 'rodeo', 'reinforce-loo'), { metric: 'ratio', by: ['estimators'] });
 * ```
 */
import { ArgumentError } from '../errors';
import { matchedColumn } from '../experiments/tasks/matched-variance';
import { tailMeans } from '../metrics/claim-tests';
import type { ResultRow, ShippedResults } from './load-results';

/** The history column of `other`'s encoder-gradient variance at each run's own parameters (what --variance-of writes). */
export const matchedVarianceColumn: (other: string) => string = matchedColumn;

/** The rows of `estimator`'s runs; an error naming what is missing when there are none or the column is absent. */
function runsOf(history: readonly ResultRow[], estimator: string, other: string): ResultRow[] {
  const column = matchedVarianceColumn(other);
  const own = history.filter((row) => row.estimators === estimator);
  if (own.length === 0) throw new ArgumentError('estimator', `no history rows of "${estimator}"`);
  if (!own.some((row) => typeof row[column] === 'number')) {
    throw new ArgumentError(
      'other',
      `"${estimator}"'s runs have no column ${column} (run them with --variance-of ${other})`,
    );
  }
  return own;
}

/**
 * The history rows of `estimator`'s runs, each with `ratio`: its own encoder-gradient variance over
 * `other`'s at the same parameters and draws; `estimators` reads `estimator / other`.
 */
export function matchedVarianceRatios(history: readonly ResultRow[], estimator: string, other: string): ResultRow[] {
  const column = matchedVarianceColumn(other);
  return runsOf(history, estimator, other)
    .filter((row) => typeof row.encoderVariance === 'number' && typeof row[column] === 'number')
    .map((row) => ({
      ...row,
      estimators: `${estimator} / ${other}`,
      ratio: (row.encoderVariance as number) / (row[column] as number),
    }));
}

/**
 * Per seed (in seed order), the mean of `estimator`'s own encoder-gradient variance over its runs'
 * last `last` evaluations minus the mean of `other`'s at the same evaluations: below zero where
 * `estimator` has less variance at its own parameters.
 */
export function matchedVarianceGaps(results: ShippedResults, estimator: string, other: string, last = 5): number[] {
  const rows = runsOf(results.history, estimator, other);
  const by = ['index', 'seed'];
  const own = tailMeans(rows, { metric: 'encoderVariance', by, last });
  const theirs = tailMeans(rows, { metric: matchedVarianceColumn(other), by, last });
  return own
    .map((run, k) => ({ seed: Number(run.group.seed), gap: (run.value ?? NaN) - (theirs[k].value ?? NaN) }))
    .filter((run) => Number.isFinite(run.gap))
    .sort((a, b) => a.seed - b.seed)
    .map((run) => run.gap);
}
