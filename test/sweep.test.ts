/**
 * `stochgrad sweep`: plans refused at the door (the key named, exit 2), run numbering, a run equal
 * bit for bit to `stochgrad train`, and the faults: a failing and a diverging run, a sweep killed
 * with SIGKILL and started again, two processes on one run. Plus the lock, the progress display,
 * the Slurm script and the report. The runs are tiny VAEs on mnist-10k and the toy.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ArgumentError } from '../src';
import { makeSweepCommand, SWEEP_OPTIONS } from '../src/cli/sweep-command';
import { exitCodeFor } from '../src/terminal/usage-error';
import { openSweep } from '../src/sweep/layout';
import { acquireLock, lockState, writeFileAtomic } from '../src/sweep/lock';
import { parseCsv } from '../src/data/csv';
import { expandPlan, parsePlan, PlanError } from '../src/sweep/plan';
import { createSweepProgress } from '../src/sweep/progress';
import { sbatchScript } from '../src/sweep/slurm';
import { PLOTLY_BUNDLE_MARKER } from '../src/viz/plotly-bundle';
import {
  CLI,
  csvWithoutSeconds,
  hasCheckpoint,
  hasRecord,
  jsonWithoutSeconds,
  mergedWithoutSeconds,
  readJson,
  referenceSweep,
  removeTempDirs,
  runDirOf,
  stochgrad,
  stochgradAsync,
  tempDir,
  waitFor,
  writePlan,
} from './sweep-support';

after(removeTempDirs);

const ISSUE_PLAN = {
  name: 'vae-fashion-linear',
  about: 'DisARM paper, linear SBN VAE on Fashion-MNIST',
  task: 'vae',
  base: { dataset: 'fashion-mnist', steps: 50000, batch: 50, lr: 1e-4, 'eval-every': 1000 },
  grid: { estimators: ['reinforce-loo', 'arm', 'disarm'], seed: [1, 2] },
};

/** A tiny VAE: 5 latent units, evaluations on 40 examples. */
const TINY_VAE = { steps: 12, 'eval-every': 4, batch: 20, latent: 5, 'eval-examples': 40, 'test-examples': 40 };

function planError(plan: unknown): PlanError {
  try {
    expandPlan(parsePlan(plan));
  } catch (error) {
    assert.ok(error instanceof PlanError, `expected a PlanError, got ${error}`);
    assert.equal(exitCodeFor(error), 2);
    return error;
  }
  assert.fail(`plan ${JSON.stringify(plan)} was accepted`);
}

