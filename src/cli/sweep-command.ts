/**
 * `stochgrad sweep PLAN --out DIR`: a grid of training runs (src/sweep/) on a pool of worker
 * processes, one run by index (`--index I`, what a Slurm array task runs), as a Slurm job array
 * (`--slurm`), or only merging what DIR holds (`--collect`). Exit codes: 0 when no run failed
 * or diverged (pending runs do not count; `--index I` answers for run I), 1 when some did, 2 for
 * a bad command line or plan.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { openSweep, runDir, sweepFile, type Sweep } from '../sweep/layout';
import { collectRuns, mergeSweep, type MergedResults } from '../sweep/merge';
import { runPool } from '../sweep/pool';
import { createSweepProgress, type SweepProgressOptions } from '../sweep/progress';
import { isFinal, readRunRecord, type RunRecord } from '../sweep/record';
import { writeSweepReport } from '../sweep/report';
import { runIndex, type RunIndexOptions } from '../sweep/run';
import { submitScript, writeSbatchScript } from '../sweep/slurm';
import type { Command } from './command';
import { optionsHelp, parseCommandLine, type OptionsSpec, type ParsedOptions } from '../terminal/options';
import { formatNumber } from '../viz/format-number';
import { renderTable, type Column } from '../terminal/table';
import { PartialFailure, UsageError } from '../terminal/usage-error';

/** The default number of workers: one per CPU core (wasm computes on one thread per process). */
export function defaultWorkers(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export const SWEEP_OPTIONS = {
  out: {
    kind: 'string',
    placeholder: 'dir',
    required: true,
    help: 'the sweep directory: runs/<index>-<slug>/, merged results.json, results.csv, history.csv',
  },
  workers: {
    kind: 'integer',
    min: 1,
    help: `worker processes, one run each at a time (default: the number of CPU cores, ${defaultWorkers()} here)`,
  },
  index: {
    kind: 'integer',
    min: 0,
    help: 'train run I only (what a Slurm array task runs); a finished run is left alone',
  },
  collect: { kind: 'flag', help: 'only merge what DIR holds into results.json, results.csv, history.csv' },
  json: { kind: 'flag', help: 'print the merged results.json object as the last line of stdout' },
  report: {
    kind: 'flag',
    help: 'also write DIR/report.html: per grid point, mean ± se over seeds as curves with bands and a final table',
  },
  slurm: {
    kind: 'flag',
    help: 'write DIR/sweep.sbatch, a Slurm job array with one task per run, and print the sbatch command',
  },
  partition: { kind: 'string', placeholder: 'name', help: 'with --slurm: the partition (#SBATCH --partition)' },
  time: {
    kind: 'string',
    placeholder: 'limit',
    help: 'with --slurm: time limit per task, e.g. 12:00:00 (#SBATCH --time)',
  },
  'max-parallel': {
    kind: 'integer',
    min: 1,
    help: 'with --slurm: array tasks running at once, the K of --array=0-(N-1)%K (default all)',
  },
  'sbatch-arg': {
    kind: 'strings',
    placeholder: 'option',
    help: 'with --slurm: one more #SBATCH line, e.g. --sbatch-arg --mem=4G',
  },
  prologue: {
    kind: 'strings',
    placeholder: 'line',
    help: "with --slurm: a shell line run before each task, e.g. --prologue 'module load nodejs'",
  },
  node: {
    kind: 'string',
    placeholder: 'path',
    help: `with --slurm: the node executable on the compute nodes (default ${process.execPath})`,
  },
  submit: { kind: 'flag', help: 'with --slurm: also submit the script with sbatch and print the job id' },
  help: { kind: 'flag', short: 'h', help: 'print this help' },
} as const satisfies OptionsSpec;

type SweepOptions = ParsedOptions<typeof SWEEP_OPTIONS>;

const SLURM_ONLY = ['partition', 'time', 'max-parallel', 'node', 'submit'] as const;

/** The stochgrad command-line script that workers and Slurm tasks run (this build's main.js). */
export const CLI_SCRIPT = path.join(__dirname, 'main.js');

function usage(): string {
  return [
    'usage: stochgrad sweep PLAN --out DIR [--workers N] [--json] [--report]',
    '       stochgrad sweep PLAN --out DIR --index I',
    '       stochgrad sweep PLAN --out DIR --slurm [--partition P] [--time T] [--max-parallel K] [--sbatch-arg ARG]… [--prologue LINE]… [--submit]',
    '       stochgrad sweep PLAN --out DIR --collect [--json] [--report]',
    '',
    'Runs a grid of `stochgrad train` runs. PLAN is a JSON file:',
    '  {"name": "vae-fashion-linear", "about": "what it reproduces", "task": "vae",',
    '   "base": {"dataset": "fashion-mnist", "steps": 50000, "lr": 1e-4, "eval-every": 1000},',
    '   "grid": {"estimators": ["reinforce-loo", "arm", "disarm"], "seed": [1, 2]}}',
    'Keys of base and grid are stochgrad train options without -- (same meaning and defaults);',
    'every grid value is an array and the runs are their product, one estimator each, numbered',
    '0..N-1 with the last grid key varying fastest. checkpoint-every defaults to 5% of the steps.',
    '',
    'Each run lives in DIR/runs/<index>-<slug>/ (history.csv, results.json, run.log, checkpoints);',
    'after every finished run DIR/results.json, results.csv and history.csv are rewritten. Finished',
    'runs are never rerun; a killed sweep, started again, resumes the others from their checkpoints;',
    'failed runs are tried again. Two processes on one run: the second waits for the first.',
    'A run that fails or diverges (NaN or infinite objective or gradient) is marked, the others go',
    'on, and the exit code is 1 (0: none failed or diverged; 2: a bad plan or command line,',
    'refused before anything runs). Progress goes to stderr; --json prints results.json as the',
    'last stdout line.',
    '',
    'options:',
    optionsHelp(SWEEP_OPTIONS),
  ].join('\n');
}

function checkPlanArgument(positionals: readonly string[]): void {
  if (positionals.length === 0)
    throw new UsageError(
      'missing PLAN: stochgrad sweep PLAN --out DIR [options], PLAN a JSON file (stochgrad sweep --help)',
    );
}

function checkCombinations(options: SweepOptions): void {
  const modes = (['index', 'collect', 'slurm'] as const).filter(
    (mode) => options[mode] !== undefined && options[mode] !== false,
  );
  if (modes.length > 1)
    throw new UsageError(`options ${modes.map((mode) => `--${mode}`).join(' and ')} exclude each other`);
  if (options.workers !== undefined && modes.length > 0)
    throw new UsageError(`option --workers sets the local pool; it does not go with --${modes[0]}`);
  if (!options.slurm) {
    const given = [
      ...SLURM_ONLY.filter((name) => options[name] !== undefined && options[name] !== false),
      ...(['sbatch-arg', 'prologue'] as const).filter((name) => options[name].length > 0),
    ];
    if (given.length > 0) throw new UsageError(`option --${given[0]} goes with --slurm`);
  } else if (options.report || options.json) {
    throw new UsageError(
      `option --${options.report ? 'report' : 'json'} does not go with --slurm; after the job, run --collect ${options.report ? '--report' : '--json'}`,
    );
  }
}

/** Counts of failed and diverged runs, for the exit code and the message. */
function failures(merged: MergedResults): string | undefined {
  const failed = merged.runs.filter((run) => run.status === 'failed').length;
  const diverged = merged.runs.filter((run) => run.status === 'diverged').length;
  if (failed + diverged === 0) return undefined;
  const parts = [
    ...(failed > 0 ? [`${failed} run${failed > 1 ? 's' : ''} failed`] : []),
    ...(diverged > 0 ? [`${diverged} diverged`] : []),
  ];
  return `${parts.join(', ')} (see the error fields of results.json and each run's run.log)`;
}

const cellOf = (value: unknown) =>
  value == null
    ? ''
    : typeof value === 'number'
      ? formatNumber(value, 5)
      : Array.isArray(value)
        ? value.join(',')
        : String(value);

/** The merged results as a text table: index, grid values, status, summary numbers. */
export function sweepTable(sweep: Sweep, merged: MergedResults): string {
  const keys = Object.keys(sweep.plan.grid);
  const summary = [...new Set(merged.runs.flatMap((run) => Object.keys(run.result ?? {})))].filter(
    (key) => key !== 'estimator',
  );
  const columns: Column[] = [
    { header: 'index', align: 'right' },
    ...keys.map((key): Column => ({ header: key })),
    { header: 'status' },
    ...summary.map((key): Column => ({ header: key, align: 'right' })),
  ];
  const rows = merged.runs.map((run) => [
    String(run.index),
    ...keys.map((key) => cellOf(run.options[key])),
    run.status,
    ...summary.map((key) => cellOf(run.result?.[key])),
  ]);
  return renderTable(columns, rows, 'text');
}

/** stdout of the pool and --collect: the table and what was written, or the JSON line. */
function finish(sweep: Sweep, merged: MergedResults, options: SweepOptions, extra: string[] = []): string {
  const written = [sweepFile(sweep, 'results'), sweepFile(sweep, 'resultsCsv'), sweepFile(sweep, 'history')];
  if (options.report) written.push(writeSweepReport(sweep, merged));
  const output = options.json
    ? JSON.stringify(merged)
    : [
        `sweep ${sweep.plan.name}: ${sweep.runs.length} runs of stochgrad train ${sweep.plan.task}`,
        ...extra,
        '',
        sweepTable(sweep, merged),
        '',
        `wrote ${written.join(', ')}`,
      ].join('\n');
  const failed = failures(merged);
  if (failed !== undefined) throw new PartialFailure(output, failed);
  return output;
}

/** What the command needs from outside; tests pass fakes. */
export interface SweepDependencies {
  /** Progress display of the pool (default: stderr, bars on a TTY). */
  progress?: SweepProgressOptions;
  /** For --index: the runner and backend set-up (default the real ones). */
  run?: Pick<RunIndexOptions, 'runner' | 'initBackend'>;
  /** The script workers run (default this build's main.js). */
  cli?: string;
}

async function runPoolMode(sweep: Sweep, options: SweepOptions, dependencies: SweepDependencies): Promise<string> {
  const records = sweep.runs.map((run) => readRunRecord(runDir(sweep, run.index)));
  const todo = sweep.runs.filter((_, i) => !isFinal(records[i])).map((run) => run.index);
  const count = (status: string) => records.filter((record) => isFinal(record) && record.status === status).length;
  await mergeSweep(sweep);
  const progress = createSweepProgress(
    {
      total: sweep.runs.length,
      finished: { done: count('done'), failed: 0, diverged: count('diverged') },
      steps: todo.reduce((sum, i) => sum + sweep.runs[i].config.steps, 0),
    },
    dependencies.progress,
  );
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(), todo.length));
  try {
    await runPool(sweep, todo, { workers, cli: dependencies.cli ?? CLI_SCRIPT, progress });
  } finally {
    progress.stop();
  }
  const merged = await mergeSweep(sweep);
  const skipped = sweep.runs.length - todo.length;
  return finish(sweep, merged, options, [
    `${todo.length} run${todo.length === 1 ? '' : 's'} on ${todo.length > 0 ? workers : 0} worker${workers === 1 ? '' : 's'}${skipped > 0 ? `, ${skipped} finished before` : ''}`,
  ]);
}

