/**
 * A run's history does not depend on its length: for every task, a run of 2 evaluation intervals
 * has exactly the first rows of a run of 4 (wall-clock seconds aside), and a run stopped off the
 * evaluation grid and resumed equals the uninterrupted run, rows and summary (its closing
 * evaluation must not change the model's state, e.g. a baseline estimator's moving averages).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { runExperiment, type ExperimentConfig, type HistoryRow } from '../src';
import { setupBackend } from './support';

before(setupBackend);

const EVERY = 3;
/** Small versions of every task, each with an estimator that carries state between steps. */
const TASKS: ExperimentConfig[] = [
  {
    task: 'toy',
    estimators: ['relax', 'reinforce-optimal'],
    dataset: 'mnist-10k',
    steps: 0,
    batch: 1,
    lr: 1,
    optimizer: 'sgd',
    seed: 3,
    evalEvery: EVERY,
    p0: 0.499,
  },
  {
    task: 'vae',
    estimators: ['reinforce-ema'],
    dataset: 'mnist-10k',
    steps: 0,
    batch: 20,
    lr: 1e-3,
    seed: 3,
    evalEvery: EVERY,
    latent: [10],
    evalExamples: 40,
    testExamples: 40,
  },
  {
    task: 'sop',
    estimators: ['reinforce-ema'],
    dataset: 'mnist-10k',
    steps: 0,
    batch: 20,
    lr: 1e-3,
    seed: 3,
    evalEvery: EVERY,
    latent: [10, 10],
    evalExamples: 40,
    testExamples: 40,
  },
  {
    task: 'gating',
    estimators: ['reinforce-optimal'],
    dataset: 'mnist-10k',
    steps: 0,
    batch: 20,
    lr: 1e-3,
    seed: 3,
    evalEvery: EVERY,
    evalExamples: 40,
    testExamples: 40,
  },
];

const withoutSeconds = (rows: HistoryRow[]) => rows.map(({ seconds: _seconds, ...rest }) => rest);

describe('history rows do not depend on steps', () => {
  for (const base of TASKS) {
    test(`${base.task}: 2 intervals are the first rows of 4; stopped off the grid and resumed equals uninterrupted`, async () => {
      const short = await runExperiment({ ...base, steps: 2 * EVERY });
      const long = await runExperiment({ ...base, steps: 4 * EVERY });
      long.forEach((run, k) => {
        assert.deepEqual(
          withoutSeconds(short[k].history),
          withoutSeconds(run.history.filter((row) => row.step <= 2 * EVERY)),
          run.estimator,
        );
      });
      if (base.task === 'sop') {
        // The test NLL is taken at the evaluation with the lowest validation NLL (keepBest).
        long.forEach((run) => {
          const values = run.history.map((row) => row.validNll as number);
          const best = Math.min(...values);
          assert.deepEqual(
            [run.summary.bestStep, run.summary.validNll],
            [run.history[values.indexOf(best)].step, best],
          );
          assert.ok(Number.isFinite(run.summary.testNll1000) && Number.isFinite(run.summary.finalTestNll));
        });
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-history-'));
      try {
        await runExperiment({ ...base, steps: EVERY + 1, out: dir, checkpointEvery: 100 });
        const resumed = await runExperiment({ ...base, steps: 4 * EVERY, out: dir, checkpointEvery: 100, resume: dir });
        resumed.forEach((run, k) => {
          assert.deepEqual(withoutSeconds(run.history), withoutSeconds(long[k].history), `${run.estimator}: rows`);
          assert.deepEqual(run.summary, long[k].summary, `${run.estimator}: summary`);
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
