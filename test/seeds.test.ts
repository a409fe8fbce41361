/** runSeeds / summarizeSeeds / meanCurves: mean ± se over seeds, per estimator. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError, meanCurves, runSeeds, summarizeSeeds, tf, type SeededRun } from '../src';
import { setupBackend } from './support';

before(setupBackend);

const run = (estimator: string, seed: number, value: number, curve: number[]): SeededRun => ({
  estimator,
  seed,
  steps: 10,
  seconds: 1,
  summary: { elbo: value, missing: null },
  history: curve.map((v, i) => ({ estimator, step: i * 5, seconds: i, elbo: v })),
});

test('summarizeSeeds gives the mean and sd/√n per estimator and metric', () => {
  const rows = summarizeSeeds(
    [run('a', 1, 1, [0]), run('a', 2, 3, [0]), run('a', 3, 8, [0]), run('b', 1, -2, [0])],
    ['elbo', 'missing'],
  );
  const a = rows.find((r) => r.estimator === 'a' && r.metric === 'elbo')!;
  assert.equal(a.n, 3);
  assert.equal(a.mean, 4);
  // sd² = ((1−4)² + (3−4)² + (8−4)²) / 2 = 13
  assert.ok(Math.abs(a.se! - Math.sqrt(13 / 3)) < 1e-12);
  const b = rows.find((r) => r.estimator === 'b' && r.metric === 'elbo')!;
  assert.deepEqual([b.n, b.mean, b.se], [1, -2, null]);
  const missing = rows.find((r) => r.estimator === 'a' && r.metric === 'missing')!;
  assert.deepEqual([missing.n, missing.mean, missing.se], [0, null, null]);
});

test('meanCurves averages each step over seeds and drops steps some seed lacks', () => {
  const curves = meanCurves([run('a', 1, 0, [1, 2, 3]), run('a', 2, 0, [3, 4])], 'elbo');
  assert.deepEqual(curves[0].step, [0, 5]);
  assert.deepEqual(curves[0].mean, [2, 3]);
  assert.ok(Math.abs(curves[0].se[0]! - 1) < 1e-12); // sd = √2, se = √2/√2
});

test('runSeeds runs the experiment once per seed; different seeds give different runs, equal seeds equal ones', async () => {
  const config = {
    task: 'toy' as const,
    estimators: ['reinforce', 'disarm'],
    dataset: '',
    steps: 30,
    batch: 1,
    lr: 0.5,
    evalEvery: 10,
    p0: 0.45,
  };
  const before = tf.memory().numTensors;
  const runs = await runSeeds(config, [1, 2]);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(
    runs.map((r) => `${r.estimator}@${r.seed}`),
    ['reinforce@1', 'disarm@1', 'reinforce@2', 'disarm@2'],
  );
  const again = await runSeeds(config, [2]);
  assert.deepEqual(again[0].summary, runs[2].summary);
  assert.notDeepEqual(runs[0].summary, runs[2].summary);
  const summary = summarizeSeeds(runs, ['probability']);
  assert.equal(summary.length, 2);
  assert.ok(summary.every((row) => row.n === 2 && row.se !== null));
});

test('runSeeds and summarizeSeeds reject bad input with ArgumentError', async () => {
  const config = {
    task: 'toy' as const,
    estimators: ['reinforce'],
    dataset: '',
    steps: 2,
    batch: 1,
    lr: 0.1,
    evalEvery: 1,
  };
  await assert.rejects(runSeeds(config, []), ArgumentError);
  await assert.rejects(runSeeds(config, [1, 1]), /distinct/);
  await assert.rejects(runSeeds(config, [-1]), /seeds\[0\]/);
  assert.throws(() => summarizeSeeds([], ['elbo']), /runs/);
  assert.throws(() => summarizeSeeds([run('a', 1, 0, [0])], []), /metrics/);
  assert.throws(() => meanCurves([run('a', 1, 0, [0])], ''), /metric/);
});
