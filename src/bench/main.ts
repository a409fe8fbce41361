#!/usr/bin/env node
/**
 * `npm run bench`: SBN VAE training steps and whole training-loop steps on every available tfjs
 * backend next to the PyTorch peer (`bench/peer/sbn_vae.py`, one and two threads, stepped in the
 * same rounds), the matMul floor of each step, the periodic evaluation's cost, `stochgrad train`
 * end to end, peak RSS, and estimates per second on ARM's toy. Prints tables and writes
 * `bench/results.json`. `node dist/bench/main.js --help` lists the options.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, initBackend, type BackendName } from '../backend';
import { NETWORK_ESTIMATOR_NAMES, networkEstimator } from '../estimators/layer';
import type { EstimatorName } from '../estimators/registry';
import { COMPARABLE_ESTIMATORS, compareEstimators } from '../lab/compare';
import { optionsHelp, parseOptions, type OptionsSpec } from '../terminal/options';
import { startPeer, type PeerServer } from './peer';
import { disposeDataset } from '../data/split';
import { runEndToEnd, type EndToEnd } from './end-to-end';
import { loadLoopDataset } from './loop-steps';
import { describeEndToEnd, describePeer, fmt, LEGEND, LOOP_LEGEND, loopTable, stepTable, toyTable, type BackendReport } from './report';
import { benchRow, PEER_THREADS, peerReports, type BenchRow, type PeerReport, type PeerSamples } from './rounds';
import { BENCH_MODELS, matMulRate, median, type BenchModel } from './sbn-steps';
import { runScript } from './script';

const ROOT = path.resolve(__dirname, '..', '..');

const OPTIONS = {
  backends: { kind: 'list', default: BACKENDS, help: 'tfjs backends to try (those that fail to load are reported and skipped)' },
  models: {
    kind: 'list',
    default: BENCH_MODELS,
    help: 'SBN VAEs: linear (784–200), nonlinear, two-layer (784–200–200)',
    validate: (name: string, option: string) => {
      if (!(BENCH_MODELS as readonly string[]).includes(name)) throw new Error(`${option}: unknown model ${JSON.stringify(name)}; valid: ${BENCH_MODELS.join(', ')}`);
    },
  },
  estimators: {
    kind: 'list',
    default: ['reinforce-loo', 'muprop', 'arm', 'disarm', 'st', 'double-cv', 'rodeo', 'arms', 'vimco', 'reinmax'],
    help: `estimators (any of ${NETWORK_ESTIMATOR_NAMES.join(', ')}); reinforce-loo uses 2 samples`,
    validate: (name: string, option: string) => void networkEstimator(name, option),
  },
  steps: { kind: 'integer', min: 1, default: 60, help: 'timed steps per row (the median is reported)' },
  round: { kind: 'integer', min: 1, default: 5, help: 'steps per round: stochgrad and the peer alternate round by round' },
  warmup: { kind: 'integer', min: 0, default: 10, help: 'untimed steps before timing' },
  'cpu-steps': { kind: 'integer', min: 1, default: 5, help: 'timed steps per row on the slow cpu backend' },
  peer: { kind: 'choice', choices: ['on', 'off'], default: 'on', help: 'step the PyTorch peer (1 and 2 threads) in the same rounds' },
  evaluations: { kind: 'integer', min: 1, default: 2, help: "timed periodic evaluations per row (the VAE task's: train ELBO, validation bound, encoder variance)" },
  'eval-every': { kind: 'integer', min: 1, default: 1000, help: "training steps per evaluation in the evaluation's share of a run" },
  'e2e-steps': { kind: 'integer', min: 0, default: 3000, help: 'steps of the end-to-end `stochgrad train` run (linear VAE, DisARM, Fashion-MNIST); 0 skips it' },
  'e2e-eval-every': { kind: 'integer', min: 1, default: 1000, help: 'its --eval-every' },
  out: { kind: 'list', default: ['bench/results.json'], help: 'where to write the JSON results' },
  help: { kind: 'flag', help: 'print this help' },
} as const satisfies OptionsSpec;

type Options = ReturnType<typeof parseOptions<typeof OPTIONS>>;

async function benchBackend(name: BackendName, options: Options, peer: PeerServer | undefined, peerSamples: Map<string, PeerSamples>): Promise<BackendReport> {
  try {
    await initBackend({ backend: name, log: false });
  } catch (error) {
    return { backend: name, rows: [], error: (error as Error).message };
  }
  const slow = name === 'cpu';
  const steps = slow ? options['cpu-steps'] : options.steps;
  const warmup = slow ? Math.min(options.warmup, 2) : options.warmup;
  // The peer is interleaved with the first fast backend only; the slow cpu rows are compared with it too.
  const interleaved = slow || peerSamples.size > 0 ? undefined : peer;
  const rows: BenchRow[] = [];
  const { dataset, name: datasetName, description: loopData } = loadLoopDataset();
  const settings = { steps, warmup, round: options.round, evaluations: slow ? 1 : options.evaluations };
  try {
    for (const model of options.models as BenchModel[]) {
      for (const estimator of options.estimators) {
        const row = await benchRow(model, estimator, settings, { dataset, name: datasetName }, interleaved, peerSamples);
        rows.push(row);
        process.stderr.write(
          `bench: ${name} ${model} ${estimator}: gradients ${fmt(row.gradient.ms)} ms (in training ${fmt(row.gradientInTraining.ms)}), ` +
            `train ${fmt(row.train.ms)} ms (Adam ${fmt(row.adam.ms)}), loop ${fmt(row.loop.ms)} ms, evaluation ${fmt(row.evaluation.ms, 0)} ms, floor ${fmt(row.floorMs)} ms\n`,
        );
      }
    }
  } finally {
    disposeDataset(dataset);
  }
  const matmul = rows.length > 0 ? matMulRate(median(rows.map((r) => r.matmul.ms))) : undefined;
  // The toy comparison judges estimators of E[f] only (vimco's objective is another).
  const comparison = await compareEstimators({
    estimators: options.estimators.filter((e) => (COMPARABLE_ESTIMATORS as readonly string[]).includes(e)) as EstimatorName[],
    logit: 0,
    p0: 0.49,
    units: 1,
    samples: slow ? 2000 : 20000,
    seed: 1,
    repeats: 5,
  });
  const toy = comparison.rows.map((row) => ({ estimator: row.estimator, estimatesPerSecond: row.estimatesPerSecond }));
  return { backend: name, matmul, rows, toy, loopData };
}

async function run(argv: readonly string[]): Promise<string> {
  const options = parseOptions(argv, OPTIONS);
  if (options.help) return ['usage: npm run bench -- [options]', '', 'options:', optionsHelp(OPTIONS)].join('\n');
  let peer: PeerServer | undefined;
  let peerError: string | undefined;
  if (options.peer === 'on') {
    process.stderr.write('bench: starting the PyTorch peer\n');
    ({ peer, error: peerError } = await startPeer(ROOT, 50));
    if (peerError) process.stderr.write(`bench: PyTorch peer not run: ${peerError}\n`);
  }
  const peerSamples = new Map<string, PeerSamples>();
  const reports: BackendReport[] = [];
  let peers: PeerReport[] = options.peer === 'on' ? PEER_THREADS.map((threads) => ({ threads, error: peerError })) : [];
  try {
    for (const backend of options.backends) reports.push(await benchBackend(backend as BackendName, options, peer, peerSamples));
    if (peer) peers = await peerReports(peer, peerSamples, options.models, options.estimators);
  } finally {
    peer?.close();
  }
  const fast = reports.find((report) => !report.error && report.backend !== 'cpu');
  let endToEnd: EndToEnd | undefined;
  if (options['e2e-steps'] > 0 && fast) {
    process.stderr.write(`bench: stochgrad train end to end, ${options['e2e-steps']} steps on ${fast.backend}\n`);
    endToEnd = runEndToEnd(ROOT, fast.backend, options['e2e-steps'], options['e2e-eval-every']);
  }
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverage: os.loadavg() },
    node: process.version,
    tfjs: tf.version.tfjs,
    note:
      'wasm runs one thread in Node; times are medians per step of wall-clock and of process CPU milliseconds, batch 50 ' +
      '(rows[].data says which images); stochgrad and the peer are stepped in interleaved rounds of settings.round steps',
    settings: {
      steps: options.steps,
      warmup: options.warmup,
      round: options.round,
      cpuSteps: options['cpu-steps'],
      batch: 50,
      evaluations: options.evaluations,
      evalEvery: options['eval-every'],
      e2eSteps: options['e2e-steps'],
      e2eEvalEvery: options['e2e-eval-every'],
    },
    peakRssMB,
    backends: reports,
    peers,
    ...(endToEnd ? { endToEnd } : {}),
  };
  const out = path.resolve(ROOT, options.out[0]);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const sections = reports.map((report) => {
    if (report.error) return `## tfjs ${report.backend}: not available — ${report.error}`;
    const m = report.matmul;
    return [
      `## tfjs ${report.backend} (tfjs ${tf.version.tfjs}; plain matMul ${m ? `${m.shape.join('×')} ${fmt(m.ms, 3)} ms = ${fmt(m.gflops, 1)} GFLOP/s` : '–'}; data: ${report.rows[0]?.data ?? '–'})`,
      '',
      stepTable(report, peers),
      '',
      `Training loop (\`train()\` as \`stochgrad train vae\` runs it; data: ${report.loopData ?? '–'}; evaluation share at one evaluation every ${options['eval-every']} steps):`,
      '',
      loopTable(report, peers, options['eval-every']),
      '',
      toyTable(report),
    ].join('\n');
  });
  return [
    ...sections,
    '',
    ...(endToEnd ? [describeEndToEnd(endToEnd), ''] : []),
    LEGEND,
    '',
    LOOP_LEGEND,
    '',
    ...peers.map(describePeer),
    `peak RSS ${fmt(peakRssMB, 0)} MB; load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs; results in ${path.relative(process.cwd(), out)}`,
  ].join('\n');
}

if (require.main === module) runScript(run);
