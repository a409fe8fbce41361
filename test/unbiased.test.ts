/**
 * Every unbiased estimator agrees with exact enumeration on four problems, within a z-score
 * bound set for a 0.1% false-alarm rate over all coordinates tested (Bonferroni), fixed seeds.
 * The same check must flag the biased estimators, or it would prove nothing.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { zBound } from '../src';
import { applies, BIASED, measure, nonlinear, PROBLEMS, setupBackend, UNBIASED } from './support';

const SAMPLES = 20000;
const FALSE_ALARM = 1e-3;
const COORDINATES = PROBLEMS.reduce(
  (sum, p) => sum + UNBIASED.filter((name) => applies(name, p)).length * p.logits.length,
  0,
);
const BOUND = zBound(FALSE_ALARM, COORDINATES);

before(setupBackend);

describe(`unbiased estimators match the exact gradient (|z| < ${BOUND.toFixed(2)})`, () => {
  for (const problem of PROBLEMS) {
    for (const name of UNBIASED.filter((n) => applies(n, problem))) {
      test(`${name} on ${problem.name}`, () => {
        const stats = measure(name, problem, { samples: SAMPLES, seed: 2024 });
        const detail = `mean ${stats.mean.map((x) => x.toPrecision(4))} vs exact ${stats.exact!.map((x) => x.toPrecision(4))}, z ${stats.zScores!.map((x) => x.toFixed(2))}`;
        assert.ok(stats.maxAbsZ! < BOUND, detail);
      });
    }
  }
});

describe('the z-test has power: it flags the biased estimators on a nonlinear f', () => {
  for (const name of BIASED) {
    test(`${name} is detected as biased`, () => {
      const stats = measure(name, nonlinear, { samples: SAMPLES, seed: 2024 });
      assert.ok(stats.maxAbsZ! > BOUND, `max |z| = ${stats.maxAbsZ} should exceed ${BOUND}`);
      assert.ok(stats.biasNorm! > 0.01, `bias norm ${stats.biasNorm}`);
    });
  }
});
