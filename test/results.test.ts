/**
 * The papers' results as data: paired differences over seeds, loadResults over a sweep's merged
 * files laid out as data/results/<plan>/, and replays of a run's first evaluations.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ArgumentError, csvRows, loadResults, pairedDifferences, replayRun, shippedResults } from '../src';
import { setupBackend } from './support';
import { removeTempDirs, stochgrad, tempDir, writePlan } from './sweep-support';

before(setupBackend);
after(removeTempDirs);

describe('results: pairedDifferences', () => {
  const rows = [
    { estimators: 'disarm', seed: 1, step: 0, elbo: -500 },
    { estimators: 'arm', seed: 1, step: 0, elbo: -500 },
    { estimators: 'disarm', seed: 2, step: 0, elbo: -510 },
    { estimators: 'arm', seed: 2, step: 0, elbo: -510 },
    { estimators: 'disarm', seed: 1, step: 10, elbo: -300 },
    { estimators: 'arm', seed: 1, step: 10, elbo: -301 },
    { estimators: 'disarm', seed: 2, step: 10, elbo: -310 },
    { estimators: 'arm', seed: 2, step: 10, elbo: -313 },
    { estimators: 'disarm', seed: 3, step: 10, elbo: -305 },
    { estimators: 'st', seed: 3, step: 10, elbo: -290 },
  ];

  test('per x: the differences of the seeds present on both sides, their mean and standard error', () => {
    const gap = pairedDifferences(rows, { metric: 'elbo', by: 'estimators', a: 'disarm', b: 'arm' });
    assert.deepEqual(
      gap.map((g) => g.x),
      [0, 10],
    );
    assert.deepEqual(gap[0], {
      x: 0,
      n: 2,
      mean: 0,
      se: 0,
      differences: [
        { pair: '1', difference: 0 },
        { pair: '2', difference: 0 },
      ],
    });
    // seed 3 has no ARM run: left out. Differences 1 and 3: mean 2, sd √2, se √2/√2 = 1.
    assert.equal(gap[1].n, 2);
    assert.equal(gap[1].mean, 2);
    assert.ok(Math.abs(gap[1].se! - 1) < 1e-12);
  });

  test('compare: ratio gives A / B per pair', () => {
    const variances = [
      { estimators: 'disarm', seed: 1, step: 5, v: 2 },
      { estimators: 'arm', seed: 1, step: 5, v: 4 },
      { estimators: 'disarm', seed: 2, step: 5, v: 3 },
      { estimators: 'arm', seed: 2, step: 5, v: 4 },
    ];
    const [ratio] = pairedDifferences(variances, {
      metric: 'v',
      by: 'estimators',
      a: 'disarm',
      b: 'arm',
      compare: 'ratio',
    });
    assert.deepEqual(
      ratio.differences.map((d) => d.difference),
      [0.5, 0.75],
    );
    assert.equal(ratio.mean, 0.625);
    assert.throws(
      () =>
        pairedDifferences(variances, {
          metric: 'v',
          by: 'estimators',
          a: 'disarm',
          b: 'arm',
          compare: 'quotient' as never,
        }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.compare',
    );
  });

  test('rows without the x column form one point (e.g. the summary rows of results.csv)', () => {
    const summary = [
      { estimators: 'disarm', seed: 1, testBound: -250 },
      { estimators: 'arm', seed: 1, testBound: -251.5 },
    ];
    const [gap] = pairedDifferences(summary, { metric: 'testBound', by: 'estimators', a: 'disarm', b: 'arm' });
    assert.equal(gap.x, null);
    assert.equal(gap.mean, 1.5);
    assert.equal(gap.se, null);
  });

  test('where narrows the rows; two rows for one (x, seed) are an error naming options.where', () => {
    const withKind = [
      ...rows.map((r) => ({ ...r, kind: 'linear' })),
      { estimators: 'arm', seed: 1, step: 10, elbo: -200, kind: 'nonlinear' },
    ];
    assert.equal(
      pairedDifferences(withKind, {
        metric: 'elbo',
        by: 'estimators',
        a: 'disarm',
        b: 'arm',
        where: { kind: 'linear' },
      })[1].mean,
      2,
    );
    assert.throws(
      () => pairedDifferences(withKind, { metric: 'elbo', by: 'estimators', a: 'disarm', b: 'arm' }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.where',
    );
  });

  test('bad input names the argument', () => {
    const bad = (options: object, argument: string) =>
      assert.throws(
        () => pairedDifferences(rows, options as never),
        (e: unknown) => e instanceof ArgumentError && e.argument === argument,
      );
    bad({ by: 'estimators', a: 'disarm', b: 'arm' }, 'options.metric');
    bad({ metric: 'elbo', by: 'estimators', a: 'disarm', b: 'disarm' }, 'options.b');
    bad({ metric: 'elbo', by: 'estimators', a: 'rebar', b: 'arm' }, 'options.a');
    assert.throws(
      () => pairedDifferences('rows' as never, { metric: 'elbo', by: 'estimators', a: 'x', b: 'y' }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'rows',
    );
  });
});

describe('results: loadResults and replayRun', () => {
  let root = '';
  const plan = {
    name: 'toy-small',
    about: 'a small toy plan for the tests',
    task: 'toy',
    base: { steps: 40, 'eval-every': 20, p0: 0.49 },
    grid: { estimators: ['arm', 'disarm'], seed: [1, 2] },
  };

  before(() => {
    const work = tempDir('stochgrad-results-');
    const planFile = writePlan(work, plan, 'toy-small');
    const out = path.join(work, 'sweep');
    const run = stochgrad('sweep', planFile, '--out', out, '--workers', '1');
    assert.equal(run.status, 0, run.stderr);
    root = path.join(work, 'results');
    const ship = path.join(root, 'toy-small');
    fs.mkdirSync(ship, { recursive: true });
    fs.copyFileSync(planFile, path.join(ship, 'plan.json'));
    for (const file of ['results.json', 'results.csv', 'history.csv'])
      fs.copyFileSync(path.join(out, file), path.join(ship, file));
    fs.writeFileSync(
      path.join(ship, 'manifest.json'),
      JSON.stringify({ plan: 'toy-small', command: 'test', commit: 'none' }),
    );
  });

  test('reads the plan, manifest, runs and rows, numbers as numbers and empty cells as null', () => {
    assert.deepEqual(shippedResults(root), ['toy-small']);
    const results = loadResults('toy-small', { dir: root });
    assert.equal(results.plan.task, 'toy');
    assert.deepEqual(results.plan.grid, plan.grid);
    assert.equal(results.manifest.commit, 'none');
    assert.equal(results.runs.length, 4);
    assert.ok(results.runs.every((run) => run.status === 'done'));
    assert.equal(results.results.length, 4);
    assert.equal(results.history.length, 4 * 3);
    const first = results.history[0];
    assert.deepEqual([first.index, first.estimators, first.seed, first.step], [0, 'arm', 1, 0]);
    assert.equal(first.trainObjective, null);
    assert.equal(typeof results.history[1].probability, 'number');
    assert.equal(results.frame?.shape[0], 12);
  });

  test('csvRows keeps text that is not a number, and NaN/Infinity as numbers', () => {
    assert.deepEqual(csvRows('a,b,c,d\n1e-3,x,,-Infinity\n'), [{ a: 0.001, b: 'x', c: null, d: -Infinity }]);
  });

  test('unknown names and missing files are errors naming the argument and what is there', () => {
    assert.throws(() => loadResults('nope', { dir: root }), /no shipped results named "nope".*there are: toy-small/);
    assert.throws(
      () => loadResults('../x', { dir: root }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'name',
    );
    const broken = path.join(root, 'broken');
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'results.json'), '{"runs": []}');
    assert.throws(() => loadResults('broken', { dir: root }), /plan\.json is missing/);
    fs.rmSync(broken, { recursive: true });
  });

  test('a replay of the first two evaluations equals the shipped rows bit for bit', async () => {
    const results = loadResults('toy-small', { dir: root });
    const replay = await replayRun(results, { index: 3 });
    assert.equal(replay.steps, 20);
    assert.deepEqual(replay.compared, [0, 20]);
    assert.ok(replay.rows.length >= 4);
    assert.equal(replay.maxDifference, 0);
    assert.ok(replay.ok);
  });

  test('a replay catches rows that do not come from this code', async () => {
    const results = loadResults('toy-small', { dir: root });
    const tampered = {
      ...results,
      history: results.history.map((row) =>
        row.index === 1 && row.step === 20 ? { ...row, probability: (row.probability as number) + 1e-3 } : row,
      ),
    };
    const replay = await replayRun(tampered, { index: 1 });
    assert.equal(replay.ok, false);
    const bad = replay.rows.filter((row) => !row.ok);
    assert.deepEqual(
      bad.map((row) => [row.step, row.metric]),
      [[20, 'probability']],
    );
  });

  test('replay options are checked', async () => {
    const results = loadResults('toy-small', { dir: root });
    await assert.rejects(
      replayRun(results, { index: 9 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.index',
    );
    await assert.rejects(
      replayRun(results, { index: 0, evaluations: 4 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.evaluations',
    );
    await assert.rejects(
      replayRun(results, { index: 0, evaluations: 0 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.evaluations',
    );
  });
});
