/**
 * `varianceOf` (`--variance-of`): other estimators' encoder-gradient variance at a run's own
 * parameters. The run's own rows are untouched, the measurements are at the run's parameters
 * (rodeo starts as reinforce-loo, so at step 0 both variances are one number), and estimators
 * that cannot be measured at another run's parameters are refused by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgumentError, runExperiment, type ExperimentConfig } from '../src';

const isArgumentError = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.argument === argument;

const base: ExperimentConfig = {
  task: 'vae',
  estimators: ['rodeo'],
  dataset: 'mnist-10k',
  steps: 4,
  batch: 10,
  lr: 1e-3,
  seed: 2,
  evalEvery: 2,
  latent: [6],
  evalExamples: 20,
  testExamples: 5,
};
const withoutSeconds = (rows: readonly Record<string, number | string>[]) =>
  rows.map(({ seconds: _, ...rest }) => rest);

test('matched variance: the columns encoderVariance:<name> at every evaluation, the run itself unchanged', async () => {
  const [plain] = await runExperiment(base);
  const [matched] = await runExperiment({ ...base, varianceOf: ['disarm', 'reinforce-loo'] });
  const columns = ['encoderVariance:disarm', 'encoderVariance:reinforce-loo'];
  const own = matched.history.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([k]) => !columns.includes(k))),
  );
  assert.deepEqual(withoutSeconds(own), withoutSeconds(plain.history), 'the run follows the same trajectory');
  assert.deepEqual(
    matched.history.map((row) => row.step),
    [0, 2, 4],
  );
  for (const row of matched.history) for (const column of columns) assert.ok(Number(row[column]) > 0, column);
  // rodeo's function starts at zero, where rodeo is reinforce-loo on the same draws.
  assert.equal(matched.history[0]['encoderVariance:reinforce-loo'], matched.history[0].encoderVariance);
  assert.notEqual(matched.history[0]['encoderVariance:disarm'], matched.history[0].encoderVariance);
});

test('matched variance: a run of the k-sample bound (vimco) leaves the columns empty', async () => {
  const [run] = await runExperiment({ ...base, estimators: ['vimco'], varianceOf: ['disarm'] });
  assert.ok(run.history.every((row) => !('encoderVariance:disarm' in row)));
});

test('matched variance: learned parts, running state, another objective and repeats are refused by name', async () => {
  for (const name of ['rodeo', 'nvil', 'reinforce-ema', 'double-cv', 'vimco', 'no-such-estimator'])
    await assert.rejects(
      runExperiment({ ...base, estimators: ['disarm'], varianceOf: [name] }),
      isArgumentError('config.varianceOf'),
      name,
    );
  await assert.rejects(
    runExperiment({ ...base, estimators: ['disarm'], varianceOf: ['arm', 'arm'] }),
    isArgumentError('config.varianceOf'),
  );
});
