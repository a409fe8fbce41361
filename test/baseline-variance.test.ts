/**
 * The exact variance of the score-function estimator against a constant baseline
 * (src/lab/baseline-variance.ts): the quadratic against brute-force sums, Bengio's optimum,
 * one unit's zero-variance optimum, and the sample variance of `reinforce` (b = 0) against it.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, enumerate, estimate, gradientStats, zBound } from '../src';
import { allConfigurations } from '../src/estimators/exact';
import { baselineVariance, baselineVarianceFigure } from '../src/lab/baseline-variance';
import { setupBackend, sigmoid } from './support';

before(setupBackend);

const W = [2, -1, 1.5];
/** A nonlinear f of three units: `(w·z − 1)²`. */
const f = (z: tf.Tensor2D) => tf.square(tf.sub(tf.sum(tf.mul(z, W), 1), 1)) as tf.Tensor1D;
const PHI = [-1.5, 0.5, 1];
const fOf = (z: ArrayLike<number>) => (W[0] * z[0] + W[1] * z[1] + W[2] * z[2] - 1) ** 2;

/** `Var(ĝ_i; b)` straight from its definition, summing over the 8 configurations. */
function bruteForceVariance(unit: number, b: number): number {
  const configurations = allConfigurations(3);
  const estimates: { p: number; g: number }[] = [];
  for (let k = 0; k < 8; k++) {
    const z = configurations.slice(3 * k, 3 * k + 3);
    const p = z.reduce((acc, zi, i) => acc * (zi ? sigmoid(PHI[i]) : 1 - sigmoid(PHI[i])), 1);
    estimates.push({ p, g: (fOf(z) - b) * (z[unit] - sigmoid(PHI[unit])) });
  }
  const mean = estimates.reduce((s, e) => s + e.p * e.g, 0);
  return estimates.reduce((s, e) => s + e.p * (e.g - mean) ** 2, 0);
}

