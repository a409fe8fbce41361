/**
 * Closed forms of the conditional-computation units (src/models/unit-moments.ts) and the normal
 * CDF behind them, against Monte Carlo averages of the unit ops themselves (values and gradients,
 * through `sampleUnit`).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, normalQuantile, zBound } from '../src';
import { unitMoments, type UnitMoments } from '../src/models/unit-moments';
import { sampleUnit, type UnitSample } from '../src/lab/unit-samples';
import { normalCdf } from '../src/core/normal';
import { setupBackend } from './support';

before(setupBackend);

const A = [-2, -0.5, 0, 1, 3];
const ROWS = 40000;
const FALSE_ALARM = 1e-3;

function checkAgainst(name: 'sts' | 'noisy-rectifier' | 'rectifier', noise?: number) {
  const measured = sampleUnit(name, A, { samples: ROWS, seed: 5, ...(noise === undefined ? {} : { noise }) });
  const bound = zBound(FALSE_ALARM, 3 * A.length);
  const checks: [keyof UnitSample, keyof UnitMoments][] = [
    ['value', 'mean'],
    ['slope', 'surrogateSlope'],
    ['zero', 'zeroProbability'],
  ];
  for (const [what, formula] of checks) {
    measured.forEach((row) => {
      const want = unitMoments(name, row.a, noise === undefined ? {} : { noise })[formula];
      const { mean, se } = row[what] as { mean: number; se: number };
      if (se === 0) assert.ok(Math.abs(mean - want) < 1e-6, `${name} ${what} at a = ${row.a}: ${mean} vs ${want}`);
      else
        assert.ok(Math.abs(mean - want) / se < bound, `${name} ${what} at a = ${row.a}: ${mean} vs ${want} (se ${se})`);
    });
  }
}

describe('normalCdf', () => {
  test('inverts normalQuantile and is symmetric', () => {
    for (const p of [1e-6, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999]) {
      assert.ok(
        Math.abs(normalCdf(normalQuantile(p)) - p) < 2e-7 * Math.max(p, 1e-3),
        `p = ${p}: ${normalCdf(normalQuantile(p))}`,
      );
    }
    for (const x of [0.3, 1.7, 4]) assert.ok(Math.abs(normalCdf(x) + normalCdf(-x) - 1) < 1e-12);
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.throws(() => normalCdf(NaN), RangeError);
  });
});

describe('unitMoments: closed forms of the unit types', () => {
  test('sts: E[h] = σ(a), P(h = 0) = 1 − sqrt(σ(a)), backward averages to σ(1 − σ)/2 — against the op', () => {
    checkAgainst('sts');
    for (const a of A) {
      const m = unitMoments('sts', a);
      assert.ok(Math.abs(m.surrogateSlope - m.meanSlope / 2) < 1e-15, 'STS propagates half the slope of E[h]');
    }
  });

  test('noisy rectifier (s = 1 and s = 0.5): a Φ(a/s) + s φ(a/s), Φ(−a/s), slope Φ(a/s) — against the op', () => {
    checkAgainst('noisy-rectifier', 1);
    checkAgainst('noisy-rectifier', 0.5);
    checkAgainst('rectifier', 0.5);
    for (const a of A) {
      const m = unitMoments('noisy-rectifier', a, { noise: 0.7 });
      assert.equal(m.surrogateSlope, m.meanSlope, 'reparameterisation is exact');
      const step = 1e-4;
      const numeric =
        (unitMoments('noisy-rectifier', a + step, { noise: 0.7 }).mean -
          unitMoments('noisy-rectifier', a - step, { noise: 0.7 }).mean) /
        (2 * step);
      assert.ok(Math.abs(numeric - m.meanSlope) < 1e-5, `dE[h]/da at ${a}: ${numeric} vs ${m.meanSlope}`);
    }
  });

  test('s = 0 is the plain rectifier; the default s is 1; bad input names the argument', () => {
    assert.deepEqual(unitMoments('noisy-rectifier', 2, { noise: 0 }), {
      mean: 2,
      zeroProbability: 0,
      meanSlope: 1,
      surrogateSlope: 1,
    });
    assert.deepEqual(unitMoments('noisy-rectifier', -1, { noise: 0 }), {
      mean: 0,
      zeroProbability: 1,
      meanSlope: 0,
      surrogateSlope: 0,
    });
    assert.deepEqual(unitMoments('noisy-rectifier', 0.4), unitMoments('noisy-rectifier', 0.4, { noise: 1 }));
    for (const a of [-1, 2])
      assert.deepEqual(
        unitMoments('rectifier', a, { noise: 0.7 }),
        unitMoments('noisy-rectifier', a, { noise: 0 }),
        'rectifier: s = 0 always',
      );
    assert.throws(
      () => unitMoments('relu' as never, 0),
      (e: Error) => e instanceof ArgumentError && /sts, noisy-rectifier/.test(e.message),
    );
    assert.throws(
      () => unitMoments('sts', NaN),
      (e: Error) => e instanceof ArgumentError && /\ba\b/.test(e.message),
    );
    assert.throws(
      () => unitMoments('noisy-rectifier', 0, { noise: -1 }),
      (e: Error) => e instanceof ArgumentError && /settings\.noise/.test(e.message),
    );
  });
});

describe('sampleUnit', () => {
  test('rows are independent draws: se shrinks like 1/√samples; bad input names the argument; no tensors left', () => {
    const before = tf.memory().numTensors;
    const small = sampleUnit('sts', [0.3], { samples: 1000, seed: 2 })[0];
    const large = sampleUnit('sts', [0.3], { samples: 16000, seed: 3 })[0];
    const ratio = small.value.se / large.value.se;
    assert.ok(ratio > 3.4 && ratio < 4.6, `se ratio ${ratio}, expected about 4`);
    assert.equal(tf.memory().numTensors, before);
    assert.throws(
      () => sampleUnit('relu' as never, [0], { samples: 10, seed: 1 }),
      (e: Error) => e instanceof ArgumentError && /name/.test(e.message),
    );
    assert.throws(
      () => sampleUnit('sts', [], { samples: 10, seed: 1 }),
      (e: Error) => e instanceof ArgumentError && /\ba\b/.test(e.message),
    );
    assert.throws(
      () => sampleUnit('sts', [0], { samples: 1, seed: 1 }),
      (e: Error) => e instanceof ArgumentError && /options\.samples/.test(e.message),
    );
    assert.throws(
      () => sampleUnit('noisy-rectifier', [0], { samples: 10, seed: 1, noise: -1 }),
      (e: Error) => e instanceof ArgumentError && /noise/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, before);
  });
});
