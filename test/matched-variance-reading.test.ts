/**
 * Reading encoder-gradient variance at matched parameters from shipped rows (matched-variance.ts):
 * per seed, the last evaluations of a run's own variance against another estimator's in the same
 * rows, and the ratios a figure draws.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError, matchedVarianceGaps, matchedVarianceRatios, type ResultRow, type ShippedResults } from '../src';

const row = (index: number, seed: number, estimators: string, step: number, own: number, loo: number | null) => ({
  index,
  seed,
  estimators,
  step,
  encoderVariance: own,
  'encoderVariance:reinforce-loo': loo,
});

// Run 0 is seed 2 and run 1 seed 1, so the gaps must come back in seed order; run 2 is another estimator.
const history: ResultRow[] = [
  row(0, 2, 'rodeo', 0, 9, 9), // before the last 2 evaluations: not read with last = 2
  row(0, 2, 'rodeo', 1000, 1, 4),
  row(0, 2, 'rodeo', 2000, 5, 4),
  row(1, 1, 'rodeo', 0, 9, 9),
  row(1, 1, 'rodeo', 1000, 2, 3),
  row(1, 1, 'rodeo', 2000, 2, 5),
  row(2, 1, 'disarm', 0, 7, 7),
  row(2, 1, 'disarm', 1000, 7, 8),
  row(2, 1, 'disarm', 2000, 7, 8),
];
const results = {
  name: 'race',
  dir: '',
  plan: {} as never,
  manifest: {} as never,
  runs: [],
  results: [],
  history,
  frame: undefined,
} as ShippedResults;

describe('matched variance, read from shipped rows', () => {
  test('gaps: per seed, own minus the other at the same evaluations, in seed order', () => {
    // seed 1: mean(2, 2) − mean(3, 5) = −2; seed 2: mean(1, 5) − mean(4, 4) = −1
    assert.deepEqual(matchedVarianceGaps(results, 'rodeo', 'reinforce-loo', 2), [-2, -1]);
    assert.deepEqual(matchedVarianceGaps(results, 'rodeo', 'reinforce-loo', 3), [13 / 3 - 17 / 3, 5 - 17 / 3]);
    assert.deepEqual(matchedVarianceGaps(results, 'disarm', 'reinforce-loo', 2), [7 - 8]);
  });

  test('ratios: own over the other, row by row, named "a / b"', () => {
    const ratios = matchedVarianceRatios(history, 'rodeo', 'reinforce-loo');
    assert.deepEqual(
      ratios.map((r) => [r.seed, r.step, r.ratio, r.estimators]),
      [
        [2, 0, 1, 'rodeo / reinforce-loo'],
        [2, 1000, 0.25, 'rodeo / reinforce-loo'],
        [2, 2000, 1.25, 'rodeo / reinforce-loo'],
        [1, 0, 1, 'rodeo / reinforce-loo'],
        [1, 1000, 2 / 3, 'rodeo / reinforce-loo'],
        [1, 2000, 0.4, 'rodeo / reinforce-loo'],
      ],
    );
  });

  test('an estimator without runs, or runs without the column, is an error naming it', () => {
    assert.throws(
      () => matchedVarianceGaps(results, 'vimco', 'reinforce-loo'),
      (e: Error) => e instanceof ArgumentError && /no history rows of "vimco"/.test(e.message),
    );
    assert.throws(
      () => matchedVarianceRatios(history, 'rodeo', 'arms'),
      (e: Error) => e instanceof ArgumentError && /encoderVariance:arms.*--variance-of arms/.test(e.message),
    );
  });
});
