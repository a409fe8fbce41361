/**
 * ARM against DisARM over the number of units (src/lab/antithetic-sweep.ts): the measured fraction
 * of non-zero coordinates matches the exact one within its binomial standard error, DisARM's
 * fraction stays below its own pair's chance while ARM's grows with d, and DisARM's variance is
 * never above ARM's.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError, zBound } from '../src';
import { antitheticSweep } from '../src/lab/antithetic-sweep';
import { setupBackend } from './support';

before(setupBackend);

test('antithetic sweep: non-zero fractions as the formulas say, DisARM never noisier than ARM', () => {
  const samples = 4000;
  const rows = antitheticSweep({ ds: [1, 2, 5, 20], phi: 2, samples, seed: 3 });
  assert.equal(rows.length, 8);
  const bound = zBound(1e-3, rows.length);
  for (const row of rows) {
    // The coordinates of one estimate are dependent; a row's d·samples indicators are at least as
    // informative as its `samples` estimates, so the standard error of `samples` draws is conservative.
    const se = Math.sqrt((row.nonzeroExact * (1 - row.nonzeroExact)) / samples);
    assert.ok(
      Math.abs(row.nonzero - row.nonzeroExact) < bound * Math.max(se, 1e-9),
      `${row.estimator} d=${row.d}: ${row.nonzero} vs ${row.nonzeroExact}`,
    );
  }
  const arm = rows.filter((r) => r.estimator === 'arm');
  const disarm = rows.filter((r) => r.estimator === 'disarm');
  for (let k = 1; k < arm.length; k++) assert.ok(arm[k].nonzeroExact > arm[k - 1].nonzeroExact);
  const q = 1 - 1 / (1 + Math.exp(-2));
  for (const row of disarm)
    assert.ok(row.nonzeroExact <= 2 * q + 1e-12, `DisARM d=${row.d}: at most its own pair's chance`);
  // One unit: every differing pair changes f, so both are non-zero exactly when the pair differs.
  assert.ok(Math.abs(arm[0].nonzeroExact - 2 * q) < 1e-12 && Math.abs(disarm[0].nonzeroExact - 2 * q) < 1e-12);
  arm.forEach((row, k) =>
    assert.ok(disarm[k].variance <= row.variance, `d=${row.d}: DisARM ${disarm[k].variance} > ARM ${row.variance}`),
  );
});

test('antithetic sweep: bad options are refused, naming the option', () => {
  assert.throws(
    () => antitheticSweep({ ds: [0] }),
    (e: unknown) => e instanceof ArgumentError && /options\.ds\[0\]/.test(e.message),
  );
  assert.throws(
    () => antitheticSweep({ phi: NaN }),
    (e: unknown) => e instanceof ArgumentError && /options\.phi/.test(e.message),
  );
});
