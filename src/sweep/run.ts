/**
 * Run index I of a sweep: the one function that a pool worker, `stochgrad sweep PLAN --out DIR
 * --index I` and a Slurm array task all execute.
 *
 * 1. A finished run (`done` or `diverged`, in its `results.json`) is left alone: idempotent.
 * 2. Otherwise the run's lock is taken, waiting while another live process holds it (a Slurm
 *    requeue racing a straggler: the second waits, then finds the run finished, or takes over
 *    a dead holder's run from its checkpoint). A heartbeat thread keeps the lock fresh.
 * 3. The run is `stochgrad train <task> --estimators <e> …` with its plan options, through
 *    `parseTrainArgs` and the same runner, plus `--out <run dir>`, `--checkpoint-every` (default
 *    5% of the steps) and `--resume <run dir>` when a checkpoint exists. Checkpoints are
 *    written atomically by `train`; the numbers are those of an uninterrupted run.
 * 4. Its `history.csv` and `results.json` are written atomically (only while the lock is still
 *    ours), the lock released, and the merged outputs rewritten (`mergeSweep`) — also when the
 *    run had been finished already.
 *
 * A failed run (an exception) is recorded as `failed` with the message (the stack goes to
 * `run.log`) and is tried again by the next sweep over the same directory; `done` and
 * `diverged` runs are final.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendName } from '../backend';
import { createProgress, type ProgressStream } from '../terminal/progress';
import { initCommandBackend, parseTrainArgs, type ExperimentRunner } from '../experiments/train-options';
import { resultRecords, runsHistoryCsv } from '../experiments/outputs';
import { CHECKPOINT_FILE } from '../train/checkpoint';
import { runExperiment } from '../experiments/experiment';
import type { EstimatorRun, ExperimentConfig } from '../experiments/experiment-types';
import { RUN_FILES, runDir, type Sweep } from './layout';
import { acquireLock, describeHolder, heartbeatMs, writeFileAtomic, type Lock } from './lock';
import { mergeSweep } from './merge';
import { checkpointEvery } from './plan';
import { isFinal, readRunRecord, type RunRecord } from './record';
import { startWatchdog } from './watchdog';

/** Messages a run sends to the pool that forked it. */
export type WorkerEvent =
  | { type: 'start'; index: number; steps: number }
  | { type: 'progress'; index: number; step: number; steps: number }
  | { type: 'waiting'; index: number; holder: string };

export interface RunIndexOptions {
  /** The experiment runner (default `runExperiment`; tests inject fakes). */
  runner?: ExperimentRunner;
  /** Prepares tfjs and returns the backend's name (default `initBackend`). */
  initBackend?: (backend: BackendName | undefined) => Promise<string>;
  /** Where log lines go besides `run.log` (stderr when run alone or by Slurm). */
  echo?: ProgressStream;
  /** Receives start, progress and waiting events (a pool worker forwards them to the pool). */
  onEvent?: (event: WorkerEvent) => void;
  /** The pool's pid: the run stops when its parent is no longer this process. */
  parentPid?: number;
}

/** Appends timestamped lines to `run.log` (and to `echo`). */
function runLog(dir: string, echo: ProgressStream | undefined) {
  const file = path.join(dir, RUN_FILES.log);
  const write = (text: string) => {
    fs.appendFileSync(file, text);
    echo?.write(text);
  };
  return { file, stream: { write }, line: (text: string) => write(`${new Date().toISOString()} ${text}\n`) };
}

function recordOf(
  sweep: Sweep,
  index: number,
  fields: Pick<RunRecord, 'status' | 'result' | 'config' | 'backend'> & Partial<RunRecord>,
): RunRecord {
  return {
    index,
    options: sweep.runs[index].options,
    ...fields,
    host: os.hostname(),
    pid: process.pid,
    finished: new Date().toISOString(),
  };
}

function finishedRecord(
  sweep: Sweep,
  index: number,
  run: EstimatorRun,
  config: ExperimentConfig,
  backend: string,
  started: Date,
): RunRecord {
  const [result] = resultRecords([run]);
  const finished = new Date();
  const timing = {
    started: started.toISOString(),
    finished: finished.toISOString(),
    wallSeconds: (finished.getTime() - started.getTime()) / 1000,
  };
  if (!run.diverged) return { ...recordOf(sweep, index, { status: 'done', result, config, backend }), ...timing };
  const error = `diverged at step ${run.diverged.step}: ${run.diverged.reason}`;
  return {
    ...recordOf(sweep, index, { status: 'diverged', result, error, diverged: run.diverged, config, backend }),
    ...timing,
  };
}

/** Writes the run's files, unless another process has taken its lock over. */
function writeRun(dir: string, lock: Lock, record: RunRecord, runs: EstimatorRun[] | undefined): boolean {
  if (!lock.stillHeld()) return false;
  if (runs) writeFileAtomic(path.join(dir, RUN_FILES.history), runsHistoryCsv(runs));
  writeFileAtomic(path.join(dir, RUN_FILES.results), `${JSON.stringify(record, null, 2)}\n`);
  return true;
}