test('sweep plan: every refusal names the key (PlanError, exit code 2)', () => {
  const base = { task: 'toy', grid: { estimators: ['arm', 'disarm'] } };
  const cases: [unknown, string, RegExp][] = [
    [{ ...base, bse: {} }, 'bse', /^bse: unknown plan key; valid keys are name, about, task, base, grid/],
    [{ ...base, task: 'cnn' }, 'task', /^task: expected one of vae, sop, gating, toy, got "cnn"/],
    [{ grid: base.grid }, 'task', /^task: missing/],
    [
      { ...base, base: { stpes: 10 } },
      'stpes',
      /^base\.stpes: unknown option; plan keys are stochgrad train options: estimators, dataset, steps/,
    ],
    [{ ...base, base: { out: 'x' } }, 'out', /^base\.out: is set by the sweep itself/],
    [{ ...base, grid: { ...base.grid, resume: ['x'] } }, 'resume', /^grid\.resume: is set by the sweep/],
    [{ ...base, base: { lr: -1 } }, 'lr', /^base\.lr: expects a positive number, got "-1"/],
    [{ ...base, base: { steps: 2.5 } }, 'steps', /^base\.steps: expects an integer >= 1, got "2\.5"/],
    [
      { ...base, base: { seed: 'one' } },
      'seed',
      /^base\.seed: expected a number \(integer in \[0, 4294967295\]\), got "one"/,
    ],
    [
      { ...base, base: { optimizer: 'rmsprop' } },
      'optimizer',
      /^base\.optimizer: expects one of adam, sgd, got "rmsprop"/,
    ],
    [{ ...base, grid: { ...base.grid, lr: [0.1, 0] } }, 'lr', /^grid\.lr\[1\]: expects a positive number, got "0"/],
    [
      { ...base, grid: { ...base.grid, seed: [] } },
      'seed',
      /^grid\.seed: expected a non-empty array of values, got \[\]/,
    ],
    [{ ...base, grid: { ...base.grid, seed: 3 } }, 'seed', /^grid\.seed: expected a non-empty array/],
    [{ ...base, base: { seed: 1 }, grid: { ...base.grid, seed: [1, 2] } }, 'seed', /^grid\.seed: is also in base/],
    [{ ...base, grid: { ...base.grid, seed: [1, 2, 1] } }, 'seed', /^grid\.seed\[2\]: lists 1 twice/],
    [
      { task: 'toy', base: { estimators: 'arm,disarm' } },
      'estimators',
      /^base\.estimators: a run trains one estimator/,
    ],
    [{ task: 'toy', base: { steps: 10 } }, 'estimators', /^grid\.estimators: missing/],
    [
      { ...base, grid: { estimators: ['arm', 'nope'] } },
      'estimators',
      /^grid\.estimators: run 1 \(estimators=nope\): .*unknown estimator "nope"/,
    ],
    [
      { ...base, grid: { estimators: ['reinforce-loo'] }, base: { samples: 1 } },
      'samples',
      /^base\.samples: run 0 .*reinforce-loo needs --samples >= 2/,
    ],
    [{ ...base, base: { latent: [] } }, 'latent', /^base\.latent: expected a string, a number or a non-empty array/],
    [{ ...base, name: '' }, 'name', /^name: expected a non-empty string/],
    [[1, 2], 'plan', /^plan: expected a JSON object/],
  ];
  for (const [plan, key, message] of cases) {
    const error = planError(plan);
    assert.equal(error.key, key, JSON.stringify(plan));
    assert.match(error.message, message, JSON.stringify(plan));
  }
});

test('sweep plan: runs are numbered row-major, the last grid key fastest; each run is one train command line', () => {
  const runs = expandPlan(parsePlan(ISSUE_PLAN));
  assert.deepEqual(
    runs.map((run) => [run.index, run.options.estimators, run.options.seed]),
    [
      [0, 'reinforce-loo', 1],
      [1, 'reinforce-loo', 2],
      [2, 'arm', 1],
      [3, 'arm', 2],
      [4, 'disarm', 1],
      [5, 'disarm', 2],
    ],
  );
  assert.deepEqual(
    runs.map((run) => run.dirName),
    [
      '0-reinforce-loo_seed-1',
      '1-reinforce-loo_seed-2',
      '2-arm_seed-1',
      '3-arm_seed-2',
      '4-disarm_seed-1',
      '5-disarm_seed-2',
    ],
  );
  assert.deepEqual(runs[3].trainArgv, [
    'vae',
    '--dataset=fashion-mnist',
    '--steps=50000',
    '--batch=50',
    '--lr=0.0001',
    '--eval-every=1000',
    '--estimators=arm',
    '--seed=2',
  ]);
  assert.deepEqual(runs[3].config, {
    task: 'vae',
    estimators: ['arm'],
    dataset: 'fashion-mnist',
    steps: 50000,
    batch: 50,
    lr: 1e-4,
    seed: 2,
    evalEvery: 1000,
    optimizer: 'adam',
  });
  const three = expandPlan(
    parsePlan({ task: 'toy', grid: { lr: [0.1, 0.2], estimators: ['arm', 'st'], p0: [0.4, 0.45, 0.49] } }),
  );
  assert.equal(three.length, 12);
  assert.deepEqual(
    three.slice(0, 4).map((run) => run.slug),
    ['lr-0.1_arm_p0-0.4', 'lr-0.1_arm_p0-0.45', 'lr-0.1_arm_p0-0.49', 'lr-0.1_st_p0-0.4'],
  );
  assert.deepEqual(three[11].options, { lr: 0.2, estimators: 'st', p0: 0.49 });
  const defaults = expandPlan(parsePlan({ task: 'toy', base: { estimators: ['disarm'], latent: [200, 100] } }));
  assert.equal(defaults.length, 1, 'no grid: one run');
  assert.deepEqual(
    [defaults[0].slug, defaults[0].config.lr, defaults[0].config.optimizer, defaults[0].config.latent],
    ['run', 1, 'sgd', [200, 100]],
  );
});

