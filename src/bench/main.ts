#!/usr/bin/env node
/**
 * `npm run bench`: SBN VAE training steps on every available tfjs backend next to the PyTorch
 * peer (`bench/peer/sbn_vae.py`, one and two threads), the matMul floor of each step, peak RSS,
 * and estimates per second on ARM's toy. Prints tables and writes `bench/results.json`.
 * `node dist/bench/main.js --help` lists the options.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { BACKENDS, initBackend, type BackendName } from '../backend';
import { NETWORK_ESTIMATOR_NAMES, networkEstimator } from '../estimators/layer';
import type { EstimatorName } from '../estimators/registry';
import { compareEstimators } from '../metrics/compare';
import { optionsHelp, parseOptions, type OptionsSpec } from '../cli/options';
import { renderTable, type Column } from '../cli/table';
import { describeError, exitCodeFor } from '../cli/usage-error';
import { runPeer, type PeerResult } from './peer';
import { BENCH_MODELS, benchSbnStep, matMulRate, type MatMulRate, type SbnStepResult } from './sbn-steps';

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
    default: ['reinforce-loo', 'muprop', 'arm', 'disarm', 'st'],
    help: `estimators (any of ${NETWORK_ESTIMATOR_NAMES.join(', ')}); reinforce-loo uses 2 samples`,
    validate: (name: string, option: string) => void networkEstimator(name, option),
  },
  steps: { kind: 'integer', min: 1, default: 60, help: 'timed steps per row (the median is reported)' },
  warmup: { kind: 'integer', min: 0, default: 10, help: 'untimed steps before timing' },
  'cpu-steps': { kind: 'integer', min: 1, default: 5, help: 'timed steps per row on the slow cpu backend' },
  peer: { kind: 'choice', choices: ['on', 'off'], default: 'on', help: 'run the PyTorch peer with 1 and 2 threads' },
  out: { kind: 'list', default: ['bench/results.json'], help: 'where to write the JSON results' },
  help: { kind: 'flag', help: 'print this help' },
} as const satisfies OptionsSpec;

interface BackendReport {
  backend: string;
  matmul?: MatMulRate;
  rows: (SbnStepResult & { floorMs: number })[];
  toy?: { estimator: string; estimatesPerSecond: number }[];
  error?: string;
}

interface PeerReport {
  threads: number;
  result?: PeerResult;
  error?: string;
}

const fmt = (value: number | undefined, digits = 2) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

async function benchBackend(name: BackendName, options: ReturnType<typeof parseOptions<typeof OPTIONS>>): Promise<BackendReport> {
  try {
    await initBackend({ backend: name, log: false });
  } catch (error) {
    return { backend: name, rows: [], error: (error as Error).message };
  }
  const steps = name === 'cpu' ? options['cpu-steps'] : options.steps;
  const warmup = name === 'cpu' ? Math.min(options.warmup, 2) : options.warmup;
  const matmul = matMulRate();
  const rows: BackendReport['rows'] = [];
  for (const model of options.models as (typeof BENCH_MODELS)[number][]) {
    for (const estimator of options.estimators) {
      const row = await benchSbnStep(model, estimator, warmup, steps);
      rows.push({ ...row, floorMs: row.matMulMFlop / matmul.gflops });
      process.stderr.write(`bench: ${name} ${model} ${estimator}: gradients ${fmt(row.gradient.ms)} ms, train ${fmt(row.train.ms)} ms\n`);
    }
  }
  const comparison = await compareEstimators({
    estimators: options.estimators as EstimatorName[],
    logit: 0,
    p0: 0.49,
    units: 1,
    samples: name === 'cpu' ? 2000 : 20000,
    seed: 1,
    repeats: 5,
  });
  const toy = comparison.rows.map((row) => ({ estimator: row.estimator, estimatesPerSecond: row.estimatesPerSecond }));
  return { backend: name, matmul, rows, toy };
}

function peerRow(peer: PeerReport | undefined, model: string, estimator: string) {
  return peer?.result?.rows.find((row) => row.model === model && row.estimator === estimator);
}

/** "wall (cpu)" milliseconds. */
const timing = (wall: number | undefined, cpu: number | undefined) => `${fmt(wall)} (${fmt(cpu)})`;

