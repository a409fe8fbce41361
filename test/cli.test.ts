import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { ESTIMATOR_NAMES, estimators } from '../src/estimators/registry';
import {
  biasZScore,
  closedFormGradient,
  COMPARABLE_ESTIMATORS,
  compareEstimators,
  type Comparison,
} from '../src/lab/compare';
import { ArgumentError } from '../src/errors';
import { parseCompareArgs } from '../src/cli/compare-command';
import { renderComparison, suspiciousRows } from '../src/cli/compare-report';
import { parseOptions } from '../src/terminal/options';
import { UsageError } from '../src/terminal/usage-error';

// .build/test/cli.test.js → the repository root; the CLI under test is the built dist/cli/main.js.
const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');

const SAMPLES = 2000;
let comparison: Comparison;

before(async () => {
  await initBackend({ backend: 'wasm', log: false });
  comparison = await compareEstimators({
    estimators: COMPARABLE_ESTIMATORS,
    logit: 0,
    p0: 0.49,
    units: 1,
    samples: SAMPLES,
    seed: 1,
  });
});

test('compare returns one row per estimator of ∇E[f], in registry order; it refuses vimco (the k-sample bound)', async () => {
  assert.deepEqual(
    comparison.rows.map((row) => row.estimator),
    ESTIMATOR_NAMES.filter((name) => name !== 'vimco'),
  );
  await assert.rejects(
    compareEstimators({ estimators: ['vimco'], logit: 0, p0: 0.49, units: 1, samples: 10, seed: 1 }),
    (e: unknown) => e instanceof ArgumentError && /estimators.*vimco.*not of E\[f\]/.test(e.message),
  );
  for (const row of comparison.rows) {
    assert.equal(row.unbiased, estimators[row.estimator].unbiased, row.estimator);
    assert.equal(row.mean.length, 1);
    assert.ok(Number.isFinite(row.mean[0]) && Number.isFinite(row.totalVariance), row.estimator);
    assert.ok(row.estimatesPerSecond > 0 && row.seconds > 0, row.estimator);
  }
});

test('exact equals σ(φ)(1−σ(φ))(1−2p0) to float32 precision', () => {
  assert.equal(comparison.closedForm, 0.25 * (1 - 2 * 0.49));
  // The toy's f values are ~0.26 in float32 and the gradient is their difference times 1/4:
  // allow a few float32 ulps of f.
  const tolerance = 4 * 2 ** -24 * 0.26;
  for (const row of comparison.rows) {
    assert.ok(Math.abs(row.exact[0] - comparison.closedForm) <= tolerance, `${row.estimator}: exact ${row.exact[0]}`);
  }
  const other = closedFormGradient(1.3, 0.2);
  const sigma = 1 / (1 + Math.exp(-1.3));
  assert.ok(Math.abs(other - sigma * (1 - sigma) * 0.6) < 1e-15);
});

test('measured evaluations per sample match the registry metadata', () => {
  const byName = new Map(comparison.rows.map((row) => [row.estimator, row]));
  assert.equal(byName.get('rebar')!.evaluationsPerSample, 3);
  assert.equal(byName.get('arm')!.evaluationsPerSample, 2);
  assert.equal(byName.get('disarm')!.evaluationsPerSample, 2);
  assert.equal(byName.get('reinforce')!.evaluationsPerSample, 1);
  // MuProp adds one mean-field evaluation per call.
  assert.equal(byName.get('muprop')!.evaluationsPerSample, 1 + 1 / SAMPLES);
  for (const row of comparison.rows) {
    const extra = (estimators[row.estimator].evaluationsPerCall ?? 0) / SAMPLES;
    assert.equal(row.evaluationsPerSample, row.declaredEvaluationsPerSample + extra, row.estimator);
    // Per estimate: a multi-sample estimator's estimate is the mean of its group of k draws.
    const k = Math.max(1, estimators[row.estimator].minSamples);
    assert.equal(row.declaredEvaluationsPerSample, estimators[row.estimator].evaluationsPerSample * k, row.estimator);
  }
});

