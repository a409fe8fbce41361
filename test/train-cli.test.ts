/**
 * `stochgrad train` with a fake runner (the command line, outputs and report, not the training),
 * the parseArgs-based option parser and the progress reporter.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { parseCommandLine, parseOptions } from '../src/terminal/options';
import { createProgress, formatDuration, progressLine } from '../src/terminal/progress';
import { makeTrainCommand } from '../src/cli/train-command';
import { parseTrainArgs, type ExperimentRunner } from '../src/experiments/train-options';
import { metricCharts, wantsLogAxis } from '../src/experiments/report';
import { exitCodeFor, PartialFailure, UsageError } from '../src/terminal/usage-error';
import type { EstimatorRun, ExperimentConfig, HistoryRow, ProgressEvent } from '../src/experiments/experiment-types';
import { PLOTLY_BUNDLE_MARKER } from '../src/viz/plotly-bundle';

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'dist', 'cli', 'main.js');
const SUMMARY_KEYS = ['initialElbo', 'elbo', 'testBound', 'encoderVariance'];

/** Distinct numbers per estimator k and step s, so tests can check they arrive where they belong. */
const elboAt = (k: number, step: number) => -200 - k + step / 40;
const varianceAt = (k: number, step: number) => ((k + 1) * 1000) / (1 + step);

/** A deterministic stand-in for runExperiment: a history every evalEvery steps and progress every step. */
function fakeRunner(calls: ExperimentConfig[] = []): ExperimentRunner {
  return async (config, hooks) => {
    calls.push(config);
    return config.estimators.map((estimator, k): EstimatorRun => {
      const history: HistoryRow[] = [];
      for (let step = 0; step <= config.steps; step++) {
        hooks?.onProgress?.({ estimator, step, steps: config.steps, metrics: { elbo: elboAt(k, step) } });
        if (step % config.evalEvery !== 0 && step !== config.steps) continue;
        const last = step === config.steps;
        history.push({
          estimator,
          step,
          seconds: step / 100,
          elbo: elboAt(k, step),
          testBound: last ? elboAt(k, step) + 1 : NaN,
          gradVariance: varianceAt(k, step),
        });
      }
      const summary = {
        initialElbo: elboAt(k, 0),
        elbo: elboAt(k, config.steps),
        testBound: elboAt(k, config.steps) + 1,
        encoderVariance: k === 0 ? null : 0.0123456,
      };
      return { estimator, steps: config.steps, seconds: 1.5 + k, summary, history };
    });
  };
}

/** A non-TTY stream that keeps what was written. */
function captureStream(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, columns: 120, chunks, write: (text: string) => chunks.push(text) > 0, on() {}, removeListener() {} };
}

async function train(argv: string[], calls: ExperimentConfig[] = []) {
  const stderr = captureStream();
  let clock = 0;
  const progress = { stream: stderr, now: () => (clock += 10) };
  const command = makeTrainCommand(fakeRunner(calls), { initBackend: async () => 'fake', progress });
  const stdout = await command.run(argv);
  return { stdout, stderr: stderr.chunks.join('') };
}

