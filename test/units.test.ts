/**
 * The conditional-computation unit types (src/models/units.ts) and the elementwise normal quantile
 * behind the noisy rectifier: values, means and gradients against plain formulas.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, normalQuantile, uniformArray, zBound } from '../src';
import { lookupUnit, noisyRectifier, stochasticTimesSmooth, UNIT_NAMES } from '../src/models/units';
import { normalQuantileTensor } from '../src/core/normal';
import { setupBackend, sigmoid } from './support';

before(setupBackend);

const A = [-3, -1, 0, 0.5, 2, 4];
const D = A.length;
const FALSE_ALARM = 1e-3;

/** `rows` copies of A as `[rows, D]` and seeded uniforms of the same shape (plain arrays too). */
function grid(rows: number, seed: number) {
  const u = uniformArray(rows * D, seed);
  const a = Float32Array.from({ length: rows * D }, (_, i) => A[i % D]);
  return { a, u, aT: tf.tensor2d(a, [rows, D]), uT: tf.tensor2d(u, [rows, D]) };
}

/** Values and `∂(Σ w ⊙ h)/∂a` of a unit op at a, u, with fixed weights w. */
function valueAndGradient(op: (a: tf.Tensor2D) => tf.Tensor2D, aT: tf.Tensor2D, w: tf.Tensor2D) {
  return tf.tidy(() => {
    const h = op(aT);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor2D), w)))(aT);
    return { h: h.dataSync() as Float32Array, g: g.dataSync() as Float32Array };
  });
}

describe('gating units: normal quantile on tensors', () => {
  test('normalQuantileTensor agrees with the scalar normalQuantile from the far tails to the centre', () => {
    const p = [1e-7, 1e-4, 0.01, 0.024, 0.025, 0.1, 0.3, 0.5, 0.6, 0.9, 0.975, 0.976, 0.999, 0.9999].map(Math.fround);
    const got = tf.tidy(() => normalQuantileTensor(tf.tensor1d(p)).dataSync());
    p.forEach((pi, i) => {
      const expected = normalQuantile(pi);
      assert.ok(
        Math.abs(got[i] - expected) < 1e-5 * Math.max(1, Math.abs(expected)) + 2e-6,
        `p = ${pi}: ${got[i]} vs ${expected}`,
      );
    });
  });

  test('entries at 0 and 1 are clamped to finite values', () => {
    const got = Array.from(tf.tidy(() => normalQuantileTensor(tf.tensor1d([0, 1])).dataSync()));
    assert.ok(got.every(Number.isFinite), String(got));
    assert.ok(got[0] < -12 && got[1] > 5, String(got));
  });
});

describe('gating units: stochastic times smooth', () => {
  test('h = 1[u < sqrt(σ(a))] · sqrt(σ(a)) elementwise', () => {
    const { a, u, aT, uT } = grid(50, 1);
    const h = tf.tidy(() => stochasticTimesSmooth(aT, uT).dataSync());
    h.forEach((v, i) => {
      const smooth = Math.sqrt(sigmoid(a[i]));
      const expected = u[i] < smooth ? smooth : 0;
      assert.ok(Math.abs(v - expected) < 1e-6, `entry ${i}: ${v} vs ${expected}`);
    });
    tf.dispose([aT, uT]);
  });

  test(`E[h] = σ(a): z-test per unit (|z| < zBound(${FALSE_ALARM}, ${D}))`, () => {
    const rows = 20000;
    const { aT, uT } = grid(rows, 2);
    const mean = tf.tidy(() => tf.mean(stochasticTimesSmooth(aT, uT), 0).dataSync());
    const bound = zBound(FALSE_ALARM, D);
    A.forEach((ai, j) => {
      const s = sigmoid(ai);
      // h = sqrt(s) with probability sqrt(s): E[h²] = s^{3/2}, Var h = s^{3/2} − s².
      const se = Math.sqrt((s ** 1.5 - s * s) / rows);
      const z = (mean[j] - s) / se;
      assert.ok(Math.abs(z) < bound, `a = ${ai}: mean ${mean[j]} vs σ(a) ${s} (z ${z.toFixed(2)})`);
    });
    tf.dispose([aT, uT]);
  });

  test("the gradient is b · ∂sqrt(σ(a))/∂a = b · sqrt(σ(a))(1 − σ(a))/2, b the op's own sample", () => {
    const rows = 40;
    const { a, aT, uT } = grid(rows, 3);
    const wValues = uniformArray(rows * D, 4).map((v) => 4 * v - 2);
    const w = tf.tensor2d(wValues, [rows, D]);
    const { h, g } = valueAndGradient((x) => stochasticTimesSmooth(x, uT), aT, w);
    let open = 0;
    g.forEach((gi, i) => {
      const b = h[i] > 0 ? 1 : 0;
      open += b;
      const s = sigmoid(a[i]);
      const expected = (wValues[i] * b * Math.sqrt(s) * (1 - s)) / 2;
      assert.ok(Math.abs(gi - expected) < 1e-6, `entry ${i}: ${gi} vs ${expected}`);
    });
    assert.ok(open > 0 && open < rows * D, 'the grid has both open and closed units');
    tf.dispose([aT, uT, w]);
  });
});

