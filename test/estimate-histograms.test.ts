/** Variance, seen (lab/estimate-histograms.ts): REINFORCE's two spikes, ARM's spread, DisARM's point mass at φ = 0. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError, tf } from '../src';
import { estimateHistograms } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

test('estimateHistograms: the shapes of single estimates at φ = 0 on ARM toy', () => {
  const before = tf.memory().numTensors;
  const [reinforce, arm, disarm] = estimateHistograms({ phi: 0, p0: 0.49, samples: 4000, seed: 2 });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  // REINFORCE: f(z)(z − ½) with f(1) = 0.51², f(0) = 0.49²: two values, ±f/2.
  assert.deepEqual(reinforce.distinct, [
    Number((-(0.49 ** 2) / 2).toPrecision(6)),
    Number((0.51 ** 2 / 2).toPrecision(6)),
  ]);
  // ARM at φ = 0: (1 − 2p0)·s·(u − ½) with s = ±1: within ±0.01, and many distinct values.
  assert.equal(arm.distinct, null);
  assert.ok(arm.values.every((v) => Math.abs(v) <= 0.01 + 1e-7));
  // DisARM at φ = 0: the pair always differs and every estimate is σ'(0)(1 − 2p0) = 0.005.
  assert.equal(disarm.distinct!.length, 1);
  assert.ok(Math.abs(disarm.distinct![0] - 0.005) < 1e-6);
  assert.ok(Math.abs(reinforce.figure.layout.shapes![0].x0 - 0.25 * 0.02) < 1e-12, 'the exact gradient is marked');
  assert.throws(() => estimateHistograms({ estimators: ['nope'] }), ArgumentError);
});