async function trainError(argv: string[]): Promise<Error> {
  try {
    await train(argv);
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail(`expected stochgrad train ${argv.join(' ')} to fail`);
}

const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-train-'));
  tempDirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('cli: every train flag error exits 2 with a message naming the problem', async () => {
  const missing = path.join(tempDir(), 'nope');
  const cases: [string[], RegExp][] = [
    [[], /missing task: .* one of vae, sop, gating, toy/],
    [['--estimators', 'arm'], /missing task/],
    [['cnn', '--estimators', 'arm'], /unknown task "cnn"; valid tasks are vae, sop, gating, toy/],
    [['vae'], /missing required option --estimators/],
    [
      ['vae', '--estimators', 'arm,nope'],
      /--estimators: unknown estimator "nope"; valid names are reinforce, .*disarm/,
    ],
    [['sop', '--estimators', 'sts'], /unknown estimator "sts"/],
    [['toy', '--estimators', 'noisy-rectifier'], /unknown estimator "noisy-rectifier"/],
    [
      ['gating', '--estimators', 'sts,bogus'],
      /unknown estimator or unit type "bogus"; valid names are reinforce, .*, gumbel-st, (.*, )?sts, noisy-rectifier, rectifier$/,
    ],
    [['vae', '--estimators', 'arm', '--steps', '0'], /--steps expects an integer >= 1, got "0"/],
    [['vae', '--estimators', 'arm', '--steps', '-5'], /--steps expects an integer >= 1, got "-5"/],
    [['vae', '--estimators', 'arm', '--batch=0'], /--batch expects an integer >= 1, got "0"/],
    [['vae', '--estimators', 'arm', '--lr', '0'], /--lr expects a positive number, got "0"/],
    [['vae', '--estimators', 'arm', '--lr', '-1e-3'], /--lr expects a positive number, got "-1e-3"/],
    [['vae', '--estimators', 'arm', '--report'], /--report .*needs --out/],
    [['vae', '--estimators', 'arm', '--checkpoint-every', '10'], /--checkpoint-every .*needs --out/],
    [['vae', '--estimators', 'arm', '--resume', missing], new RegExp(`--resume: directory ".*nope" does not exist`)],
    [['vae', '--estimators', 'arm', '--optimizer', 'rmsprop'], /--optimizer expects one of adam, sgd, got "rmsprop"/],
    [
      ['vae', '--estimators', 'arm', '--stpes', '10'],
      /unknown option --stpes; valid options are --estimators, .*--steps/,
    ],
    [['vae', '--estimators', 'arm', '--steps'], /option --steps needs a value \(integer >= 1\)/],
    [['vae', 'toy', '--estimators', 'arm'], /unexpected argument "toy"/],
    [['vae', '--estimators', 'arm,arm'], /lists "arm" twice/],
    [['vae', '--estimators', 'arm', '--penalty', 'kl'], /--penalty applies to the gating task only, not vae/],
    [
      ['gating', '--estimators', 'st', '--surrogate-lr', '0.1'],
      /--surrogate-lr applies to the toy task only, not gating/,
    ],
    [
      ['gating', '--estimators', 'st', '--penalty', 'l2'],
      /--penalty expects one of l1, kl, adaptive-l1, paper, got "l2"/,
    ],
    [['gating', '--estimators', 'st', '--expert', 'tanh'], /--expert expects one of relu, linear/],
    [['gating', '--estimators', 'st', '--sparsity', '-1'], /--sparsity expects a number >= 0, got -1/],
    [['gating', '--estimators', 'st', '--noise', '-0.5'], /--noise expects a number >= 0/],
    [
      ['gating', '--estimators', 'st', '--sparsity-target', '1'],
      /--sparsity-target expects a fraction in \(0, 1\), got 1/,
    ],
    [['gating', '--estimators', 'st', '--max-norm', '0'], /--max-norm expects a positive number/],
    [['gating', '--estimators', 'st', '--test-gates', 'mean'], /--test-gates expects one of sampled, deterministic/],
  ];
  for (const [argv, message] of cases) {
    const error = await trainError(argv);
    assert.match(error.message, message, argv.join(' '));
    assert.equal(exitCodeFor(error), 2, `${argv.join(' ')}: ${error.message}`);
  }
});

function cli(...args: string[]) {
  assert.ok(fs.existsSync(MAIN), `${MAIN} is missing; build first with npx tsc -p tsconfig.json`);
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, STOCHGRAD_BACKEND: 'wasm' },
  });
}

test('cli: the built stochgrad train exits 2 on bad flags, without a stack trace, and documents its defaults', () => {
  for (const [args, message] of [
    [['train'], /^stochgrad: missing task/],
    [['train', 'vae', '--estimators', 'nope'], /unknown estimator "nope"; valid names are reinforce,/],
    [['train', 'vae', '--estimators', 'arm', '--report'], /needs --out/],
  ] as const) {
    const result = cli(...args);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.equal(result.stdout, '');
  }
  const help = cli('train', '--help');
  assert.equal(help.status, 0, help.stderr);
  for (const text of [
    '--dataset <name>',
    'default mnist-10k',
    'default 1000',
    '--bound-examples',
    'default 200; at most --eval-examples',
    'default 50',
    'default 1e-3; toy: 1',
    'toy: sgd',
    'default 100',
    'default 1; reinforce-loo: 2',
    '-h, --help',
  ]) {
    assert.ok(help.stdout.includes(text), `train --help lacks ${JSON.stringify(text)}`);
  }
  const top = cli('--help');
  assert.match(top.stdout, /^ {2}train\s+train a VAE/m);
});