/** The run's train configuration in `dir`, resuming when a checkpoint is there. */
function runConfig(sweep: Sweep, index: number, dir: string) {
  const run = sweep.runs[index];
  const estimator = run.config.estimators[0];
  const resume = fs.existsSync(path.join(dir, estimator, CHECKPOINT_FILE));
  const argv = [
    ...run.trainArgv,
    `--out=${dir}`,
    `--checkpoint-every=${checkpointEvery(run)}`,
    ...(resume ? [`--resume=${dir}`] : []),
  ];
  const parsed = parseTrainArgs(argv);
  if (parsed.help) throw new Error('unreachable: a plan has no help option');
  return { config: parsed.config, backend: parsed.backend, resume };
}

async function takeLock(
  sweep: Sweep,
  index: number,
  file: string,
  options: RunIndexOptions,
  log: (text: string) => void,
): Promise<Lock> {
  let told = false;
  const lock = await acquireLock(file, {
    wait: true,
    onBusy: (holder) => {
      if (options.parentPid !== undefined && process.ppid !== options.parentPid)
        throw new Error('the sweep process that started this run is gone');
      if (told) return;
      told = true;
      log(`run ${index} is held by ${describeHolder(holder)}; waiting for it`);
      options.onEvent?.({ type: 'waiting', index, holder: describeHolder(holder) });
    },
  });
  return lock!;
}

/** Trains the run under its lock and records the outcome. */
async function train(
  sweep: Sweep,
  index: number,
  dir: string,
  lock: Lock,
  options: RunIndexOptions,
  log: ReturnType<typeof runLog>,
): Promise<RunRecord> {
  const planned = sweep.runs[index];
  let config: ExperimentConfig | null = null;
  let backend: string | null = null;
  let record: RunRecord;
  let runs: EstimatorRun[] | undefined;
  const started = new Date();
  try {
    const prepared = runConfig(sweep, index, dir);
    config = prepared.config;
    backend = await (options.initBackend ?? initCommandBackend)(prepared.backend);
    log.line(
      `run ${index} ${planned.slug} on ${os.hostname()} pid ${process.pid}, ${backend} backend${prepared.resume ? ', resuming from its checkpoint' : ''}`,
    );
    options.onEvent?.({ type: 'start', index, steps: config.steps });
    const progress = createProgress({ stream: log.stream, live: false });
    runs = await (options.runner ?? runExperiment)(config, {
      onProgress: (event) => {
        progress.update(event);
        options.onEvent?.({ type: 'progress', index, step: event.step, steps: event.steps });
      },
    });
    record = finishedRecord(sweep, index, runs[0], config, backend, started);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.line(`run ${index} failed: ${error instanceof Error && error.stack ? error.stack : message}`);
    record = recordOf(sweep, index, { status: 'failed', result: null, error: message, config, backend });
    runs = undefined;
  }
  if (!writeRun(dir, lock, record, runs))
    log.line(`run ${index}: another process took the run over; its results are not written by ${process.pid}`);
  else log.line(`run ${index} ${record.status}${record.error ? `: ${record.error}` : ''}`);
  return record;
}

/** Runs run `index` of `sweep`; see the module comment. Resolves with its record. */
export async function runIndex(sweep: Sweep, index: number, options: RunIndexOptions = {}): Promise<RunRecord> {
  const dir = runDir(sweep, index);
  fs.mkdirSync(dir, { recursive: true });
  const log = runLog(dir, options.echo);
  let record = readRunRecord(dir);
  if (!isFinal(record)) {
    const lock = await takeLock(sweep, index, path.join(dir, RUN_FILES.lock), options, log.line);
    const watchdog = startWatchdog({
      intervalMs: heartbeatMs(),
      lock: { file: lock.file, token: lock.holder.token },
      parentPid: options.parentPid,
      logFile: log.file,
    });
    try {
      record = readRunRecord(dir);
      if (isFinal(record)) log.line(`run ${index} was finished by another process: ${record.status}`);
      else {
        if (record) fs.rmSync(path.join(dir, RUN_FILES.results), { force: true }); // an earlier failure, tried again
        record = await train(sweep, index, dir, lock, options, log);
      }
    } finally {
      await watchdog.stop();
      lock.release();
    }
  }
  await mergeSweep(sweep);
  return record;
}

/**
 * Records run `index` as failed when its worker process died without recording anything (killed,
 * out of memory); does nothing when the run has a record or another live process holds it.
 */
export async function recordCrash(sweep: Sweep, index: number, message: string): Promise<void> {
  const dir = runDir(sweep, index);
  const lock = await acquireLock(path.join(dir, RUN_FILES.lock), { wait: false });
  if (!lock) return;
  try {
    if (readRunRecord(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    fs.appendFileSync(path.join(dir, RUN_FILES.log), `${new Date().toISOString()} run ${index} failed: ${message}\n`);
    writeRun(
      dir,
      lock,
      recordOf(sweep, index, { status: 'failed', result: null, error: message, config: null, backend: null }),
      undefined,
    );
  } finally {
    lock.release();
  }
}
