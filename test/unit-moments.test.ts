/**
 * Closed forms of the conditional-computation units (src/core/unit-moments.ts) and the normal
 * CDF behind them, against Monte Carlo averages of the unit ops themselves (values and gradients).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, normalQuantile, uniformArray, zBound } from '../src';
import { noisyRectifier, stochasticTimesSmooth } from '../src/core/units';
import { unitMoments } from '../src/core/unit-moments';
import { normalCdf } from '../src/metrics/normal';
import { setupBackend } from './support';

before(setupBackend);

const A = [-2, -0.5, 0, 1, 3];
const ROWS = 40000;
const FALSE_ALARM = 1e-3;

/** Per column of `[ROWS, A.length]`: the mean and standard error of `values`. */
function columnMeans(values: ArrayLike<number>) {
  const d = A.length;
  return A.map((_, j) => {
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < ROWS; k++) {
      sum += values[k * d + j];
      sq += values[k * d + j] ** 2;
    }
    const mean = sum / ROWS;
    return { mean, se: Math.sqrt(Math.max(sq / ROWS - mean * mean, 0) / (ROWS - 1)) };
  });
}

/** Sample values, the op's gradient `∂h/∂a` elementwise, and the fraction of exact zeros. */
function simulate(op: (a: tf.Tensor2D, u: tf.Tensor2D) => tf.Tensor2D, seed: number) {
  return tf.tidy(() => {
    const a = tf.tensor2d(Float32Array.from({ length: ROWS * A.length }, (_, i) => A[i % A.length]), [ROWS, A.length]);
    const u = tf.tensor2d(uniformArray(ROWS * A.length, seed), [ROWS, A.length]);
    const h = op(a, u);
    const g = tf.grad((x: tf.Tensor) => tf.sum(op(x as tf.Tensor2D, u)))(a);
    return { h: h.dataSync().slice(), g: g.dataSync().slice(), zero: h.dataSync().map((x) => (x === 0 ? 1 : 0)) };
  });
}

function checkAgainst(name: 'sts' | 'noisy-rectifier', op: (a: tf.Tensor2D, u: tf.Tensor2D) => tf.Tensor2D, noise?: number) {
  const { h, g, zero } = simulate(op, 5);
  const bound = zBound(FALSE_ALARM, 3 * A.length);
  const checks: [string, ReturnType<typeof columnMeans>, (m: ReturnType<typeof unitMoments>) => number][] = [
    ['mean', columnMeans(h), (m) => m.mean],
    ['surrogateSlope', columnMeans(g), (m) => m.surrogateSlope],
    ['zeroProbability', columnMeans(zero), (m) => m.zeroProbability],
  ];
  for (const [what, measured, formula] of checks) {
    A.forEach((a, j) => {
      const want = formula(unitMoments(name, a, noise === undefined ? {} : { noise }));
      const { mean, se } = measured[j];
      if (se === 0) assert.ok(Math.abs(mean - want) < 1e-6, `${name} ${what} at a = ${a}: ${mean} vs ${want}`);
      else assert.ok(Math.abs(mean - want) / se < bound, `${name} ${what} at a = ${a}: ${mean} vs ${want} (se ${se})`);
    });
  }
}

describe('normalCdf', () => {
  test('inverts normalQuantile and is symmetric', () => {
    for (const p of [1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999]) {
      assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 2e-7 * Math.max(p, 1e-3), `p = ${p}: ${normalCdf(normalQuantile(p))}`);
    }
    for (const x of [0.3, 1.7, 4]) assert.ok(Math.abs(normalCdf(x) + normalCdf(-x) - 1) < 1e-12);
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.throws(() => normalCdf(NaN), RangeError);
  });
});

describe('unitMoments: closed forms of the unit types', () => {
  test('sts: E[h] = σ(a), P(h = 0) = 1 − sqrt(σ(a)), backward averages to σ(1 − σ)/2 — against the op', () => {
    checkAgainst('sts', (a, u) => stochasticTimesSmooth(a, u));
    for (const a of A) {
      const m = unitMoments('sts', a);
      assert.ok(Math.abs(m.surrogateSlope - m.meanSlope / 2) < 1e-15, 'STS propagates half the slope of E[h]');
    }
  });

  test('noisy rectifier (s = 1 and s = 0.5): a Φ(a/s) + s φ(a/s), Φ(−a/s), slope Φ(a/s) — against the op', () => {
    checkAgainst('noisy-rectifier', (a, u) => noisyRectifier(a, u, { noise: 1 }), 1);
    checkAgainst('noisy-rectifier', (a, u) => noisyRectifier(a, u, { noise: 0.5 }), 0.5);
    for (const a of A) {
      const m = unitMoments('noisy-rectifier', a, { noise: 0.7 });
      assert.equal(m.surrogateSlope, m.meanSlope, 'reparameterisation is exact');
      const step = 1e-4;
      const numeric = (unitMoments('noisy-rectifier', a + step, { noise: 0.7 }).mean - unitMoments('noisy-rectifier', a - step, { noise: 0.7 }).mean) / (2 * step);
      assert.ok(Math.abs(numeric - m.meanSlope) < 1e-5, `dE[h]/da at ${a}: ${numeric} vs ${m.meanSlope}`);
    }
  });

  test('s = 0 is the plain rectifier; the default s is 1; bad input names the argument', () => {
    assert.deepEqual(unitMoments('noisy-rectifier', 2, { noise: 0 }), { mean: 2, zeroProbability: 0, meanSlope: 1, surrogateSlope: 1 });
    assert.deepEqual(unitMoments('noisy-rectifier', -1, { noise: 0 }), { mean: 0, zeroProbability: 1, meanSlope: 0, surrogateSlope: 0 });
    assert.deepEqual(unitMoments('noisy-rectifier', 0.4), unitMoments('noisy-rectifier', 0.4, { noise: 1 }));
    assert.throws(() => unitMoments('relu' as never, 0), (e: Error) => e instanceof ArgumentError && /sts, noisy-rectifier/.test(e.message));
    assert.throws(() => unitMoments('sts', NaN), (e: Error) => e instanceof ArgumentError && /\ba\b/.test(e.message));
    assert.throws(() => unitMoments('noisy-rectifier', 0, { noise: -1 }), (e: Error) => e instanceof ArgumentError && /settings\.noise/.test(e.message));
  });
});