test('relax with the f-at-the-relaxation surrogate reproduces rebar (η = 1)', () => {
  const rebar = comparison.rows.find((row) => row.estimator === 'rebar')!;
  const relax = comparison.rows.find((row) => row.estimator === 'relax')!;
  assert.ok(Math.abs(relax.mean[0] - rebar.mean[0]) <= 1e-7, `relax ${relax.mean[0]} vs rebar ${rebar.mean[0]}`);
});

test('bias z is undefined only for zero-variance estimates; no unbiased estimator is flagged on the toy', () => {
  assert.equal(biasZScore(0.005, 0.005, 1e-20), null);
  assert.equal(biasZScore(0.006, 0.005, 0.0005), 2);
  // DisARM with d = 1 at φ = 0 is deterministic (b and its antithetic partner always differ).
  const disarm = comparison.rows.find((row) => row.estimator === 'disarm')!;
  assert.equal(disarm.biasZ[0], null);
  assert.ok(Math.abs(disarm.mean[0] - disarm.exact[0]) < 1e-9);
  const arm = comparison.rows.find((row) => row.estimator === 'arm')!;
  assert.equal(typeof arm.biasZ[0], 'number');
  assert.deepEqual(
    suspiciousRows(comparison).map((row) => row.estimator),
    [],
  );
  const biased = { ...comparison, rows: [{ ...arm, biasZ: [10] }] };
  assert.deepEqual(
    suspiciousRows(biased).map((row) => row.estimator),
    ['arm'],
  );
});

test('the comparison disposes its tensors', async () => {
  const before = tf.memory().numTensors;
  await compareEstimators({
    estimators: ['arm', 'muprop', 'relax'],
    logit: 0.3,
    p0: 0.49,
    units: 2,
    samples: 50,
    seed: 3,
  });
  assert.equal(tf.memory().numTensors, before);
});

test('the reports carry every estimator and the exact-gradient line', () => {
  const text = renderComparison(comparison, 'text', { backend: 'wasm' });
  const markdown = renderComparison(comparison, 'markdown', { backend: 'wasm' });
  for (const name of COMPARABLE_ESTIMATORS) {
    assert.match(text, new RegExp(`^${name}\\b`, 'm'));
    assert.match(markdown, new RegExp(`^\\| ${name}\\b`, 'm'));
  }
  assert.match(text, /exact σ\(φ\)\(1−σ\(φ\)\)\(1−2p0\) = 0\.005/);
  assert.match(markdown, /REBAR with η = 1/);
  const json = JSON.parse(renderComparison(comparison, 'json', { backend: 'wasm' }));
  assert.equal(json.rows.length, COMPARABLE_ESTIMATORS.length);
  assert.equal(json.backend, 'wasm');
});

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a UsageError');
}

test('the option parser reads --name value and --name=value with defaults', () => {
  const spec = {
    samples: { kind: 'integer', min: 1, default: 10, help: '' },
    logit: { kind: 'number', default: 0, help: '' },
    names: { kind: 'list', help: '' },
  } as const;
  assert.deepEqual(parseOptions([], spec), { samples: 10, logit: 0 });
  assert.deepEqual(parseOptions(['--samples', '7', '--logit=-1.5', '--names', 'a,b'], spec), {
    samples: 7,
    logit: -1.5,
    names: ['a', 'b'],
  });
});