test('sweep CLI: a bad plan or command line exits 2 naming the problem, before anything runs', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const bad = writePlan(dir, { task: 'toy', base: { lr: -1 }, grid: { estimators: ['arm'] } });
  const good = writePlan(dir, { task: 'toy', grid: { estimators: ['arm'] } }, 'good');
  for (const [args, message] of [
    [['sweep', bad, '--out', out], /^stochgrad: base\.lr: expects a positive number/],
    [
      ['sweep', path.join(dir, 'missing.json'), '--out', out],
      /^stochgrad: PLAN: cannot read plan file .*missing\.json/,
    ],
    [['sweep', good], /missing required option --out/],
    [['sweep', '--out', out], /missing PLAN/],
    [['sweep', good, '--out', out, '--index', '0', '--collect'], /options --index and --collect exclude each other/],
    [['sweep', good, '--out', out, '--workers', '2', '--slurm'], /--workers .* does not go with --slurm/],
    [['sweep', good, '--out', out, '--submit'], /option --submit goes with --slurm/],
    [['sweep', good, '--out', out, '--sbatch-arg', '--mem=1G'], /option --sbatch-arg goes with --slurm/],
    [['sweep', good, '--out', out, '--slurm', '--report'], /--report does not go with --slurm/],
    [
      ['sweep', good, '--out', out, '--index', '1'],
      /--index expects an integer in \[0, 0\] \(the plan has 1 runs\), got 1/,
    ],
  ] as const) {
    const result = stochgrad(...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(fs.existsSync(path.join(out, 'runs', '1-run')), false);
  assert.equal(
    fs.readdirSync(dir).includes('out') && fs.readdirSync(out).some((name) => name.startsWith('results')),
    false,
    'nothing ran',
  );
  const other = writePlan(dir, { task: 'toy', grid: { estimators: ['arm', 'disarm'] } }, 'other');
  assert.equal(stochgrad('sweep', good, '--out', out, '--collect').status, 0);
  const refused = stochgrad('sweep', other, '--out', out);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /holds a sweep of another plan \(its plan\.json differs in grid\)/);
});

test('sweep CLI: --help lists every option and the plan format', () => {
  const help = stochgrad('sweep', '--help');
  assert.equal(help.status, 0, help.stderr);
  for (const name of Object.keys(SWEEP_OPTIONS))
    assert.ok(help.stdout.includes(`--${name}`), `sweep --help lacks --${name}`);
  for (const text of [
    'PLAN --out DIR --index I',
    '--slurm',
    '--collect',
    '"grid"',
    'last grid key varying fastest',
    '5% of the steps',
    '(repeatable)',
    'exit code is 1',
  ]) {
    assert.ok(help.stdout.includes(text), `sweep --help lacks ${JSON.stringify(text)}`);
  }
  assert.match(stochgrad('--help').stdout, /^ {2}sweep\s+run a grid of training runs/m);
});

