/**
 * ARM's toy f(z) = (z − 0.49)^2 at φ = 0: total variance disarm <= arm < reinforce, each gap
 * clear beyond the standard errors of the variances.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { armToy, zBound, type EstimatorName } from '../src';
import { perSampleArray, setupBackend } from './support';

before(setupBackend);

const SAMPLES = 20000;
const K = zBound(1e-3, 2);

/** Sample variance and its standard error `sqrt((m4 − s^4) / N)`. */
function varianceWithError(values: number[]) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const m4 = values.reduce((a, b) => a + (b - mean) ** 4, 0) / n;
  return { variance, se: Math.sqrt(Math.max(m4 - variance ** 2, 0) / n) };
}

const measure = (name: EstimatorName) =>
  varianceWithError(perSampleArray(name, armToy(0.49), [0], { samples: SAMPLES, seed: 99 }));

test('variance ordering on the ARM toy: disarm <= arm < reinforce', () => {
  const reinforce = measure('reinforce');
  const arm = measure('arm');
  const disarm = measure('disarm');
  assert.ok(
    arm.variance + K * arm.se < reinforce.variance - K * reinforce.se,
    `arm ${arm.variance} vs reinforce ${reinforce.variance}`,
  );
  assert.ok(
    disarm.variance - K * disarm.se <= arm.variance + K * arm.se,
    `disarm ${disarm.variance} vs arm ${arm.variance}`,
  );
  assert.ok(disarm.variance <= arm.variance, `disarm ${disarm.variance} vs arm ${arm.variance}`);
  // Closed forms at φ = 0: ARM's estimate is 0.02 |u − 1/2|, uniform on [0, 0.01]; DisARM's is
  // the constant 0.005 = σ'(0)(1 − 2 p0).
  assert.ok(Math.abs(arm.variance - 0.01 ** 2 / 12) < K * arm.se, `arm ${arm.variance}`);
  assert.ok(disarm.variance < 1e-12, `disarm ${disarm.variance}`);
});