test('the option parser rejects unknown options and bad values, naming the option', () => {
  assert.match(
    usageMessage(() => parseCompareArgs(['--smaples', '10'])),
    /unknown option --smaples; valid options are .*--samples/,
  );
  assert.match(
    usageMessage(() => parseCompareArgs(['--samples', 'ten'])),
    /--samples expects an integer >= \d+, got "ten"/,
  );
  assert.match(
    usageMessage(() => parseCompareArgs(['--samples=2.5'])),
    /--samples expects an integer/,
  );
  assert.match(
    usageMessage(() => parseCompareArgs(['--logit', 'abc'])),
    /--logit expects a finite number, got "abc"/,
  );
  assert.match(
    usageMessage(() => parseCompareArgs(['--temperature=0'])),
    /--temperature expects a positive number, got "0"/,
  );
  assert.match(
    usageMessage(() => parseCompareArgs(['--format', 'html'])),
    /--format expects one of text, markdown, json/,
  );
  assert.match(
    usageMessage(() => parseCompareArgs(['--seed'])),
    /--seed needs a value/,
  );
  assert.throws(
    () => parseCompareArgs(['--estimators', 'arm,nope']),
    /--estimators: unknown estimator "nope"; valid names are reinforce, .*disarm/,
  );
});

test('parseCompareArgs maps options onto the comparison config', () => {
  const { config, format } = parseCompareArgs([
    '--estimators=arm,disarm',
    '--p0',
    '0.4',
    '--units=2',
    '--samples',
    '500',
    '--temperature',
    '0.3',
    '--repeats=3',
    '--format=json',
  ]);
  assert.deepEqual(config, {
    estimators: ['arm', 'disarm'],
    logit: 0,
    p0: 0.4,
    units: 2,
    samples: 500,
    seed: 1,
    repeats: 3,
    temperature: 0.3,
  });
  assert.equal(format, 'json');
  assert.equal(parseCompareArgs([]).config.samples, 100000);
});

function cli(...args: string[]) {
  assert.ok(fs.existsSync(MAIN), `${MAIN} is missing; build first with npx tsc -p tsconfig.json`);
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, STOCHGRAD_BACKEND: 'wasm' },
  });
}

test('stochgrad compare --samples 1000 --estimators arm,disarm exits 0 and prints both', () => {
  const result = cli('compare', '--samples', '1000', '--estimators', 'arm,disarm');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^arm\s+yes/m);
  assert.match(result.stdout, /^disarm\s+yes/m);
  assert.doesNotMatch(result.stdout, /^reinforce/m);
});

test('stochgrad compare --estimators nope exits 2 listing the valid names, without a stack trace', () => {
  const result = cli('compare', '--estimators', 'nope');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown estimator "nope"; valid names are reinforce, reinforce-ema, .*, relax/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  assert.equal(result.stdout, '');
});

test('unknown subcommands exit 2 listing the valid ones; --help and help print usage', () => {
  const unknown = cli('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"; valid commands are compare, estimators/);
  for (const args of [['--help'], ['help']]) {
    const help = cli(...args);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /usage: stochgrad <command>/);
  }
  const bad = cli('compare', '--samples=abc');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--samples/);
});

test('stochgrad estimators lists every estimator with its metadata', () => {
  const result = cli('estimators', '--format', 'json');
  assert.equal(result.status, 0, result.stderr);
  const list = JSON.parse(result.stdout);
  assert.deepEqual(
    list.map((entry: { name: string }) => entry.name),
    ESTIMATOR_NAMES,
  );
  const rebar = list.find((entry: { name: string }) => entry.name === 'rebar');
  assert.deepEqual(rebar, {
    name: 'rebar',
    title: estimators.rebar.title,
    reference: estimators.rebar.reference,
    unbiased: true,
    needsDifferentiableF: true,
    evaluationsPerSample: 3,
    family: 'relaxed-control-variate',
    inNetworks: false,
    minSamples: 1,
    learned: null,
  });
});

