/** Antithetic sampling, seen (lab/antithetic-picture.ts): the four estimates on a grid of u against their identities. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError, tf } from '../src';
import { antitheticPicture } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

test('antitheticPicture: ARM is the average of AR(u) and AR(1 − u); DisARM is ARM averaged within each interval of the pair', () => {
  const before = tf.memory().numTensors;
  const phi = 0.8;
  const p = antitheticPicture({ phi, p0: 0.49, points: 999, samples: 2000, seed: 3 });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  p.u.forEach((_, k) => assert.ok(Math.abs(p.arm[k] - (p.ar[k] + p.arTwin[k]) / 2) < 1e-6, `u = ${p.u[k]}`));
  // The pair's intervals (σ ≥ ½): (0, 1 − σ), (1 − σ, σ), (σ, 1). DisARM is constant on each and equals ARM's mean there.
  const sigma = 1 / (1 + Math.exp(-phi));
  for (const [low, high] of [
    [0, 1 - sigma],
    [1 - sigma, sigma],
    [sigma, 1],
  ]) {
    const inside = p.u.map((u, k) => k).filter((k) => p.u[k] > low + 0.002 && p.u[k] < high - 0.002);
    const disarm = inside.map((k) => p.disarm[k]);
    assert.ok(Math.max(...disarm) - Math.min(...disarm) < 1e-6, `DisARM constant on (${low}, ${high})`);
    const armMean = inside.reduce((s, k) => s + p.arm[k], 0) / inside.length;
    assert.ok(
      Math.abs(armMean - disarm[0]) < 2e-4,
      `ARM's mean ${armMean} against DisARM ${disarm[0]} on (${low}, ${high})`,
    );
  }
  // Averaged over the grid (an integral over u), every estimate is the exact gradient.
  for (const values of [p.ar, p.arm, p.disarm]) {
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    assert.ok(Math.abs(mean - p.exact) < 2e-4, `grid mean ${mean} against exact ${p.exact}`);
  }
  assert.ok(p.correlation < -0.5, `AR(u) and AR(1 − u) negatively correlated: ${p.correlation}`);
  assert.throws(() => antitheticPicture({ phi: Number.NaN }), ArgumentError);
});