test('cli: train builds the ExperimentConfig from the flags, with per-task defaults', async () => {
  const calls: ExperimentConfig[] = [];
  await train(['vae', '--estimators', 'arm,disarm'], calls);
  assert.deepEqual(calls[0], {
    task: 'vae',
    estimators: ['arm', 'disarm'],
    dataset: 'mnist-10k',
    steps: 1000,
    batch: 50,
    lr: 1e-3,
    seed: 1,
    evalEvery: 100,
    optimizer: 'adam',
  });
  const resume = tempDir();
  const out = path.join(tempDir(), 'run');
  await train(
    [
      'toy',
      '--estimators=reinforce-loo',
      '--steps',
      '20',
      '--eval-every=5',
      '--samples',
      '4',
      '--seed',
      '7',
      '--out',
      out,
      '--checkpoint-every',
      '10',
      '--resume',
      resume,
    ],
    calls,
  );
  assert.deepEqual(calls[1], {
    task: 'toy',
    estimators: ['reinforce-loo'],
    dataset: 'mnist-10k',
    steps: 20,
    batch: 50,
    lr: 1,
    seed: 7,
    evalEvery: 5,
    optimizer: 'sgd',
    samples: 4,
    out,
    checkpointEvery: 10,
    resume,
  });
  const subsets = parseTrainArgs([
    'vae',
    '--estimators',
    'arm',
    '--eval-examples',
    '500',
    '--bound-examples',
    '300',
  ]) as { config: ExperimentConfig };
  assert.deepEqual([subsets.config.evalExamples, subsets.config.boundExamples], [500, 300]);
  const { config } = parseTrainArgs([
    'gating',
    '--estimators',
    'sts,noisy-rectifier,st',
    '--lr=0.01',
    '--optimizer',
    'sgd',
    '--dataset',
    'mnist',
  ]) as { config: ExperimentConfig };
  assert.deepEqual(
    [config.estimators, config.lr, config.optimizer, config.dataset],
    [['sts', 'noisy-rectifier', 'st'], 0.01, 'sgd', 'mnist'],
  );
  assert.equal(config.gating, undefined, 'no gating options: the model defaults');
  const paper = parseTrainArgs([
    'gating',
    '--estimators',
    'rectifier,reinforce-optimal',
    '--experts',
    '2000',
    '--gater-hidden',
    '400',
    '--expert',
    'linear',
    '--gater-bias',
    '-1',
    '--penalty',
    'paper',
    '--sparsity',
    '0.1',
    '--sparsity-target',
    '0.1',
    '--test-gates',
    'deterministic',
    '--max-norm',
    '2',
    '--noise',
    '1',
    '--reinforce-gater-lr',
    '0.001',
  ]) as { config: ExperimentConfig };
  assert.deepEqual(paper.config.gating, {
    experts: 2000,
    expert: 'linear',
    gaterHidden: 400,
    gaterBias: -1,
    penalty: 'paper',
    sparsity: 0.1,
    target: 0.1,
    testGates: 'deterministic',
    maxNorm: 2,
    noise: 1,
    reinforceGaterLr: 0.001,
  });
  const toy = parseTrainArgs(['toy', '--estimators', 'relax', '--surrogate-lr', '0.01']) as {
    config: ExperimentConfig;
  };
  assert.equal(toy.config.surrogateLr, 0.01);
  assert.deepEqual(parseTrainArgs(['--help']), { help: true });
});

test('cli: train prints a summary table, one row per estimator, columns in the summary order', async () => {
  const { stdout } = await train(['vae', '--estimators', 'arm,disarm', '--steps', '200', '--eval-every', '50']);
  const lines = stdout.split('\n');
  assert.equal(lines[0], 'vae on mnist-10k: 200 steps, batch 50, adam lr 0.001, seed 1, fake backend');
  assert.deepEqual(lines[2].split(/\s+/), ['estimator', 'steps', ...SUMMARY_KEYS, 'seconds']);
  assert.deepEqual(lines[4].split(/\s+/), ['arm', '200', '-200', '-195', '-194', 'n/a', '1.5']);
  assert.deepEqual(lines[5].split(/\s+/), ['disarm', '200', '-201', '-196', '-195', '0.012346', '2.5']);
  assert.equal(lines.length, 6);
});