test('sweep: a run is exactly `stochgrad train` with its options — the same numbers bit for bit (all but wall-clock seconds)', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const plan = writePlan(dir, { task: 'vae', base: TINY_VAE, grid: { estimators: ['disarm', 'reinforce-loo'] } });
  const swept = stochgrad('sweep', plan, '--out', out, '--workers', '2', '--json');
  assert.equal(swept.status, 0, swept.stderr);
  const merged = JSON.parse(swept.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual(merged, readJson(path.join(out, 'results.json')), '--json prints results.json');
  const trainOut = path.join(dir, 'train');
  const trained = stochgrad(
    'train',
    'vae',
    '--estimators',
    'disarm,reinforce-loo',
    '--steps=12',
    '--eval-every=4',
    '--batch=20',
    '--latent=5',
    '--eval-examples=40',
    '--test-examples=40',
    '--out',
    trainOut,
    '--json',
  );
  assert.equal(trained.status, 0, trained.stderr);
  const { results } = JSON.parse(trained.stdout.trim());
  assert.deepEqual(
    merged.runs.map((run: { status: string }) => run.status),
    ['done', 'done'],
  );
  assert.equal(
    jsonWithoutSeconds(merged.runs.map((run: { result: unknown }) => run.result)),
    jsonWithoutSeconds(results),
  );
  const trainHistory = csvWithoutSeconds(fs.readFileSync(path.join(trainOut, 'history.csv'), 'utf8'));
  for (const [k, estimator] of ['disarm', 'reinforce-loo'].entries()) {
    const runHistory = csvWithoutSeconds(fs.readFileSync(path.join(runDirOf(out, k), 'history.csv'), 'utf8'));
    assert.deepEqual(
      runHistory,
      [trainHistory[0], ...trainHistory.slice(1).filter((row) => row[0] === estimator)],
      estimator,
    );
    assert.equal(runHistory.length, 1 + 4, 'steps 0, 4, 8, 12');
    assert.ok(
      fs.existsSync(path.join(runDirOf(out, k), estimator, 'checkpoint.json')),
      'checkpoints (every 5% = 1 step) did not change a number',
    );
  }
  const csv = parseCsv(fs.readFileSync(path.join(out, 'results.csv'), 'utf8'));
  assert.deepEqual(csv.columns, [
    'index',
    'estimators',
    'status',
    'estimator',
    'steps',
    'initialElbo',
    'elbo',
    'testBound',
    'encoderVariance',
    'seconds',
  ]);
  assert.deepEqual(
    csv.rows.map((row) => row.slice(0, 5)),
    [
      ['0', 'disarm', 'done', 'disarm', '12'],
      ['1', 'reinforce-loo', 'done', 'reinforce-loo', '12'],
    ],
  );
  const history = parseCsv(fs.readFileSync(path.join(out, 'history.csv'), 'utf8'));
  assert.deepEqual(history.columns.slice(0, 5), ['index', 'estimators', 'estimator', 'step', 'seconds']);
  assert.equal(history.rows.length, 2 * 4);
});

test('sweep: a failing run and a diverging run are marked, the others finish, the exit code is 1', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const plan = writePlan(dir, {
    task: 'vae',
    base: { ...TINY_VAE, estimators: 'disarm' },
    grid: { dataset: ['mnist-10k', 'idx:/nonexistent'], lr: [0.001, 1e37] },
  });
  const result = stochgrad('sweep', plan, '--out', out, '--workers', '2');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /stochgrad: 2 runs failed, 1 diverged/);
  assert.match(result.stdout, /^ +1 +mnist-10k +1\.0000e\+37 +diverged/m, 'the table is printed too');
  const merged = readJson(path.join(out, 'results.json'));
  assert.deepEqual(
    merged.runs.map((run: { status: string }) => run.status),
    ['done', 'diverged', 'failed', 'failed'],
  );
  const [done, diverged, failed] = merged.runs;
  assert.equal(done.result.steps, 12);
  assert.equal('error' in done, false);
  assert.match(diverged.error, /^diverged at step 1: objective is (NaN|-Infinity)$/);
  assert.equal(diverged.result.steps, 1);
  assert.match(failed.error, /IDX data set "\/nonexistent" not found/);
  assert.equal(failed.result, null);
  const record = readJson(path.join(runDirOf(out, 1), 'results.json'));
  assert.deepEqual(record.diverged.step, 1);
  const history = csvWithoutSeconds(fs.readFileSync(path.join(runDirOf(out, 1), 'history.csv'), 'utf8'));
  assert.deepEqual(
    history.slice(1).map((row) => row[1]),
    ['0', '1'],
    'the diverged run keeps its history, ending at the step where it stopped',
  );
  assert.match(
    fs.readFileSync(path.join(runDirOf(out, 2), 'run.log'), 'utf8'),
    /run 2 failed: [\s\S]*\n\s+at /,
    'the stack goes to run.log',
  );
  const again = stochgrad('sweep', plan, '--out', out, '--index', '0');
  assert.equal(again.status, 0, 'a finished run is left alone');
  assert.match(again.stdout, /^run 0 dataset-mnist-10k_lr-0\.001: done$/m);
  const diverging = stochgrad('sweep', plan, '--out', out, '--index', '1');
  assert.equal(diverging.status, 1, 'a diverged run is final and reported as such');
});

