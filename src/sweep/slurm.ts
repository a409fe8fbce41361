/**
 * A sweep as a Slurm job array: `DIR/sweep.sbatch` runs task I as
 * `<node> <cli> sweep PLAN --out DIR --index $SLURM_ARRAY_TASK_ID` (absolute paths), one CPU per
 * task, `--requeue` (a task lost with its node is run again and resumes from its checkpoint),
 * `--array=0-(N−1)%K` (K tasks at once; K = N unless `--max-parallel`), one log per task in
 * `DIR/logs/<job>_<task>.log` (appended to when a task is requeued). Every task merges the
 * results when its run ends, so `DIR/results.json` is current while the job runs.
 *
 * On a real cluster DIR and the plan must be on a file system the compute nodes share, and
 * Node must be there too: `node` (default: the absolute path of the Node running this command)
 * names it, and `prologue` lines (e.g. `module load nodejs`) and extra `#SBATCH` lines
 * (`sbatchArgs`, e.g. `--mem=4G`, `--account=…`) adapt the script to the site.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '../errors';
import { SWEEP_FILES, sweepFile, type Sweep } from './layout';

export interface SlurmOptions {
  /** The stochgrad command-line script (`dist/cli/main.js`), absolute. */
  cli: string;
  /** The node executable on the compute nodes. */
  node: string;
  partition?: string;
  /** Time limit per task, e.g. `2:00:00`. */
  time?: string;
  /** Tasks running at once (default: all). */
  maxParallel?: number;
  /** Extra `#SBATCH` lines, e.g. `--mem=4G`. */
  sbatchArgs?: readonly string[];
  /** Shell lines run before each task, e.g. `module load nodejs`. */
  prologue?: readonly string[];
}

/** Single-quotes `text` for the shell. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function checkSlurmPath(option: string, value: string): void {
  if (/\s/.test(value))
    throw new ArgumentError(
      option,
      `Slurm's #SBATCH lines cannot hold a path with spaces, got ${JSON.stringify(value)}`,
    );
}

/** A job name Slurm accepts: the plan's name with anything unusual replaced by `-`. */
const jobName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'stochgrad-sweep';

/** The text of `DIR/sweep.sbatch`. */
export function sbatchScript(sweep: Sweep, options: SlurmOptions): string {
  checkSlurmPath('--out', sweep.dir);
  const n = sweep.runs.length;
  const parallel = Math.min(options.maxParallel ?? n, n);
  for (const arg of options.sbatchArgs ?? []) {
    if (!arg.startsWith('-'))
      throw new ArgumentError('--sbatch-arg', `expected an sbatch option such as --mem=4G, got ${JSON.stringify(arg)}`);
  }
  const logs = path.join(sweep.dir, SWEEP_FILES.logs);
  const command = [options.node, options.cli, 'sweep', sweep.planFile, '--out', sweep.dir, '--index']
    .map(shellQuote)
    .join(' ');
  return [
    '#!/bin/bash',
    `# stochgrad sweep ${sweep.plan.name}: ${n} run${n === 1 ? '' : 's'} of ${sweep.planFile}, one array task per run.`,
    `# Merge what is there at any time: ${[options.node, options.cli, 'sweep', sweep.planFile, '--out', sweep.dir, '--collect'].map(shellQuote).join(' ')}`,
    `#SBATCH --job-name=${jobName(sweep.plan.name)}`,
    `#SBATCH --array=0-${n - 1}%${parallel}`,
    '#SBATCH --ntasks=1',
    '#SBATCH --cpus-per-task=1',
    '#SBATCH --requeue',
    `#SBATCH --output=${logs}/%A_%a.log`,
    '#SBATCH --open-mode=append',
    ...(options.partition !== undefined ? [`#SBATCH --partition=${options.partition}`] : []),
    ...(options.time !== undefined ? [`#SBATCH --time=${options.time}`] : []),
    ...(options.sbatchArgs ?? []).map((arg) => `#SBATCH ${arg}`),
    'set -eu',
    ...(options.prologue ?? []),
    `exec ${command} $SLURM_ARRAY_TASK_ID`,
    '',
  ].join('\n');
}

/** Writes `DIR/sweep.sbatch` (executable) and creates `DIR/logs/`; returns the script's path. */
export function writeSbatchScript(sweep: Sweep, options: SlurmOptions): string {
  const file = sweepFile(sweep, 'script');
  const text = sbatchScript(sweep, options);
  fs.mkdirSync(path.join(sweep.dir, SWEEP_FILES.logs), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o755 });
  return file;
}

/** Submits the script with `sbatch --parsable`; returns the job id. */
export function submitScript(file: string, sbatch = 'sbatch'): string {
  const result = spawnSync(sbatch, ['--parsable', file], { encoding: 'utf8' });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `${sbatch} not found: is Slurm installed here? The script is written: ${file}`
        : `${sbatch} failed: ${result.error.message}`,
    );
  }
  if (result.status !== 0) throw new Error(`sbatch ${file} failed (exit ${result.status}): ${result.stderr.trim()}`);
  const jobId = result.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId))
    throw new Error(`sbatch ${file} printed ${JSON.stringify(result.stdout.trim())}, not a job id`);
  return jobId;
}
