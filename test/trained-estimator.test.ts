/**
 * `trainedEstimator` (stochgrad/lab): an estimator's learned control variate trained on a fixed
 * problem, then measured. Untrained, double-cv and rodeo are reinforce-loo draw for draw; trained,
 * they stay unbiased, and RODEO's variance falls far below leave-one-out's.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, exactGradient, zBound, type Objective } from '../src';
import { trainedEstimator } from '../src/lab/index';
import { setupBackend } from './support';

const W = [2, -1, 1.5];
const f: Objective = (z) => tf.square(tf.sub(tf.sum(tf.mul(z, W), 1), 1)) as tf.Tensor1D;
const ESTIMATES = 4000;

describe('trainedEstimator', () => {
  let logits: tf.Tensor1D;
  let exact: number[];
  before(async () => {
    await setupBackend();
    logits = tf.tensor1d([-1.5, 0.5, 1]);
    const g = exactGradient(f, logits);
    exact = Array.from(g.dataSync());
    g.dispose();
  });

  test('untrained, double-cv and rodeo are reinforce-loo on the same draws', () => {
    const measured = ['reinforce-loo', 'double-cv', 'rodeo'].map((name) => {
      const trained = trainedEstimator(name as 'rodeo', f, logits, { samples: 3, steps: 0, seed: 1 });
      const stats = trained.measure(exact, { estimates: 500, seed: 9 });
      trained.dispose();
      return stats.mean;
    });
    measured.slice(1).forEach((mean) => mean.forEach((m, i) => assert.ok(Math.abs(m - measured[0][i]) < 1e-6)));
  });

  test('trained: unbiased, α learned, RODEO well below leave-one-out, no tensors left', () => {
    const before = tf.memory().numTensors;
    const stats = (['reinforce-loo', 'double-cv', 'rodeo'] as const).map((name, n) => {
      const trained = trainedEstimator(name, f, logits, { samples: 2, steps: 300, seed: 3 + n });
      const measured = trained.measure(exact, { estimates: ESTIMATES, seed: 20 + n });
      if (name === 'double-cv') assert.ok(trained.learned.alpha !== 0, 'α moved');
      trained.dispose();
      assert.ok(measured.maxAbsZ! < zBound(1e-3, 9), `${name}: max |z| ${measured.maxAbsZ}`);
      assert.equal(measured.samples, ESTIMATES);
      return measured.totalVariance;
    });
    // Var of a sample variance ≈ 2σ⁴/(n − 1): at 4,000 estimates each total is known to about 3 %.
    assert.ok(stats[2] < 0.6 * stats[0], `RODEO ${stats[2]} against leave-one-out ${stats[0]}`);
    assert.equal(tf.memory().numTensors, before);
  });

  test('estimators that learn another kind of part, and bad options, are refused by name', () => {
    assert.throws(
      () => trainedEstimator('nvil', f, logits, { steps: 1, seed: 1 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'name',
    );
    assert.throws(
      () => trainedEstimator('rodeo', f, logits, { samples: 1, steps: 1, seed: 1 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.samples',
    );
    assert.throws(
      () => trainedEstimator('arms', f, logits, { steps: -1, seed: 1 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.steps',
    );
  });
});