test('cli: train --json prints {"results": [...]} as its last stdout line with the contract keys', async () => {
  const { stdout, stderr } = await train([
    'sop',
    '--estimators',
    'st,arm',
    '--steps',
    '30',
    '--eval-every',
    '10',
    '--json',
  ]);
  const last = stdout.split('\n').at(-1)!;
  const { results } = JSON.parse(last);
  assert.equal(results.length, 2);
  for (const [k, result] of results.entries()) {
    assert.deepEqual(Object.keys(result), ['estimator', 'steps', ...SUMMARY_KEYS, 'seconds']);
    assert.equal(result.estimator, ['st', 'arm'][k]);
    assert.equal(result.steps, 30);
    assert.equal(result.elbo, elboAt(k, 30));
    assert.equal(result.seconds, 1.5 + k);
  }
  assert.equal(results[0].encoderVariance, null);
  assert.match(stderr, /^\[st\] step 30\/30/m, 'progress goes to stderr');
});

test("cli: train --out writes history.csv with every estimator's rows and results.json", async () => {
  const out = path.join(tempDir(), 'nested', 'run');
  const { stdout } = await train([
    'vae',
    '--estimators',
    'arm,disarm',
    '--steps',
    '100',
    '--eval-every',
    '25',
    '--out',
    out,
  ]);
  assert.match(stdout, /wrote .*history\.csv, .*results\.json$/);
  const csv = fs.readFileSync(path.join(out, 'history.csv'), 'utf8').trimEnd().split('\n');
  assert.equal(csv[0], 'estimator,step,seconds,elbo,testBound,gradVariance');
  assert.equal(csv.length, 1 + 2 * 5, 'steps 0, 25, 50, 75, 100 for each estimator');
  assert.equal(csv[1], `arm,0,0,${elboAt(0, 0)},,${varianceAt(0, 0)}`, 'NaN (not measured) is an empty cell');
  assert.equal(csv[10], `disarm,100,1,${elboAt(1, 100)},${elboAt(1, 100) + 1},${varianceAt(1, 100)}`);
  const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.equal(results.config.task, 'vae');
  assert.equal(results.config.out, out);
  assert.equal(results.backend, 'fake');
  assert.deepEqual(
    results.results.map((r: { estimator: string }) => r.estimator),
    ['arm', 'disarm'],
  );
  assert.equal(results.results[1].testBound, elboAt(1, 100) + 1);
  assert.equal(fs.existsSync(path.join(out, 'report.html')), false, 'no report without --report');
});

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

test('cli: train --report writes an offline page with the plotly bundle once and a chart per metric', async () => {
  const out = tempDir();
  await train(['vae', '--estimators', 'arm,disarm', '--steps', '100', '--eval-every', '25', '--out', out, '--report']);
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.equal(countOf(html, PLOTLY_BUNDLE_MARKER), 1);
  assert.equal(countOf(html, 'class="stochgrad-figure"'), 3);
  for (const metric of ['elbo', 'testBound', 'gradVariance'])
    assert.equal(countOf(html, `data-metric="${metric}"`), 1, metric);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'nothing loaded from elsewhere');
  assert.match(html, /<table class="stochgrad-table"/);
  assert.match(html, /<th[^>]*>encoderVariance<\/th>/);
});