describe('baselineVariance: the score-function variance as a quadratic in the baseline', () => {
  test('matches the definition at several baselines, for every unit; mean = the exact gradient', () => {
    const logits = tf.tensor1d(PHI);
    const curves = baselineVariance(f, logits);
    const exact = enumerate(f, logits);
    logits.dispose();
    assert.equal(curves.length, 3);
    for (const curve of curves) {
      assert.ok(Math.abs(curve.gradient - exact.gradient[curve.unit]) < 1e-9);
      assert.ok(Math.abs(curve.expectation - exact.expectation) < 1e-9);
      const s = sigmoid(PHI[curve.unit]);
      assert.ok(Math.abs(curve.quadratic.a - s * (1 - s)) < 1e-12, 'a = E[s²] = σ(1 − σ)');
      for (const b of [-3, 0, 0.7, 2.5, 10]) {
        const want = bruteForceVariance(curve.unit, b);
        assert.ok(
          Math.abs(curve.variance(b) - want) < 1e-9 * Math.max(1, want),
          `unit ${curve.unit}, b = ${b}: ${curve.variance(b)} vs ${want}`,
        );
      }
    }
  });

  test('the optimum is E[s² f] / E[s²] and no other baseline does better', () => {
    const logits = tf.tensor1d(PHI);
    const curves = baselineVariance(f, logits);
    logits.dispose();
    const configurations = allConfigurations(3);
    for (const curve of curves) {
      let num = 0;
      let den = 0;
      for (let k = 0; k < 8; k++) {
        const z = configurations.slice(3 * k, 3 * k + 3);
        const p = z.reduce((acc, zi, i) => acc * (zi ? sigmoid(PHI[i]) : 1 - sigmoid(PHI[i])), 1);
        const s2 = (z[curve.unit] - sigmoid(PHI[curve.unit])) ** 2;
        num += p * s2 * fOf(z);
        den += p * s2;
      }
      assert.ok(Math.abs(curve.optimalBaseline - num / den) < 1e-9);
      assert.ok(Math.abs(curve.minimumVariance - curve.variance(curve.optimalBaseline)) < 1e-9);
      for (const delta of [-1, -0.01, 0.01, 1])
        assert.ok(curve.variance(curve.optimalBaseline + delta) > curve.minimumVariance);
      assert.ok(curve.minimumVariance > 0, 'other units add noise that no baseline of unit i removes');
    }
  });

  test('one unit: b* = (1 − σ) f(1) + σ f(0) and the estimate is then constant (variance 0)', () => {
    const one = (z: tf.Tensor2D) =>
      tf.add(tf.square(tf.sub(tf.squeeze(z, [1]), 0.3)), tf.mul(3, tf.squeeze(z, [1]))) as tf.Tensor1D;
    const logits = tf.tensor1d([-2]);
    const [curve] = baselineVariance(one, logits);
    logits.dispose();
    const s = sigmoid(-2);
    const f1 = 0.49 + 3;
    const f0 = 0.09;
    assert.ok(Math.abs(curve.optimalBaseline - ((1 - s) * f1 + s * f0)) < 1e-6);
    assert.ok(curve.minimumVariance < 1e-10, `minimum variance ${curve.minimumVariance}`);
    assert.ok(Math.abs(curve.gradient - s * (1 - s) * (f1 - f0)) < 1e-6);
  });

  test('the sample variance of reinforce (b = 0) agrees with variance(0) within its standard error', () => {
    const n = 20000;
    const logits = tf.tensor1d(PHI);
    const curves = baselineVariance(f, logits);
    const result = estimate('reinforce', f, logits, { samples: n, seed: 11 });
    const stats = gradientStats(result.perSample);
    tf.dispose([logits, result.perSample, result.mean]);
    const bound = zBound(1e-3, curves.length);
    for (const curve of curves) {
      const z = (stats.variance[curve.unit] - curve.variance(0)) / curve.varianceStandardError(0, n);
      assert.ok(Math.abs(z) < bound, `unit ${curve.unit}: z = ${z}`);
    }
  });

  test('the variance standard error shrinks like 1/√n and checks its inputs; no tensors left behind', () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor1d(PHI);
    const [curve] = baselineVariance(f, logits);
    logits.dispose();
    const ratio = curve.varianceStandardError(1, 100) / curve.varianceStandardError(1, 10000);
    assert.ok(Math.abs(ratio - 10) < 0.1, `ratio ${ratio}`);
    assert.throws(
      () => curve.varianceStandardError(1, 1),
      (e: Error) => e instanceof ArgumentError && /\bn\b/.test(e.message),
    );
    assert.throws(
      () => curve.variance(NaN),
      (e: Error) => e instanceof ArgumentError && /baseline/.test(e.message),
    );
    const bad = tf.tensor1d([NaN, 0, 0]);
    assert.throws(
      () => baselineVariance(f, bad),
      (e: Error) => e instanceof ArgumentError,
    );
    bad.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('baselineVarianceFigure', () => {
  test("draws each unit's exact curve over a range holding 0, b* and E[f], with b* and E[f] marked", () => {
    const logits = tf.tensor1d(PHI);
    const curves = baselineVariance(f, logits);
    logits.dispose();
    const fig = baselineVarianceFigure(curves, { points: 11 });
    assert.equal(fig.data.length, 3 + 3 + 1);
    curves.forEach((c, i) => {
      const trace = fig.data[i];
      const x = trace.x as number[];
      assert.equal(x.length, 11);
      assert.deepEqual(
        trace.y,
        x.map((b) => c.variance(b)),
      );
      assert.ok(
        x[0] < Math.min(0, c.optimalBaseline, c.expectation) && x[10] > Math.max(c.optimalBaseline, c.expectation),
      );
      assert.deepEqual([fig.data[3 + i].x, fig.data[3 + i].y], [[c.optimalBaseline], [c.minimumVariance]]);
    });
    assert.deepEqual(fig.data[6].x, [curves[0].expectation]);
    const one = baselineVarianceFigure([curves[0]], { range: [-1, 4], markExpectation: false });
    assert.equal(one.data.length, 2);
    assert.deepEqual([(one.data[0].x as number[])[0], (one.data[0].x as number[])[120]], [-1, 4]);
    assert.throws(() => baselineVarianceFigure([]), ArgumentError);
    assert.throws(() => baselineVarianceFigure(curves, { range: [2, 1] }), /options\.range/);
  });
});