/** A toy plan of four equal runs long enough to be interrupted (checkpoints every 5% = 1,500 steps). */
const LONG_TOY = {
  task: 'toy',
  base: { steps: 30000, 'eval-every': 1500, p0: 0.45 },
  grid: { estimators: ['reinforce', 'disarm'], seed: [1, 2] },
};

function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

/** An uninterrupted sweep of LONG_TOY (run once, shared by the tests that compare with it). */
const uninterrupted = () => referenceSweep(LONG_TOY);

test("sweep: killed with SIGKILL mid-way and started again, finished runs are not rerun, the others resume, the results equal an uninterrupted sweep's", async () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const plan = writePlan(dir, LONG_TOY);
  const { child, done } = stochgradAsync(['sweep', plan, '--out', out, '--workers', '2'], { detached: true });
  const runs = [0, 1, 2, 3];
  await waitFor(
    () => runs.some((i) => hasRecord(out, i)) && runs.some((i) => !hasRecord(out, i) && hasCheckpoint(out, i)),
    120_000,
    'one run finished and another one checkpointed',
  );
  process.kill(-child.pid!, 'SIGKILL');
  await done;
  await waitFor(() => groupGone(child.pid!), 10_000, 'the workers to die with the sweep');
  const finished = runs.filter((i) => hasRecord(out, i));
  const interrupted = runs.filter((i) => !hasRecord(out, i) && hasCheckpoint(out, i));
  assert.ok(finished.length >= 1 && interrupted.length >= 1, `finished ${finished}, interrupted ${interrupted}`);
  const before = new Map(
    finished.map((i) => {
      const file = path.join(runDirOf(out, i), 'results.json');
      return [i, { text: fs.readFileSync(file, 'utf8'), mtime: fs.statSync(file).mtimeMs }];
    }),
  );

  const restarted = stochgrad('sweep', plan, '--out', out, '--workers', '2');
  assert.equal(restarted.status, 0, restarted.stderr);
  assert.match(
    restarted.stdout,
    new RegExp(`${4 - finished.length} runs? on \\d workers?, ${finished.length} finished before`),
  );
  for (const [i, { text, mtime }] of before) {
    const file = path.join(runDirOf(out, i), 'results.json');
    assert.equal(fs.readFileSync(file, 'utf8'), text, `run ${i} was not rerun`);
    assert.equal(fs.statSync(file).mtimeMs, mtime, `run ${i} was not rewritten`);
  }
  for (const i of interrupted) {
    assert.match(
      fs.readFileSync(path.join(runDirOf(out, i), 'run.log'), 'utf8'),
      /resuming from its checkpoint/,
      `run ${i} resumed`,
    );
  }
  assert.deepEqual(mergedWithoutSeconds(out), mergedWithoutSeconds(uninterrupted()));
  assert.deepEqual(
    fs.readdirSync(out).filter((name) => name.endsWith('.tmp') || name.endsWith('.lock')),
    [],
    'no temporary files or locks left',
  );
});

test('sweep: two processes on the same run never corrupt it — the second waits, then finds it finished', async () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const plan = writePlan(dir, LONG_TOY);
  const first = stochgradAsync(['sweep', plan, '--out', out, '--index', '1']);
  await waitFor(() => hasCheckpoint(out, 1), 60_000, 'the first process to checkpoint');
  const second = stochgradAsync(['sweep', plan, '--out', out, '--index', '1']);
  const [a, b] = await Promise.all([first.done, second.done]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /run 1 is held by .*:\d+ since .*; waiting for it/);
  assert.match(b.stderr, /run 1 was finished by another process: done/);
  assert.match(b.stdout, /^run 1 reinforce_seed-2: done$/m);
  const log = fs.readFileSync(path.join(runDirOf(out, 1), 'run.log'), 'utf8');
  assert.equal(log.match(/run 1 reinforce_seed-2 on /g)?.length, 1, 'trained once');
  const ref = uninterrupted();
  assert.equal(
    jsonWithoutSeconds(readJson(path.join(runDirOf(out, 1), 'results.json')).result),
    jsonWithoutSeconds(readJson(path.join(runDirOf(ref, 1), 'results.json')).result),
  );
  assert.deepEqual(
    csvWithoutSeconds(fs.readFileSync(path.join(runDirOf(out, 1), 'history.csv'), 'utf8')),
    csvWithoutSeconds(fs.readFileSync(path.join(runDirOf(ref, 1), 'history.csv'), 'utf8')),
  );
  const merged = readJson(path.join(out, 'results.json'));
  assert.deepEqual(
    merged.runs.map((run: { status: string }) => run.status),
    ['pending', 'done', 'pending', 'pending'],
  );
  assert.deepEqual(merged.runs[0], {
    index: 0,
    options: { estimators: 'reinforce', seed: 1 },
    status: 'pending',
    result: null,
  });
});

