/**
 * The biased estimators on f linear in z, where their expectations are known in closed form,
 * and their bias as reported by gradientStats.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { estimate, gradientStats, linearObjective, zBound, type EstimatorName } from '../src';
import { perSampleArray, setupBackend, sigmoid } from './support';

before(setupBackend);

const c = [1.5, -2, 0.75];
const logits = [0.4, -1.3, 2.2];
const f = linearObjective(c);
const dSigmoid = (x: number) => sigmoid(x) * (1 - sigmoid(x));
const exact = logits.map((phi, i) => c[i] * dSigmoid(phi));
const SAMPLES = 20000;
const BOUND = zBound(1e-3, 2 * c.length);

function rowsOf(values: number[]): number[][] {
  return Array.from({ length: values.length / c.length }, (_, k) => values.slice(k * c.length, (k + 1) * c.length));
}

test('st: every estimate is exactly c (∂z/∂φ := 1)', () => {
  const values = rowsOf(perSampleArray('st', f, logits, { samples: 100, seed: 1 }));
  for (const row of values) row.forEach((x, i) => assert.ok(Math.abs(x - c[i]) < 1e-6));
});

test("st-sigmoid: every estimate is c ⊙ σ'(φ), the exact gradient", () => {
  const values = rowsOf(perSampleArray('st-sigmoid', f, logits, { samples: 100, seed: 1 }));
  for (const row of values) row.forEach((x, i) => assert.ok(Math.abs(x - exact[i]) < 1e-6));
});

test("st-annealed: every estimate is c ⊙ s σ'(s φ)", () => {
  const slope = 3;
  const values = rowsOf(perSampleArray('st-annealed', f, logits, { samples: 100, seed: 1, slope }));
  for (const row of values)
    row.forEach((x, i) => assert.ok(Math.abs(x - c[i] * slope * dSigmoid(slope * logits[i])) < 1e-6));
});

/** `E_u[∂/∂φ σ((φ + L(u))/τ)]` by the midpoint rule over u. */
function relaxedSlope(phi: number, temperature: number, points = 200000): number {
  let sum = 0;
  for (let k = 0; k < points; k++) {
    const u = (k + 0.5) / points;
    sum += dSigmoid((phi + Math.log(u) - Math.log(1 - u)) / temperature) / temperature;
  }
  return sum / points;
}

for (const name of ['concrete', 'gumbel-st'] as EstimatorName[]) {
  test(`${name}: mean estimate is c ⊙ E[∂σ((φ + L)/τ)/∂φ] (quadrature), bias measured`, () => {
    const temperature = 0.5;
    const expected = logits.map((phi, i) => c[i] * relaxedSlope(phi, temperature));
    const phi = tf.tensor1d(logits);
    const result = estimate(name, f, phi, { samples: SAMPLES, seed: 5, temperature });
    const stats = gradientStats(result.perSample, exact);
    tf.dispose([phi, result.perSample, result.mean]);
    stats.mean.forEach((m, i) => {
      const z = (m - expected[i]) / stats.standardError[i];
      assert.ok(Math.abs(z) < BOUND, `coordinate ${i}: ${m} vs ${expected[i]} (z = ${z})`);
    });
    stats.bias!.forEach((b, i) => assert.ok(Math.abs(b - (stats.mean[i] - exact[i])) < 1e-12));
    const trueBias = expected.map((e, i) => e - exact[i]);
    assert.ok(Math.abs(trueBias[0]) > 5 * stats.standardError[0], 'the relaxation bias is visible at this sample size');
  });
}

test("gradientStats reports the straight-through bias c − c ⊙ σ'(φ)", () => {
  const phi = tf.tensor1d(logits);
  const result = estimate('st', f, phi, { samples: 50, seed: 2 });
  const stats = gradientStats(result.perSample, exact);
  tf.dispose([phi, result.perSample, result.mean]);
  stats.bias!.forEach((b, i) => assert.ok(Math.abs(b - (c[i] - exact[i])) < 1e-6));
  assert.ok(stats.totalVariance < 1e-10);
  assert.ok(stats.cosine! > 0.5 && stats.cosine! <= 1 + 1e-12);
});
