/** curvatureSweep: MuProp is exact on linear f, unbiased on curved f, and beats REINFORCE near linear. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError, exactGradient, tf, zBound } from '../src';
import { curvatureObjective, curvatureSweep } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

const base = { weights: [1, -2, 0.5, 1.5], offset: 0.7, logits: [0.3, -0.8, 1.2, 0], samples: 4000, seed: 5 };

test('curvatureObjective evaluates a (wᵀz − c)^2 + (1 − a) wᵀz row by row', () => {
  const f = curvatureObjective(0.25, [1, 2], 0.5);
  const values = tf.tidy(() =>
    Array.from(
      f(
        tf.tensor2d([
          [0, 0],
          [1, 1],
          [0, 1],
        ]),
      ).dataSync(),
    ),
  );
  const expected = [0, 3, 2].map((s) => 0.25 * (s - 0.5) ** 2 + 0.75 * s);
  values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${v} vs ${expected[i]}`));
});

test('MuProp is the exact gradient on linear f and unbiased on curved f', () => {
  const before = tf.memory().numTensors;
  const rows = curvatureSweep({ ...base, curvatures: [0, 0.5, 1] });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(rows.length, 9);
  const muprop = rows.filter((r) => r.estimator === 'muprop');
  // a = 0: the residual f − Taylor vanishes, only float32 round-off remains.
  assert.ok(muprop[0].totalVariance < 1e-10 * muprop[0].exactNormSquared, `variance ${muprop[0].totalVariance}`);
  const bound = zBound(1e-3, rows.length * base.weights.length);
  for (const row of rows.filter((r) => r.a > 0)) {
    assert.ok(row.maxAbsZ !== null && row.maxAbsZ < bound, `${row.estimator} at a = ${row.a}: |z| = ${row.maxAbsZ}`);
  }
});

test('MuProp removes more of the variance the closer f is to linear', () => {
  const rows = curvatureSweep({ ...base, curvatures: [0.1, 1] });
  const variance = (a: number, name: string) => rows.find((r) => r.a === a && r.estimator === name)!.totalVariance;
  const ratioNearLinear = variance(0.1, 'muprop') / variance(0.1, 'reinforce');
  const ratioCurved = variance(1, 'muprop') / variance(1, 'reinforce');
  assert.ok(ratioNearLinear < 0.1, `near-linear ratio ${ratioNearLinear}`);
  assert.ok(ratioNearLinear < ratioCurved, `${ratioNearLinear} vs ${ratioCurved}`);
});

test("the exact gradient of the family matches enumeration at a = 0 (c_i σ'(φ_i) times w_i)", () => {
  const logits = tf.tensor1d(base.logits);
  const exactTensor = exactGradient(curvatureObjective(0, base.weights, base.offset), logits);
  const exact = Array.from(exactTensor.dataSync());
  tf.dispose([logits, exactTensor]);
  base.logits.forEach((phi, i) => {
    const s = 1 / (1 + Math.exp(-phi));
    assert.ok(Math.abs(exact[i] - base.weights[i] * s * (1 - s)) < 1e-6);
  });
});

test('curvatureSweep rejects bad input with ArgumentError', () => {
  assert.throws(() => curvatureSweep({ ...base, curvatures: [] }), ArgumentError);
  assert.throws(() => curvatureSweep({ ...base, curvatures: [1.5] }), /curvatures\[0\]/);
  assert.throws(() => curvatureSweep({ ...base, curvatures: [0], logits: [0] }), /config.logits/);
  assert.throws(() => curvatureSweep({ ...base, curvatures: [0], samples: 1 }), /config.samples/);
  assert.throws(() => curvatureSweep({ ...base, curvatures: [0], estimators: ['nope' as never] }), /estimators\[0\]/);
  assert.throws(() => curvatureObjective(0.5, [Number.NaN], 0), /weights\[0\]/);
});