test('sweep: --collect merges what is there, --json prints it, --report writes an offline page with bands per metric', () => {
  const out = uninterrupted();
  const plan = path.join(path.dirname(out), 'plan.json');
  const collected = stochgrad('sweep', plan, '--out', out, '--collect', '--json', '--report');
  assert.equal(collected.status, 0, collected.stderr);
  assert.deepEqual(JSON.parse(collected.stdout.trim().split('\n').at(-1)!), readJson(path.join(out, 'results.json')));
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.equal(html.split(PLOTLY_BUNDLE_MARKER).length - 1, 1, 'the Plotly bundle once');
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'nothing loaded from elsewhere');
  for (const metric of ['trainObjective', 'probability'])
    assert.equal(html.split(`data-metric="${metric}"`).length - 1, 1, metric);
  assert.equal(
    html.split('"fill":"toself"').length - 1,
    2 * 2,
    'two metrics × two estimators, one band each (mean ± se over two seeds)',
  );
  assert.match(html, /<th[^>]*>probability<\/th>/);
  assert.match(html, /\d ± \d[^<]* \(n=2\)/, 'final values as mean ± se (n)');
  const table = stochgrad('sweep', plan, '--out', out, '--collect');
  assert.match(table.stdout, /^index +estimators +seed +status +steps +initialProbability +probability +seconds$/m);
});

test('sweep lock: exclusive; a live holder is waited for or reported, a dead one (or a stale heartbeat) is taken over', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'lock');
  const first = await acquireLock(file, { wait: false });
  assert.ok(first);
  assert.equal(await acquireLock(file, { wait: false }), undefined, 'held');
  const state = lockState(file)!;
  assert.deepEqual([state.holder?.pid, state.holder?.host, state.stale], [process.pid, os.hostname(), false]);
  let busy = 0;
  const waiting = acquireLock(file, { wait: true, pollMs: 20, onBusy: () => busy++ });
  await new Promise((resolve) => setTimeout(resolve, 100));
  first.release();
  const second = await waiting;
  assert.ok(second && busy >= 2, `waited (${busy} attempts) and took it`);
  assert.equal(first.stillHeld(), false);
  first.release();
  assert.ok(fs.existsSync(file), 'releasing a lock that is not ours removes nothing');
  second.release();
  writeFileAtomic(file, JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 12345, started: 'then', token: 'dead' }));
  assert.equal(lockState(file)?.stale, true, 'a dead pid on this host');
  const third = await acquireLock(file, { wait: false });
  assert.ok(third, "a dead holder's lock is taken over");
  third.release();
  writeFileAtomic(file, JSON.stringify({ host: 'elsewhere', pid: process.pid, started: 'then', token: 'far' }));
  assert.equal(lockState(file)?.stale, false, 'another host, fresh heartbeat');
  const old = new Date(Date.now() - 120_000);
  fs.utimesSync(file, old, old);
  assert.equal(lockState(file)?.stale, true, 'another host, heartbeat older than 60 s');
  assert.ok(await acquireLock(file, { wait: false }));
  assert.deepEqual(
    fs.readdirSync(dir).filter((name) => name !== 'lock'),
    [],
    'no temporary files',
  );
});

