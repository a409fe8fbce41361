/** gradientStats and the normal quantiles on hand-computed cases. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError, gradientStats, normalQuantile, zBound } from '../src';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('normalQuantile matches tabulated values', () => {
  close(normalQuantile(0.5), 0);
  close(normalQuantile(0.975), 1.959963985, 1e-8);
  close(normalQuantile(0.001), -3.090232306, 1e-8);
  close(normalQuantile(1 - 1e-7), 5.199337582, 1e-7);
  assert.throws(() => normalQuantile(1), RangeError);
});

test('zBound is the Bonferroni two-sided bound', () => {
  close(zBound(0.05, 1), 1.959963985, 1e-8);
  close(zBound(0.05, 10), normalQuantile(1 - 0.0025), 1e-12);
});

test('gradientStats on a hand-computed 4 × 2 sample', () => {
  const rows = [
    [1, 0],
    [3, 0],
    [1, 2],
    [3, 2],
  ];
  const stats = gradientStats(rows, [2, 2]);
  assert.deepEqual(stats.mean, [2, 1]);
  close(stats.variance[0], 4 / 3);
  close(stats.variance[1], 4 / 3);
  close(stats.totalVariance, 8 / 3);
  close(stats.standardError[0], Math.sqrt(4 / 3) / 2);
  close(stats.snr[0], 2 / Math.sqrt(4 / 3));
  assert.deepEqual(stats.bias, [0, -1]);
  close(stats.biasNorm!, 1);
  close(stats.zScores![1], -1 / (Math.sqrt(4 / 3) / 2));
  close(stats.cosine!, (2 * 2 + 1 * 2) / (Math.sqrt(5) * Math.sqrt(8)));
  const cos = (r: number[]) => (r[0] * 2 + r[1] * 2) / (Math.hypot(...r) * Math.hypot(2, 2));
  close(stats.sampleCosine!, rows.map(cos).reduce((a, b) => a + b) / 4);
});

test('gradientStats rejects ragged rows, NaN estimates and a mismatched exact', () => {
  assert.throws(() => gradientStats([[1, 2], [1]]), ArgumentError);
  assert.throws(() => gradientStats([[NaN]]), /perSample.*finite/);
  assert.throws(() => gradientStats([[1, 2]], [1]), /exact.*\[2\]/);
});
