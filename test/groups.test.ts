/**
 * `groups`: independent groups of a multi-sample estimator's draws in one call, and `groupMeans`,
 * one estimate per group.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, estimate, exactGradient, gradientStats, groupMeans, uniformNoise } from '../src';
import { measureEstimator } from '../src/lab';
import { nonlinear, setupBackend } from './support';

before(setupBackend);

test('a group of leave-one-out draws is the same estimate as a call of its own', () => {
  const groups = 5;
  const logits = tf.tensor1d(nonlinear.logits);
  const u = uniformNoise(2 * groups, nonlinear.logits.length, 7);
  const together = estimate('reinforce-loo', nonlinear.f, logits, { samples: 2, groups, noise: u });
  const means = groupMeans(together.perSample, groups);
  const rows = means.arraySync();
  for (let g = 0; g < groups; g++) {
    const own = tf.gather(u, [g, g + groups]) as tf.Tensor2D;
    const alone = estimate('reinforce-loo', nonlinear.f, logits, { samples: 2, noise: own });
    const expected = Array.from(alone.mean.dataSync());
    rows[g].forEach((x, i) =>
      assert.ok(Math.abs(x - expected[i]) < 1e-6, `group ${g}, unit ${i}: ${x} vs ${expected[i]}`),
    );
    tf.dispose([own, alone.perSample, alone.mean]);
  }
  assert.deepEqual(together.perSample.shape, [2 * groups, nonlinear.logits.length]);
  tf.dispose([logits, u, together.perSample, together.mean, means]);
});

test('groups defaults to 1, and bad groups are refused naming the argument', () => {
  const logits = tf.tensor1d([0.3]);
  const f = (z: tf.Tensor2D) => tf.sum(z, 1) as tf.Tensor1D;
  const a = estimate('reinforce', f, logits, { samples: 4, seed: 3 });
  const b = estimate('reinforce', f, logits, { samples: 4, seed: 3, groups: 1 });
  assert.deepEqual(Array.from(a.perSample.dataSync()), Array.from(b.perSample.dataSync()));
  assert.throws(() => estimate('reinforce', f, logits, { samples: 4, groups: 0 }), /options\.groups/);
  assert.throws(
    () => groupMeans(a.perSample, 3),
    (e: unknown) => e instanceof ArgumentError && /groups/.test(e.message),
  );
  tf.dispose([logits, a.perSample, a.mean, b.perSample, b.mean]);
});

test('measureEstimator: one estimate per draw, or per group of k draws for a multi-sample estimator', () => {
  const logits = tf.tensor1d(nonlinear.logits);
  const exact = tf.tidy(() => Array.from(exactGradient(nonlinear.f, logits).dataSync()));
  const loo = measureEstimator('reinforce-loo', nonlinear.f, logits, exact, { estimates: 300, seed: 4 });
  assert.equal(loo.samples, 300);
  // The same as grouping by hand: 300 groups of 2 draws from the same seed.
  const raw = estimate('reinforce-loo', nonlinear.f, logits, { samples: 2, groups: 300, seed: 4 });
  const byHand = groupMeans(raw.perSample, 300);
  const expected = gradientStats(byHand, exact);
  loo.mean.forEach((m, i) => assert.ok(Math.abs(m - expected.mean[i]) < 1e-9));
  assert.ok(Math.abs(loo.totalVariance - expected.totalVariance) < 1e-9);
  const single = measureEstimator('reinforce', nonlinear.f, logits, exact, { estimates: 300, seed: 4 });
  assert.equal(single.samples, 300);
  assert.throws(
    () => measureEstimator('reinforce', nonlinear.f, logits, exact, { estimates: 1 }),
    /options\.estimates/,
  );
  tf.dispose([logits, raw.perSample, raw.mean, byHand]);
});
