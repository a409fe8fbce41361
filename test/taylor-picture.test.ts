/** MuProp's linearisation, seen (lab/taylor-picture.ts): h is exact for linear f; the residual's variance is a²-scaled. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { tf } from '../src';
import { curvatureObjective, taylorPicture } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

test('taylorPicture: exact for a linear f, a residual variance growing as a² for f_a', () => {
  const w = [1, -2, 0.5, 1.5];
  const logits = tf.tensor1d([0.3, -0.8, 1.2, 0]);
  const before = tf.memory().numTensors;
  const linear = taylorPicture(curvatureObjective(0, w, 0.7), logits);
  assert.equal(linear.f.length, 16);
  linear.f.forEach((v, k) => assert.ok(Math.abs(v - linear.h[k]) < 1e-5, `configuration ${k}`));
  assert.ok(linear.residualVariance < 1e-9);
  const [small, large] = [0.1, 0.4].map((a) => taylorPicture(curvatureObjective(a, w, 0.7), logits));
  // f_a's residual is a·(wᵀ(z − z̄))²: its variance scales exactly as a².
  assert.ok(Math.abs(large.residualVariance / small.residualVariance - 16) < 1e-3);
  assert.ok(Math.abs(linear.p.reduce((s, p) => s + p, 0) - 1) < 1e-12);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  logits.dispose();
});