test("stochgrad init --kernel deno|both: the deno package, Deno's kernel, and the starter notebook in it for deno", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-init-'));
  try {
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const kernelFile = (dir: string, name: string) =>
      path.join(dir, '.jupyter', 'data', 'kernels', name, 'kernel.json');
    for (const [kernel, packages, starter] of [
      ['deno', ['deno'], 'stochgrad-deno'],
      ['both', ['deno', 'tslab'], 'stochgrad-tslab'],
    ] as const) {
      const dir = path.join(work, kernel);
      const result = cli('init', dir, '--no-install', '--kernel', kernel);
      assert.equal(result.status, 0, result.stderr);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      for (const pkg of ['deno', 'tslab'])
        assert.equal(
          manifest.dependencies[pkg],
          (packages as readonly string[]).includes(pkg) ? own.devDependencies[pkg] : undefined,
          `${kernel}: ${pkg}`,
        );
      const notebook = JSON.parse(fs.readFileSync(path.join(dir, 'notebooks', 'start.ipynb'), 'utf8'));
      assert.equal(notebook.metadata.kernelspec.name, starter);
      assert.ok(
        notebook.cells.some((cell: { source: string[] }) => cell.source.join('').includes('await showFigure(')),
      );
      const deno = JSON.parse(fs.readFileSync(kernelFile(dir, 'stochgrad-deno'), 'utf8'));
      assert.deepEqual(deno.argv, [
        path.join(dir, 'node_modules', 'deno', 'deno'),
        'jupyter',
        '--kernel',
        '--conn',
        '{connection_file}',
      ]);
      assert.equal(deno.display_name, 'TypeScript (stochgrad, Deno)');
      assert.equal(fs.existsSync(kernelFile(dir, 'stochgrad-tslab')), kernel === 'both');
    }
    const bad = cli('init', path.join(work, 'x'), '--no-install', '--kernel', 'bun');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--kernel/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('stochgrad init writes a notebook project (with --no-install) and refuses a missing or non-empty DIR with exit 2', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-init-'));
  try {
    const dir = path.join(work, 'My Notebooks');
    const result = cli('init', dir, '--no-install', '--from', '1.2.3');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /next: cd .*My Notebooks && npm install && npm start/);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.equal(manifest.name, 'my-notebooks');
    assert.equal(manifest.dependencies.stochgrad, '1.2.3');
    for (const pkg of ['tslab', 'danfojs', 'mnist', 'plotly.js-dist-min', 'xlsx'])
      assert.equal(manifest.dependencies[pkg], own.devDependencies[pkg], pkg);
    assert.equal(manifest.dependencies['@tensorflow/tfjs'], own.dependencies['@tensorflow/tfjs']);
    assert.deepEqual(manifest.overrides, own.overrides);
    assert.equal(manifest.scripts.start, 'stochgrad notebook');
    const notebook = JSON.parse(fs.readFileSync(path.join(dir, 'notebooks', 'start.ipynb'), 'utf8'));
    assert.equal(notebook.metadata.kernelspec.name, 'stochgrad-tslab');
    assert.ok(notebook.cells.some((cell: { source: string[] }) => cell.source.join('').includes('compareEstimators(')));
    assert.ok(notebook.cells.some((cell: { source: string[] }) => cell.source.join('').includes('showFigure(')));
    const kernel = JSON.parse(
      fs.readFileSync(path.join(dir, '.jupyter', 'data', 'kernels', 'stochgrad-tslab', 'kernel.json'), 'utf8'),
    );
    assert.deepEqual(kernel.argv.slice(1), [
      path.join(dir, 'node_modules', 'tslab', 'bin', 'tslab'),
      'kernel',
      '--config-path',
      '{connection_file}',
    ]);
    const again = cli('init', dir, '--no-install');
    assert.equal(again.status, 2);
    assert.match(again.stderr, /DIR: .* is not empty \(.*package\.json.*\); choose a new or empty folder/);
    const missing = cli('init');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing folder: stochgrad init DIR/);
    assert.match(cli('help', 'init').stdout, /usage: stochgrad init DIR/);
    assert.match(cli('notebook', '--help').stdout, /usage: stochgrad notebook \[DIR\]/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