test('sweep progress: plain lines with runs done/running/failed, steps per second and ETA; a TTY gets bars', () => {
  const chunks: string[] = [];
  let now = 0;
  const progress = createSweepProgress(
    { total: 4, finished: { done: 1, failed: 0, diverged: 0 }, steps: 300 },
    { stream: { write: (text: string) => chunks.push(text) }, live: false, now: () => now },
  );
  progress.started(1, 'arm_seed-1', 100);
  progress.started(2, 'arm_seed-2', 100);
  progress.progress(1, 0, 100);
  progress.progress(2, 40, 100); // resumed at 40 by an earlier sweep
  now = 2000;
  progress.progress(1, 50, 100);
  now = 4000;
  progress.progress(2, 90, 100);
  progress.finished(1, 'arm_seed-1', 'diverged', 'diverged at step 60: objective is NaN');
  progress.stop();
  assert.deepEqual(chunks, [
    '[sweep] runs 1/4 done, 0 running, 0 failed, 0 diverged  ? steps/s  eta ?\n',
    '[sweep] run 1 arm_seed-1 started (100 steps)\n',
    '[sweep] run 2 arm_seed-2 started (100 steps)\n',
    // 50 steps in 2 s; left: 300 − 40 (done before) − 50 = 210 → 8.4 s
    '[sweep] runs 1/4 done, 2 running, 0 failed, 0 diverged  25 steps/s  eta 8s\n',
    '[sweep] runs 1/4 done, 2 running, 0 failed, 0 diverged  25 steps/s  eta 6s\n',
    // the diverged run's 50 unfinished steps leave the count: 160 − 50 = 110 → 4.4 s
    '[sweep] run 1 arm_seed-1 diverged at step 60: objective is NaN — runs 1/4 done, 1 running, 0 failed, 1 diverged  25 steps/s  eta 4s\n',
  ]);
  const tty: string[] = [];
  const live = createSweepProgress(
    { total: 2, finished: { done: 0, failed: 0, diverged: 0 }, steps: 200 },
    {
      stream: { write: (text: string) => tty.push(text) > 0, isTTY: true, columns: 200 } as {
        write(text: string): boolean;
        isTTY: boolean;
      },
      now: () => now,
    },
  );
  live.started(0, 'disarm', 100);
  live.progress(0, 100, 100);
  live.finished(0, 'disarm', 'done');
  live.stop();
  const text = tty.join('');
  // eslint-disable-next-line no-control-regex -- the escape character of terminal control codes
  assert.match(text, /\x1b\[/, 'terminal control codes');
  assert.match(text, /sweep .* 1\/2 runs {2}0 running {2}0 failed {2}0 diverged {2}\? steps\/s {2}eta \?/);
  assert.match(text, /run 0 disarm done/);
});

test('sweep --slurm: the job-array script runs every run by index with absolute paths, one CPU each, requeueable', () => {
  const dir = tempDir();
  const plan = writePlan(dir, ISSUE_PLAN, 'vae fashion');
  const spaced = openSweep(plan, path.join(dir, 'out dir'));
  assert.throws(
    () => sbatchScript(spaced, { cli: CLI, node: '/usr/bin/node' }),
    (e: unknown) => e instanceof ArgumentError && e.argument === '--out' && /path with spaces/.test(e.message),
  );
  const sweep = openSweep(plan, path.join(dir, 'out'));
  const script = sbatchScript(sweep, {
    cli: CLI,
    node: '/opt/node/bin/node',
    partition: 'gpu',
    time: '12:00:00',
    maxParallel: 2,
    sbatchArgs: ['--mem=4G', '--account=lab'],
    prologue: ['module load nodejs'],
  });
  const lines = script.split('\n');
  assert.equal(lines[0], '#!/bin/bash');
  for (const line of [
    '#SBATCH --job-name=vae-fashion-linear',
    '#SBATCH --array=0-5%2',
    '#SBATCH --cpus-per-task=1',
    '#SBATCH --requeue',
    `#SBATCH --output=${path.join(dir, 'out', 'logs')}/%A_%a.log`,
    '#SBATCH --partition=gpu',
    '#SBATCH --time=12:00:00',
    '#SBATCH --mem=4G',
    '#SBATCH --account=lab',
    'module load nodejs',
    `exec /opt/node/bin/node ${CLI} sweep '${plan}' --out ${path.join(dir, 'out')} --index $SLURM_ARRAY_TASK_ID`,
  ])
    assert.ok(lines.includes(line), `missing ${JSON.stringify(line)} in\n${script}`);
  assert.ok(
    lines.indexOf('module load nodejs') < lines.findIndex((line) => line.startsWith('exec ')),
    'the prologue runs first',
  );
  assert.ok(
    lines
      .filter((line) => line.startsWith('#SBATCH'))
      .every((_, i, all) => lines.indexOf(all[i]) < lines.indexOf('set -eu')),
    '#SBATCH lines before any command',
  );
  assert.match(sbatchScript(sweep, { cli: CLI, node: 'node' }), /--array=0-5%6\n/, 'all at once by default');
  const written = stochgrad(
    'sweep',
    plan,
    '--out',
    path.join(dir, 'out'),
    '--slurm',
    '--sbatch-arg',
    '--mem=4G',
    '--prologue',
    'module load nodejs',
  );
  assert.equal(written.status, 0, written.stderr);
  assert.deepEqual(written.stdout.trim().split('\n'), [
    `wrote ${path.join(dir, 'out', 'sweep.sbatch')}: a job array of 6 tasks, one per run`,
    `sbatch ${path.join(dir, 'out', 'sweep.sbatch')}`,
  ]);
  assert.ok(fs.existsSync(path.join(dir, 'out', 'logs')), 'Slurm does not create log directories');
  assert.deepEqual(
    readJson(path.join(dir, 'out', 'results.json')).runs.map((run: { status: string }) => run.status),
    Array(6).fill('pending'),
  );
});

test('sweep command: runs in-process with a fake runner through --index (the function workers and Slurm tasks run)', async () => {
  const dir = tempDir();
  const plan = writePlan(dir, {
    task: 'toy',
    base: { steps: 10, 'eval-every': 5 },
    grid: { estimators: ['arm'], seed: [4, 5] },
  });
  const configs: unknown[] = [];
  const command = makeSweepCommand({
    run: {
      initBackend: async () => 'fake',
      runner: async (config) => {
        configs.push(config);
        return [
          {
            estimator: 'arm',
            steps: 10,
            seconds: 1,
            summary: { probability: config.seed / 10 },
            history: [{ estimator: 'arm', step: 0, seconds: 0, probability: 0.5 }],
          },
        ];
      },
    },
  });
  const out = path.join(dir, 'out');
  assert.equal(await command.run([plan, '--out', out, '--index', '1']), 'run 1 arm_seed-5: done');
  assert.deepEqual(configs, [
    {
      task: 'toy',
      estimators: ['arm'],
      dataset: 'mnist-10k',
      steps: 10,
      batch: 50,
      lr: 1,
      seed: 5,
      evalEvery: 5,
      optimizer: 'sgd',
      out: runDirOf(out, 1),
      checkpointEvery: 1,
    },
  ]);
  const record = readJson(path.join(runDirOf(out, 1), 'results.json'));
  assert.deepEqual(
    [record.status, record.backend, record.result],
    ['done', 'fake', { estimator: 'arm', steps: 10, probability: 0.5, seconds: 1 }],
  );
  assert.equal(await command.run([plan, '--out', out, '--index', '1']), 'run 1 arm_seed-5: done', 'idempotent');
  assert.equal(configs.length, 1);
});

const CHROMIUM = '/usr/bin/chromium';

test(
  'sweep: the report draws every band chart in Chromium with the network blocked',
  { skip: fs.existsSync(CHROMIUM) ? false : `no ${CHROMIUM}`, timeout: 180_000 },
  async () => {
    const out = uninterrupted();
    const report = stochgrad('sweep', path.join(path.dirname(out), 'plan.json'), '--out', out, '--collect', '--report');
    assert.equal(report.status, 0, report.stderr);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      await page.route(/^https?:/, (route) => {
        requests.push(route.request().url());
        return route.abort();
      });
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
      await page.goto(pathToFileURL(path.join(out, 'report.html')).href, { waitUntil: 'load' });
      await page.waitForFunction(
        () => Array.from(document.querySelectorAll('.stochgrad-figure')).every((el) => el.querySelector('.main-svg')),
        undefined,
        { timeout: 60_000 },
      );
      assert.equal(await page.locator('.stochgrad-figure').count(), 2, 'trainObjective and probability');
      assert.equal(
        await page.locator('.stochgrad-figure .scatterlayer .trace').count(),
        2 * 2 * 2,
        'per chart and estimator a band and a mean line',
      );
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, []);
    } finally {
      await browser.close();
    }
  },
);