test('cli: report charts: x = step, one series per estimator, log y only for positive values spanning decades', () => {
  const runs: EstimatorRun[] = [
    {
      estimator: 'arm',
      steps: 10,
      seconds: 1,
      summary: {},
      history: [
        { estimator: 'arm', step: 0, seconds: 0, loss: 5, variance: 1000, note: 'x' },
        { estimator: 'arm', step: 10, seconds: 1, loss: NaN, variance: 2 },
      ],
    },
    {
      estimator: 'st',
      steps: 10,
      seconds: 1,
      summary: {},
      history: [
        { estimator: 'st', step: 0, seconds: 0, loss: 4, variance: 900 },
        { estimator: 'st', step: 10, seconds: 1, loss: 3, variance: 5 },
      ],
    },
  ];
  const charts = metricCharts(runs);
  assert.deepEqual(
    charts.map((chart) => chart.metric),
    ['loss', 'variance'],
    'the string column is not charted',
  );
  const [loss, variance] = charts.map((chart) => chart.figure);
  assert.deepEqual(
    loss.data.map((trace) => [trace.name, trace.x, trace.y]),
    [
      ['arm', [0], [5]],
      ['st', [0, 10], [4, 3]],
    ],
  );
  assert.equal(loss.layout.yaxis?.type, undefined);
  assert.equal(variance.layout.yaxis?.type, 'log');
  assert.equal(loss.layout.xaxis?.title?.text, 'step');
  assert.equal(loss.layout.yaxis?.title?.text, 'loss');
  assert.match(loss.layout.title?.text ?? '', /loss/);
  assert.equal(wantsLogAxis([1, 99]), false);
  assert.equal(wantsLogAxis([1, 100]), true);
  assert.equal(wantsLogAxis([-1, 1000]), false);
});

const CHROMIUM = '/usr/bin/chromium';

test(
  'cli: the train report draws every chart in Chromium with the network blocked',
  { skip: fs.existsSync(CHROMIUM) ? false : `no ${CHROMIUM}`, timeout: 120_000 },
  async () => {
    const out = tempDir();
    await train([
      'toy',
      '--estimators',
      'arm,disarm,reinforce',
      '--steps',
      '40',
      '--eval-every',
      '10',
      '--out',
      out,
      '--report',
    ]);
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
      await page.waitForFunction(() => document.querySelectorAll('.stochgrad-figure .main-svg').length > 0, undefined, {
        timeout: 30_000,
      });
      await page.waitForFunction(
        () => Array.from(document.querySelectorAll('.stochgrad-figure')).every((el) => el.querySelector('.main-svg')),
        undefined,
        { timeout: 30_000 },
      );
      assert.equal(await page.locator('.stochgrad-figure').count(), 3);
      assert.equal(
        await page.locator('.stochgrad-figure .scatterlayer .trace').count(),
        3 * 3,
        'three estimators in each chart',
      );
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, []);
    } finally {
      await browser.close();
    }
  },
);

test('cli: progress is plain lines at ~10% steps when the stream is not a TTY', async () => {
  const { stderr } = await train(['vae', '--estimators', 'arm,disarm', '--steps', '200', '--eval-every', '50']);
  const lines = stderr.trimEnd().split('\n');
  // eslint-disable-next-line no-control-regex -- the escape character of terminal control codes
  assert.doesNotMatch(stderr, /\x1b/, 'no terminal control codes');
  assert.equal(lines.length, 2 * 11, 'steps 0, 20, …, 200 for each estimator');
  assert.match(lines[0], /^\[arm\] step 0\/200 {2}\? steps\/s {2}eta \? {2}elbo -200$/);
  assert.match(
    lines[11],
    /^\[disarm\] step 0\/200 {2}\? steps\/s {2}eta \? {2}elbo -201$/,
    'each estimator restarts the clock',
  );
  for (const line of [...lines.slice(1, 11), ...lines.slice(12)])
    assert.match(line, /^\[(arm|disarm)\] step \d+\/200 {2}[\d.,e+]+ steps\/s {2}eta \d+s {2}elbo -?[\d.]+$/);
  assert.match(lines[21], /^\[disarm\] step 200\/200 .*eta 0s {2}elbo -196$/);
});

