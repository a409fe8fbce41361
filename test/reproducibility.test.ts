/** Same noise or same seed → identical estimates; different seeds → different ones. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ESTIMATOR_NAMES, uniformNoise } from '../src';
import { learnedParts, nonlinear, perSampleArray, setupBackend } from './support';

before(setupBackend);

const extra = (name: string) => learnedParts(name, nonlinear);
const d = nonlinear.logits.length;

for (const name of ESTIMATOR_NAMES) {
  test(`${name}: reproducible from noise and from seed`, () => {
    const run = (options: object) =>
      perSampleArray(name, nonlinear.f, nonlinear.logits, { samples: 64, ...extra(name), ...options });
    const noise = uniformNoise(64, d, 11);
    const conditionalNoise = uniformNoise(64, d, 12);
    try {
      assert.deepEqual(run({ noise, conditionalNoise }), run({ noise, conditionalNoise }));
    } finally {
      tf.dispose([noise, conditionalNoise]);
    }
    assert.deepEqual(run({ seed: 7 }), run({ seed: 7 }));
    assert.notDeepEqual(run({ seed: 7 }), run({ seed: 8 }));
  });
}

test('the seeded noise is uniform: mean 1/2 and variance 1/12 within 4 standard errors', () => {
  const n = 100000;
  const u = uniformNoise(n, 1, 3);
  const values = Array.from(u.dataSync());
  u.dispose();
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  assert.ok(Math.abs(mean - 0.5) < 4 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(variance - 1 / 12) < 4 * Math.sqrt(1 / 180 / n));
  assert.ok(values.every((x) => x > 0 && x < 1));
});