function stepTable(report: BackendReport, peers: PeerReport[]): string {
  const columns: Column[] = [
    { header: 'model' },
    { header: 'estimator' },
    { header: 'grad ms (cpu)', align: 'right' },
    { header: 'train ms (cpu)', align: 'right' },
    { header: 'matMul floor ms', align: 'right' },
    ...peers.flatMap((peer): Column[] => [
      { header: `torch×${peer.threads} grad (cpu)`, align: 'right' },
      { header: `torch×${peer.threads} train (cpu)`, align: 'right' },
      { header: `ratio×${peer.threads} grad (cpu)`, align: 'right' },
      { header: `ratio×${peer.threads} train (cpu)`, align: 'right' },
    ]),
  ];
  const ratio = (ours: number, theirs: number | undefined) => (theirs ? (ours / theirs).toFixed(1) : '–');
  const rows = report.rows.map((row) => [
    row.model,
    row.samples > 1 ? `${row.estimator} (${row.samples})` : row.estimator,
    timing(row.gradient.ms, row.gradient.cpuMs),
    timing(row.train.ms, row.train.cpuMs),
    fmt(row.floorMs),
    ...peers.flatMap((peer) => {
      const theirs = peerRow(peer, row.model, row.estimator);
      if (!theirs) return ['–', '–', '–', '–'];
      return [
        timing(theirs.gradientMs, theirs.gradientCpuMs),
        timing(theirs.trainMs, theirs.trainCpuMs),
        `${ratio(row.gradient.ms, theirs.gradientMs)} (${ratio(row.gradient.cpuMs, theirs.gradientCpuMs)})`,
        `${ratio(row.train.ms, theirs.trainMs)} (${ratio(row.train.cpuMs, theirs.trainCpuMs)})`,
      ];
    }),
  ]);
  return renderTable(columns, rows, 'markdown');
}

function toyTable(report: BackendReport): string {
  const rows = (report.toy ?? []).map((row) => [row.estimator, row.estimatesPerSecond.toExponential(2)]);
  return renderTable([{ header: 'estimator' }, { header: "estimates/s on ARM's toy", align: 'right' }], rows, 'markdown');
}

function describePeer(peer: PeerReport): string {
  if (!peer.result) return `PyTorch peer, ${peer.threads} thread(s): not run — ${peer.error}`;
  const r = peer.result;
  return `PyTorch ${r.torch}, ${r.threads} thread(s), BLAS: ${r.blas}${r.blasThreads ? ` (${r.blasThreads})` : ''}; data: ${r.data ?? 'not stated'}; matMul ${r.matmul.shape.join('×')} ${fmt(r.matmul.ms, 3)} ms (${fmt(r.matmul.gflops, 1)} GFLOP/s)`;
}

async function run(argv: readonly string[]): Promise<string> {
  const options = parseOptions(argv, OPTIONS);
  if (options.help) return ['usage: npm run bench -- [options]', '', 'options:', optionsHelp(OPTIONS)].join('\n');
  const reports: BackendReport[] = [];
  for (const backend of options.backends) reports.push(await benchBackend(backend as BackendName, options));
  const peers: PeerReport[] =
    options.peer === 'on'
      ? [1, 2].map((threads) => {
          process.stderr.write(`bench: PyTorch peer with ${threads} thread(s)\n`);
          const peer = runPeer({ root: ROOT, models: options.models, estimators: options.estimators, batch: 50, steps: options.steps, warmup: options.warmup, threads });
          return { threads, ...peer };
        })
      : [];
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAverage: os.loadavg() },
    node: process.version,
    tfjs: tf.version.tfjs,
    note: 'wasm runs one thread in Node; times are medians per step of wall-clock and of process CPU milliseconds, batch 50 (rows[].data says which images)',
    settings: { steps: options.steps, warmup: options.warmup, cpuSteps: options['cpu-steps'], batch: 50 },
    peakRssMB,
    backends: reports,
    peers,
  };
  const out = path.resolve(ROOT, options.out[0]);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  const sections = reports.map((report) => {
    if (report.error) return `## tfjs ${report.backend}: not available — ${report.error}`;
    const m = report.matmul!;
    return [
      `## tfjs ${report.backend} (tfjs ${tf.version.tfjs}; plain matMul ${m.shape.join('×')} ${fmt(m.ms, 3)} ms = ${fmt(m.gflops, 1)} GFLOP/s; data: ${report.rows[0]?.data ?? '–'})`,
      '',
      stepTable(report, peers),
      '',
      toyTable(report),
    ].join('\n');
  });
  return [
    ...sections,
    '',
    ...peers.map(describePeer),
    `peak RSS ${fmt(peakRssMB, 0)} MB; load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs; results in ${path.relative(process.cwd(), out)}`,
  ].join('\n');
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (output) => process.stdout.write(`${output}\n`),
    (error) => {
      process.stderr.write(`${describeError(error)}\n`);
      process.exitCode = exitCodeFor(error);
    },
  );
}