describe('gating units: noisy rectifier', () => {
  test('h = max(0, a + s·Φ^{-1}(u)): non-negative, exact zeros, gradient 1[a + ε > 0]', () => {
    const rows = 40;
    const s = 0.7;
    const { a, u, aT, uT } = grid(rows, 5);
    const wValues = uniformArray(rows * D, 6).map((v) => 4 * v - 2);
    const w = tf.tensor2d(wValues, [rows, D]);
    const { h, g } = valueAndGradient((x) => noisyRectifier(x, uT, { noise: s }), aT, w);
    let zeros = 0;
    h.forEach((hi, i) => {
      const pre = a[i] + s * normalQuantile(u[i]);
      assert.ok(hi >= 0, `entry ${i} is negative`);
      assert.ok(Math.abs(hi - Math.max(0, pre)) < 1e-4, `entry ${i}: ${hi} vs max(0, ${pre})`);
      if (Math.abs(pre) > 1e-4) {
        assert.equal(hi === 0, pre < 0, `entry ${i}: an exact zero iff a + ε < 0`);
        assert.ok(Math.abs(g[i] - (pre > 0 ? wValues[i] : 0)) < 1e-6, `gradient ${i}: ${g[i]}`);
      }
      if (hi === 0) zeros++;
    });
    assert.ok(zeros > 0 && zeros < rows * D, `${zeros} exact zeros`);
    tf.dispose([aT, uT, w]);
  });

  test('the default noise is s = 1 and s = 0 is the plain rectifier', () => {
    const { a, u, aT, uT } = grid(5, 7);
    const standard = tf.tidy(() => noisyRectifier(aT, uT).dataSync());
    standard.forEach((hi, i) =>
      assert.ok(Math.abs(hi - Math.max(0, a[i] + normalQuantile(u[i]))) < 1e-4, `entry ${i}`),
    );
    const plain = tf.tidy(() => noisyRectifier(aT, uT, { noise: 0 }).dataSync());
    plain.forEach((hi, i) => assert.equal(hi, Math.max(0, a[i])));
    assert.throws(
      () => noisyRectifier(aT, uT, { noise: -1 }),
      (e: Error) => e instanceof ArgumentError && /settings\.noise/.test(e.message),
    );
    const rectifier = tf.tidy(() =>
      lookupUnit('rectifier')(aT, uT, { temperature: 0.5, slope: 1, noise: 3 } as never).dataSync(),
    );
    rectifier.forEach((hi, i) =>
      assert.equal(hi, Math.max(0, a[i]), `rectifier ignores the noise setting, entry ${i}`),
    );
    tf.dispose([aT, uT]);
  });
});

describe('gating units: registry', () => {
  test('both unit types by name; unknown names list the valid ones; no tensors left behind', () => {
    assert.deepEqual(UNIT_NAMES, ['sts', 'noisy-rectifier', 'rectifier']);
    assert.throws(
      () => lookupUnit('relu'),
      (e: Error) => e instanceof ArgumentError && /sts, noisy-rectifier, rectifier/.test(e.message),
    );
    const { aT, uT } = grid(3, 8);
    const before = tf.memory().numTensors;
    for (const name of UNIT_NAMES) {
      const op = lookupUnit(name);
      op(aT, uT, { temperature: 0.5, slope: 1 }).dispose();
      // Not inside tf.tidy: tfjs 4.22 leaves one tensor behind for every tf.grad run inside a tidy.
      tf.grad((x: tf.Tensor) => tf.sum(op(x as tf.Tensor2D, uT, { temperature: 0.5, slope: 1 })))(aT).dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([aT, uT]);
  });
});