async function runIndexMode(
  sweep: Sweep,
  index: number,
  options: SweepOptions,
  dependencies: SweepDependencies,
): Promise<string> {
  if (index >= sweep.runs.length)
    throw new UsageError(
      `option --index expects an integer in [0, ${sweep.runs.length - 1}] (the plan has ${sweep.runs.length} runs), got ${index}`,
    );
  const underPool = typeof process.send === 'function';
  let record: RunRecord;
  try {
    record = await runIndex(sweep, index, {
      ...dependencies.run,
      ...(underPool
        ? { onEvent: (event) => void (process.connected && process.send!(event)), parentPid: process.ppid }
        : { echo: process.stderr }),
    });
  } finally {
    if (underPool && process.connected) process.disconnect(); // else the IPC channel keeps the worker alive
  }
  const merged = collectRuns(sweep);
  if (options.report) writeSweepReport(sweep, merged);
  const line = `run ${index} ${sweep.runs[index].slug}: ${record.status}${record.error ? ` (${record.error})` : ''}`;
  const output = options.json ? JSON.stringify(merged) : line;
  if (record.status !== 'done') throw new PartialFailure(output, line);
  return output;
}

async function runSlurmMode(sweep: Sweep, options: SweepOptions, cli: string): Promise<string> {
  await mergeSweep(sweep); // results.json lists every run (pending) before the first task ends
  const file = writeSbatchScript(sweep, {
    cli,
    node: options.node ?? process.execPath,
    ...(options.partition !== undefined ? { partition: options.partition } : {}),
    ...(options.time !== undefined ? { time: options.time } : {}),
    ...(options['max-parallel'] !== undefined ? { maxParallel: options['max-parallel'] } : {}),
    sbatchArgs: options['sbatch-arg'],
    prologue: options.prologue,
  });
  const lines = [`wrote ${file}: a job array of ${sweep.runs.length} tasks, one per run`, `sbatch ${file}`];
  if (options.submit) lines.push(submitScript(file));
  return lines.join('\n');
}

/** The sweep command; `dependencies` lets tests replace the runner, the progress display and the worker script. */
export function makeSweepCommand(dependencies: SweepDependencies = {}): Command {
  return {
    name: 'sweep',
    summary: 'run a grid of training runs from a plan file, on every core or as a Slurm job array',
    usage,
    async run(argv) {
      const { options, positionals } = parseCommandLine(argv, SWEEP_OPTIONS, 1, checkPlanArgument);
      if (options.help) return usage();
      checkCombinations(options);
      const sweep = openSweep(positionals[0], options.out);
      if (options.index !== undefined) return runIndexMode(sweep, options.index, options, dependencies);
      if (options.slurm) return runSlurmMode(sweep, options, dependencies.cli ?? CLI_SCRIPT);
      if (options.collect) return finish(sweep, await mergeSweep(sweep), options);
      return runPoolMode(sweep, options, dependencies);
    },
  };
}

export const sweepCommand: Command = makeSweepCommand();
