/**
 * ARM's Figure 1 through `runExperiment` (what `stochgrad train toy` and the toy-arm plan run):
 * every estimator of the figure runs at every p0 of it, p0 > 0.5 included; seeds draw different
 * noise; the unbiased estimators climb towards the optimum, σ(φ) → 1 for p0 < 0.5 and → 0 for
 * p0 > 0.5 (RELAX with its surrogate learning at 0.01; at step 1 it can fail).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { runExperiment, type ExperimentConfig } from '../src';
import { setupBackend } from './support';

before(setupBackend);

const FIGURE_1 = ['reinforce', 'rebar', 'relax', 'ar', 'arm', 'disarm', 'st'];
// RELAX's surrogate at SGD step 1 can throw φ to the wrong optimum in one step (seed 1, p0 = 0.2): it learns at 0.01.
const BASE: ExperimentConfig = {
  task: 'toy',
  estimators: FIGURE_1,
  dataset: 'mnist-10k',
  steps: 400,
  batch: 1,
  lr: 1,
  optimizer: 'sgd',
  seed: 1,
  evalEvery: 100,
  surrogateLr: 0.01,
};

test('toy: every Figure 1 estimator at p0 = 0.49, 0.499, 0.501, 0.51; p0 = 0.2 and 0.8 reach their optima', async () => {
  for (const p0 of [0.49, 0.499, 0.501, 0.51]) {
    const runs = await runExperiment({ ...BASE, p0 });
    assert.deepEqual(
      runs.map((r) => r.estimator),
      FIGURE_1,
    );
    for (const run of runs) {
      assert.equal(run.history.length, 5, `${run.estimator} at p0 = ${p0}`);
      assert.ok(
        run.history.every((row) => Number.isFinite(row.probability as number)),
        `${run.estimator} at p0 = ${p0}: ${run.history.map((r) => r.probability)}`,
      );
    }
  }
  // Far from 1/2 the gradient σ'(φ)(1 − 2 p0) is large: 400 unit steps saturate every unbiased estimator.
  for (const [p0, optimum] of [
    [0.2, 1],
    [0.8, 0],
  ] as const) {
    const runs = await runExperiment({ ...BASE, p0, estimators: FIGURE_1.filter((e) => e !== 'st') });
    for (const run of runs)
      assert.ok(
        Math.abs((run.summary.probability ?? NaN) - optimum) < 0.05,
        `${run.estimator} at p0 = ${p0}: σ(φ) = ${run.summary.probability}`,
      );
  }
  const [fast] = await runExperiment({ ...BASE, p0: 0.2, estimators: ['relax'], surrogateLr: undefined });
  assert.ok(
    (fast.summary.probability ?? NaN) < 0.01,
    `surrogate at step 1: σ(φ) = ${fast.summary.probability} (the run this test documents)`,
  );
});

test('toy: seeds draw different noise; the same seed repeats the run exactly', async () => {
  const trajectory = async (seed: number) =>
    (await runExperiment({ ...BASE, p0: 0.499, seed, steps: 40, evalEvery: 5 })).map((run) =>
      run.history.map((row) => row.probability),
    );
  const [one, two, again] = [await trajectory(1), await trajectory(2), await trajectory(1)];
  assert.deepEqual(again, one);
  // DisARM is the exception that proves the rule: with one unit and σ(φ) near 1/2 its two draws
  // almost always differ, and then its estimate is the exact gradient whatever u: no noise to differ.
  FIGURE_1.forEach((estimator, k) => {
    if (estimator === 'disarm') assert.deepEqual(two[k], one[k]);
    else assert.notDeepEqual(two[k], one[k], `${estimator}: seeds 1 and 2 gave the same trajectory`);
  });
});
