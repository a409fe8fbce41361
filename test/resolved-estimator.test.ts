/**
 * An estimator resolved once at the edge and handed down: every model's `gradients`, the training
 * loop and the experiment runner take the resolved estimator as well as its name, with results equal
 * bit for bit, and refuse an object that is not the registry's.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  createSbnVae,
  createToyModel,
  estimators,
  networkEstimator,
  resolveEstimator,
  train,
  type GradientResult,
} from '../src';
import { createGatingNet } from '../src/models/gating';
import { gatingEstimator } from '../src/models/gating-config';
import { resolveTaskEstimator } from '../src/experiments/tasks/task';
import { CHECKPOINT_FILE } from '../src/train/checkpoint';
import { setupBackend } from './support';

before(setupBackend);

const isArgumentError = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.argument === argument;

/** Every gradient of `a` equals `b`'s exactly; both are disposed. */
function assertSame(a: GradientResult, b: GradientResult): void {
  assert.deepEqual(Object.keys(a.gradients), Object.keys(b.gradients));
  for (const name of Object.keys(a.gradients))
    assert.deepEqual(Array.from(a.gradients[name].dataSync()), Array.from(b.gradients[name].dataSync()), name);
  assert.equal(a.objective.dataSync()[0], b.objective.dataSync()[0]);
  tf.dispose([a.objective, b.objective, ...Object.values(a.gradients), ...Object.values(b.gradients)]);
}

test('resolveEstimator: a name gives its registry entry; a resolved one passes through; anything else is refused', () => {
  const arm = resolveEstimator('arm');
  assert.equal(arm.name, 'arm');
  assert.equal(arm.spec, estimators.arm);
  assert.equal(resolveEstimator(arm).spec, estimators.arm);
  assert.throws(() => resolveEstimator('nope', 'x'), isArgumentError('x'));
  assert.throws(() => resolveEstimator({ name: 'arm', spec: estimators.disarm }, 'x'), isArgumentError('x'));
  assert.throws(() => resolveEstimator({ name: 'arm' }, 'x'), isArgumentError('x'));
});

test('networkEstimator and gatingEstimator return a resolved estimator as it is, and resolve a { name, spec }', () => {
  const disarm = networkEstimator('disarm');
  assert.equal(networkEstimator(disarm), disarm);
  assert.equal(gatingEstimator(disarm), disarm);
  assert.deepEqual(networkEstimator(resolveEstimator('disarm')), disarm);
  const rectifier = gatingEstimator('noisy-rectifier');
  assert.equal(gatingEstimator(rectifier), rectifier);
  assert.throws(() => networkEstimator('relax', 'x'), isArgumentError('x'));
  assert.throws(
    () => gatingEstimator({ kind: 'signal', name: 'arm', spec: estimators.disarm }, 'x'),
    isArgumentError('x'),
  );
  assert.equal(resolveTaskEstimator('toy', 'relax').spec, estimators.relax);
  assert.throws(() => resolveTaskEstimator('vae', 'relax', '--estimators'), isArgumentError('--estimators'));
  assert.throws(() => resolveTaskEstimator('gating', 'bogus', '--estimators'), isArgumentError('--estimators'));
});

test('the VAE, the gated classifier and the toy give the same gradients for a name and for its resolved estimator', () => {
  const vae = createSbnVae({ visible: 6, latent: [3, 2], kind: 'linear', seed: 3 });
  const x = tf.tensor2d([
    [1, 0, 1, 1, 0, 0],
    [0, 1, 1, 0, 1, 0],
  ]);
  for (const name of ['reinforce-loo', 'muprop-c', 'st']) {
    const resolved = networkEstimator(name);
    const samples = resolved.spec?.minSamples ?? 1;
    // Moving-average baselines carry state from call to call: compare fresh states.
    const state = vae.getState();
    const byName = vae.gradients(name, x, { samples, seed: 5 });
    vae.setState(state);
    assertSame(byName, vae.gradients(resolved, x, { samples, seed: 5 }));
  }
  x.dispose();
  vae.dispose();

  const gating = createGatingNet({ input: 4, hidden: 3, classes: 2, seed: 2 });
  const batch = {
    images: tf.tensor2d([
      [1, 0, 0.5, 0],
      [0, 1, 0, 0.5],
    ]),
    labels: tf.tensor1d([0, 1], 'int32'),
  };
  for (const name of ['reinforce-optimal', 'noisy-rectifier']) {
    const state = gating.getState();
    const byName = gating.gradients(name, batch, { seed: 9 });
    gating.setState(state);
    assertSame(byName, gating.gradients(gatingEstimator(name), batch, { seed: 9 }));
  }
  tf.dispose([batch.images, batch.labels]);
  gating.dispose();

  const toy = createToyModel({ p0: 0.45, units: 2 });
  assertSame(
    toy.gradients('disarm', undefined, { seed: 4 }),
    toy.gradients(resolveEstimator('disarm'), undefined, { seed: 4 }),
  );
  assert.throws(
    () => toy.gradients(gatingEstimator('sts') as never, undefined, { seed: 4 }),
    isArgumentError('estimator'),
  );
  toy.dispose();
});

test('train() with a resolved estimator runs the same steps as with its name, and its checkpoint names it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-resolved-'));
  const run = async (estimator: Parameters<typeof train>[2]['estimator'], checkpoint?: string) => {
    const model = createToyModel({ p0: 0.45, units: 3 });
    const result = await train(
      model,
      { batchAt: () => undefined },
      {
        estimator,
        steps: 20,
        lr: 0.5,
        seed: 7,
        optimizer: 'sgd',
        evalEvery: 10,
        evaluate: (m) => ({ p: tf.tidy(() => tf.mean(tf.sigmoid(m.parameters.phi)).dataSync()[0]) }),
        ...(checkpoint ? { checkpoint: { dir: checkpoint, every: 10 } } : {}),
      },
    );
    model.dispose();
    return result.history.map((row) => row.p);
  };
  assert.deepEqual(await run(resolveEstimator('reinforce-ema'), dir), await run('reinforce-ema'));
  const saved = JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_FILE), 'utf8'));
  assert.equal(saved.identity.estimator, 'reinforce-ema');
  fs.rmSync(dir, { recursive: true });
  await assert.rejects(() => run({ name: '' } as never), isArgumentError('options.estimator'));
});
