/** Final tables of a grid of runs: groupSummary, bestOfGroups, sustainedFrom. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentError, bestOfGroups, groupSummary, studentTCdf, studentTQuantile, sustainedFrom } from '../src';

const rows = [
  { estimators: 'arm', lr: 0.001, seed: 1, validNll: 70, testNll: 71 },
  { estimators: 'arm', lr: 0.001, seed: 2, validNll: 72, testNll: 73 },
  { estimators: 'arm', lr: 0.0001, seed: 1, validNll: 65, testNll: 66 },
  { estimators: 'st', lr: 0.001, seed: 1, validNll: 60, testNll: '' },
  { estimators: 'st', lr: 0.0001, seed: 1, validNll: '61.5', testNll: 62 },
  { estimators: 'rebar', lr: 0.001, seed: 1, validNll: null, testNll: 80 },
];

describe('group summary', () => {
  test('groupSummary: mean ± se per group over the finite values, groups in order of appearance', () => {
    const summary = groupSummary(rows, { by: ['estimators', 'lr'], metrics: ['testNll'] });
    assert.deepEqual(
      summary.map((g) => g.name),
      [
        'estimators=arm, lr=0.001',
        'estimators=arm, lr=0.0001',
        'estimators=st, lr=0.001',
        'estimators=st, lr=0.0001',
        'estimators=rebar, lr=0.001',
      ],
    );
    assert.deepEqual(summary[0].metrics.testNll, { n: 2, mean: 72, se: 1 });
    assert.deepEqual(summary[2].metrics.testNll, { n: 0, mean: null, se: null });
    const arm = groupSummary(rows, { by: ['estimators'], metrics: ['validNll'], where: { lr: 0.001 } });
    assert.deepEqual(
      arm.map((g) => [g.name, g.metrics.validNll.n]),
      [
        ['arm', 2],
        ['st', 1],
        ['rebar', 0],
      ],
    );
  });

  test('bestOfGroups: the row with the lowest (or highest) metric per group; strings holding numbers count', () => {
    assert.deepEqual(bestOfGroups(rows, { by: ['estimators'], metric: 'validNll', mode: 'min' }), [rows[2], rows[3]]);
    assert.deepEqual(bestOfGroups(rows, { by: ['estimators'], metric: 'validNll', mode: 'max' }), [rows[1], rows[4]]);
  });

  test('sustainedFrom: the first x from which the condition holds to the end', () => {
    const points = [
      { x: 0, mean: 3 },
      { x: 10, mean: -1 },
      { x: 20, mean: 2 },
      { x: 30, mean: -0.5 },
      { x: 40, mean: null },
      { x: 50, mean: -2 },
    ];
    assert.equal(
      sustainedFrom(points, (d) => d < 0),
      30,
    );
    assert.equal(
      sustainedFrom(points, (d) => d > 0),
      null,
    );
    assert.equal(
      sustainedFrom(points, () => true),
      0,
    );
    assert.equal(
      sustainedFrom([], () => true),
      null,
    );
  });

  test('bad input names the argument', () => {
    const named = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.argument === argument;
    assert.throws(() => groupSummary('x' as never, { by: ['a'], metrics: ['b'] }), named('rows'));
    assert.throws(() => groupSummary(rows, { by: 'estimators' as never, metrics: ['b'] }), named('options.by'));
    assert.throws(
      () => bestOfGroups(rows, { by: ['estimators'], metric: 'validNll', mode: 'least' as never }),
      named('options.mode'),
    );
    assert.throws(() => bestOfGroups(rows, { by: ['estimators'], metric: '', mode: 'min' }), named('options.metric'));
    assert.throws(() => sustainedFrom('x' as never, () => true), named('points'));
  });
});

describe('student t', () => {
  test('studentTQuantile and studentTCdf agree with tabulated values', () => {
    // Tabulated t quantiles (e.g. Abramowitz & Stegun, Table 26.10).
    const table: [number, number, number][] = [
      [0.975, 1, 12.706205],
      [0.975, 2, 4.302653],
      [0.95, 2, 2.919986],
      [0.975, 10, 2.228139],
      [0.995, 4, 4.604095],
      [0.9995, 2, 31.599055],
    ];
    for (const [p, dof, t] of table) {
      assert.ok(
        Math.abs(studentTQuantile(p, dof) - t) < 1e-5 * t,
        `t(${p}, ${dof}) = ${studentTQuantile(p, dof)}, expected ${t}`,
      );
      assert.ok(Math.abs(studentTCdf(t, dof) - p) < 1e-7);
      assert.ok(Math.abs(studentTCdf(-t, dof) - (1 - p)) < 1e-7);
    }
    assert.equal(studentTCdf(0, 3), 0.5);
    assert.ok(Math.abs(studentTQuantile(0.975, 1e6) - 1.959966) < 1e-4, 'tends to the normal');
    assert.equal(studentTQuantile(0.025, 2), -studentTQuantile(0.975, 2));
    assert.throws(
      () => studentTQuantile(1, 2),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'p',
    );
    assert.throws(
      () => studentTCdf(1, 0),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'dof',
    );
  });
});
