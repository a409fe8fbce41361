/**
 * The verdict rule (claim-tests.ts): the sign test and Holm's correction against hand-computed
 * values, the four findings, and the tail means of a history.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError, claimFromResults, holm, loadResults, signTest, tailMeans, testClaims } from '../src';

describe('claim tests', () => {
  test('sign test: exact two-sided binomial p', () => {
    assert.equal(signTest(5, 0), 2 / 32);
    assert.equal(signTest(3, 0), 2 / 8);
    assert.ok(Math.abs(signTest(4, 1)! - (2 * 6) / 32) < 1e-12);
    assert.equal(signTest(2, 2), 1);
    assert.equal(signTest(0, 0), null);
  });

  test('Holm: step-down, monotone, nulls kept', () => {
    const adjusted = holm([0.01, 0.04, null, 0.03]);
    assert.deepEqual(
      adjusted.map((p) => (p === null ? null : Number(p.toFixed(10)))),
      [0.03, 0.06, null, 0.06],
    );
  });

  test('the four findings', () => {
    const results = testClaims([
      { claim: 'A > B, clearly', differences: [1.1, 0.9, 1.2, 1.0, 0.8], expected: 1 },
      { claim: 'A > B, but B wins', differences: [-1.1, -0.9, -1.2, -1.0, -0.8], expected: 1 },
      { claim: 'A > B, noise', differences: [0.5, -0.4, 0.3, -0.6, 0.1], expected: 1 },
      { claim: 'one seed', differences: [2], expected: 1 },
      {
        claim: 'at 10^6 steps',
        differences: [1, 1, 1],
        expected: 1,
        untestable: 'the paper trains 10^6 steps, we 10^5',
      },
    ]);
    assert.deepEqual(
      results.map((r) => r.finding),
      ['reproduced', 'not reproduced', 'within noise', 'not testable at this budget', 'not testable at this budget'],
    );
    assert.equal(results[0].pSign, 2 / 32);
    assert.ok(results[0].pHolm! >= results[0].p!);
    assert.equal(results[4].reason, 'the paper trains 10^6 steps, we 10^5');
  });

  test('Holm decides: a claim significant alone is within noise among many', () => {
    const alone = testClaims([{ claim: 'x', differences: [0.3, 0.5, 0.1, 0.4], expected: 1 }]);
    const crowd = testClaims([
      { claim: 'x', differences: [0.3, 0.5, 0.1, 0.4], expected: 1 },
      ...Array.from({ length: 9 }, (_, k) => ({
        claim: `noise ${k}`,
        differences: [0.1, -0.1, 0.2, -0.3],
        expected: 1 as const,
      })),
    ]);
    assert.equal(alone[0].finding, 'reproduced');
    assert.equal(crowd[0].finding, 'within noise');
  });

  test('tail means: the last five evaluations of each run', () => {
    const rows = [0, 1, 2, 3, 4, 5, 6].flatMap((k) => [
      { index: 0, step: k * 1000, elbo: k },
      { index: 1, step: k * 1000, elbo: 10 * k },
    ]);
    const means = tailMeans(rows, { metric: 'elbo' });
    assert.deepEqual(
      means.map((m) => m.value),
      [4, 40],
    );
    assert.deepEqual(means[0].points, [2000, 3000, 4000, 5000, 6000]);
    assert.throws(
      () => testClaims([{ claim: 'bad', differences: [NaN], expected: 1 }]),
      (e: unknown) => e instanceof ArgumentError && /differences/.test(e.message),
    );
  });

  test('claims from shipped results: per-seed differences of the last five evaluations, or of a final number', () => {
    const linear = loadResults('vae-fashion-linear');
    const claim = claimFromResults(linear, {
      claim: 'DisARM ELBO > ARM',
      metric: 'elbo',
      a: 'disarm',
      b: 'arm',
      expected: 1,
    });
    const seeds = [...new Set(linear.results.map((r) => r.seed))];
    assert.equal(claim.differences.length, seeds.length);
    const tail = (estimator: string, seed: unknown) => {
      const rows = linear.history
        .filter((r) => r.estimators === estimator && r.seed === seed)
        .sort((x, y) => (x.step as number) - (y.step as number));
      return rows.slice(-5).reduce((sum, r) => sum + (r.elbo as number), 0) / 5;
    };
    const first = [...seeds].sort()[0];
    assert.ok(Math.abs(claim.differences[0] - (tail('disarm', first) - tail('arm', first))) < 1e-9);
    const final = claimFromResults(linear, {
      claim: 'test bound',
      metric: 'testBound',
      a: 'disarm',
      b: 'arm',
      expected: 1,
      reading: 'final',
    });
    const bound = (estimator: string) =>
      linear.results.find((r) => r.estimators === estimator && r.seed === first)!.testBound as number;
    assert.ok(Math.abs(final.differences[0] - (bound('disarm') - bound('arm'))) < 1e-9);
    assert.throws(
      () => claimFromResults(linear, { claim: 'x', metric: 'elbo', a: 'nvil', b: 'arm', expected: 1 }),
      (e: unknown) => e instanceof ArgumentError && /nvil/.test(e.message),
    );
  });
});