test('cli: progress lines show rate, ETA and the objective; a TTY gets the live bar', () => {
  let now = 0;
  const stream = captureStream();
  const progress = createProgress({ stream, now: () => now });
  const event = (step: number): ProgressEvent => ({
    estimator: 'disarm',
    step,
    steps: 2000,
    metrics: { elbo: -182.4123, testBound: NaN },
  });
  for (let step = 0; step <= 500; step += 10) {
    now = step * 80; // 12.5 steps/s
    progress.update(event(step));
  }
  progress.stop();
  assert.deepEqual(stream.chunks, [
    '[disarm] step 0/2000  ? steps/s  eta ?  elbo -182.41\n',
    '[disarm] step 200/2000  12.5 steps/s  eta 2m24s  elbo -182.41\n',
    '[disarm] step 400/2000  12.5 steps/s  eta 2m08s  elbo -182.41\n',
  ]);
  assert.equal(
    progressLine(event(500), { rate: 12.3, eta: 122 }),
    '[disarm] step 500/2000  12.3 steps/s  eta 2m02s  elbo -182.41',
  );
  assert.deepEqual([formatDuration(59.4), formatDuration(3725), formatDuration(undefined)], ['59s', '1h02m', '?']);
  const tty = captureStream(true);
  const live = createProgress({ stream: tty, now: () => now });
  live.update(event(0));
  live.update(event(2000));
  live.stop();
  const text = tty.chunks.join('');
  // eslint-disable-next-line no-control-regex -- the escape character of terminal control codes
  assert.match(text, /\x1b\[/, 'cli-progress redraws with terminal control codes');
  assert.match(text, /\[disarm\] █+ 2000\/2000 .*elbo -182\.41/);
});

test('cli: options come from util.parseArgs: both value forms, negative numbers, strict errors', () => {
  const spec = {
    logit: { kind: 'number', default: 0, help: '' },
    seed: { kind: 'integer', min: 0, default: 1, help: '' },
    name: { kind: 'string', required: true, help: '' },
    help: { kind: 'flag', short: 'h', help: '' },
  } as const;
  assert.deepEqual(parseOptions(['--logit', '-1.5', '--name', 'a', '--seed=3', '--seed', '4'], spec), {
    logit: -1.5,
    seed: 4,
    name: 'a',
    help: false,
  });
  assert.deepEqual(parseCommandLine(['x', '--name=b', '-h'], spec, 1), {
    options: { logit: 0, seed: 1, name: 'b', help: true },
    positionals: ['x'],
  });
  const message = (argv: string[]) => {
    try {
      parseCommandLine(argv, spec, 0);
    } catch (error) {
      assert.ok(error instanceof UsageError);
      return error.message;
    }
    assert.fail(`no error for ${argv.join(' ')}`);
  };
  assert.match(message(['--name', 'a', '--help=yes']), /option --help takes no value, got "yes"/);
  assert.match(message(['--name', 'a', '--seed', '--help']), /option --seed needs a value \(integer >= 0\)$/);
  assert.match(
    message(['--name', '-a']),
    /option --name needs a value \(text\); a value starting with "-" is written --name=-a/,
  );
  assert.match(message(['--name', 'a', 'stray']), /unexpected argument "stray"; options look like --name value/);
  assert.match(message(['--seed', '2']), /missing required option --name <text>/);
  assert.match(message(['-x']), /unknown option -x; valid options are --logit, --seed, --name, --help/);
  assert.match(message(['--name', '']), /option --name expects a non-empty text/);
});

test('cli: a diverged run is reported on stderr and exits 1; the output is still printed (table or JSON)', async () => {
  const diverging: ExperimentRunner = async (config) =>
    config.estimators.map((estimator, k): EstimatorRun => ({
      estimator,
      steps: k === 0 ? config.steps : 3,
      seconds: 1,
      summary: { elbo: -100 - k },
      history: [{ estimator, step: 0, seconds: 0, elbo: -200 }],
      ...(k === 1 ? { diverged: { step: 3, reason: 'objective is NaN' } } : {}),
    }));
  const command = makeTrainCommand(diverging, {
    initBackend: async () => 'fake',
    progress: { stream: captureStream() },
  });
  for (const json of [false, true]) {
    const error = await command
      .run(['vae', '--estimators', 'arm,disarm', '--steps', '10', ...(json ? ['--json'] : [])])
      .then(
        () => assert.fail('a diverged run must fail the command'),
        (e: unknown) => e as PartialFailure,
      );
    assert.ok(error instanceof PartialFailure);
    assert.equal(exitCodeFor(error), 1);
    assert.equal(error.message, 'disarm diverged at step 3: objective is NaN');
    if (json)
      assert.deepEqual(JSON.parse(error.output).diverged, [
        { estimator: 'disarm', step: 3, reason: 'objective is NaN' },
      ]);
    else assert.match(error.output, /^disarm +3 +-101/m);
  }
});
