#!/usr/bin/env node
/**
 * `npm run bench:sweep`: the speed-up of `stochgrad sweep` from more worker processes. A plan of
 * `--runs` equal runs (linear SBN VAE on mnist-10k, DisARM, batch 50, `--steps` steps each,
 * evaluated at the first and last step only; the runs differ only in their seed) is swept with 1
 * worker and with `--workers` workers, alternating in `--rounds` rounds so that both see the same
 * machine, each in a fresh directory. Reports the wall-clock seconds of every sweep, the median
 * speed-up (1-worker time / N-worker time) and the load average before and after; on 2 idle cores
 * 4 runs with 2 workers should finish ≥ 1.7× faster. `node dist/bench/sweep-speed.js --help`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { optionsHelp, parseOptions, type OptionsSpec } from '../terminal/options';
import { median } from './sbn-steps';
import { runScript } from './script';

const CLI = path.join(__dirname, '..', 'cli', 'main.js');

const OPTIONS = {
  runs: { kind: 'integer', min: 1, default: 4, help: 'equal runs in the plan' },
  workers: { kind: 'integer', min: 2, default: 2, help: 'workers of the parallel sweep (compared with 1)' },
  steps: { kind: 'integer', min: 1, default: 600, help: 'training steps per run' },
  rounds: { kind: 'integer', min: 1, default: 2, help: 'rounds of (1 worker, N workers) sweeps' },
  help: { kind: 'flag', help: 'print this help' },
} as const satisfies OptionsSpec;

function plan(runs: number, steps: number) {
  return {
    name: 'sweep-speed',
    about: 'npm run bench:sweep: equal runs, only the seed differs',
    task: 'vae',
    base: { estimators: 'disarm', steps, 'eval-every': steps, batch: 50, latent: 200, 'eval-examples': 200, 'test-examples': 200 },
    grid: { seed: Array.from({ length: runs }, (_, i) => i + 1) },
  };
}

/** Wall-clock seconds of one sweep in a fresh directory. */
function sweepSeconds(planFile: string, workers: number): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-sweep-speed-'));
  try {
    const started = performance.now();
    const result = spawnSync(process.execPath, [CLI, 'sweep', planFile, '--out', out, '--workers', String(workers)], { encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 0) throw new Error(`the sweep with ${workers} workers failed:\n${result.stderr}`);
    return seconds;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');

async function run(argv: readonly string[]): Promise<string> {
  const options = parseOptions(argv, OPTIONS);
  if (options.help) return ['usage: npm run bench:sweep -- [options]', '', 'options:', optionsHelp(OPTIONS)].join('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-sweep-plan-'));
  const planFile = path.join(dir, 'plan.json');
  fs.writeFileSync(planFile, JSON.stringify(plan(options.runs, options.steps)));
  const loadBefore = load();
  const one: number[] = [];
  const many: number[] = [];
  try {
    for (let round = 1; round <= options.rounds; round++) {
      one.push(sweepSeconds(planFile, 1));
      many.push(sweepSeconds(planFile, options.workers));
      process.stderr.write(`bench:sweep: round ${round}: 1 worker ${one.at(-1)!.toFixed(1)} s, ${options.workers} workers ${many.at(-1)!.toFixed(1)} s, load ${load()}\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const ratios = one.map((t, i) => t / many[i]);
  return [
    `stochgrad sweep: ${options.runs} equal runs (linear SBN VAE, disarm, ${options.steps} steps each) on ${os.cpus().length} CPUs`,
    `1 worker:  ${one.map((t) => `${t.toFixed(1)} s`).join(', ')}`,
    `${options.workers} workers: ${many.map((t) => `${t.toFixed(1)} s`).join(', ')}`,
    `speed-up (1-worker time / ${options.workers}-worker time, median of ${options.rounds} rounds): ${median(ratios).toFixed(2)}× (${ratios.map((r) => r.toFixed(2)).join(', ')})`,
    `load average before ${loadBefore}, after ${load()}`,
  ].join('\n');
}

if (require.main === module) runScript(run);
