/**
 * The local pool: N worker processes, each running one run at a time as
 * `node <cli> sweep PLAN --out DIR --index I` (the very command a Slurm array task runs), so a
 * run is isolated in its own process (its own backend, memory, crash) and wasm's one thread per
 * process fills N cores. Workers report start and progress over the IPC channel; when one
 * exits, the pool reads the run's record, records a crash as a failed run, and starts the next.
 * Runs whose lock a live process holds (another sweep on the same DIR) are started last; their
 * worker waits for that process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { RUN_FILES, runDir, type Sweep } from './layout';
import { lockState } from './lock';
import type { SweepProgress } from './progress';
import { readRunRecord } from './record';
import { recordCrash, type WorkerEvent } from './run';

export interface PoolOptions {
  /** Worker processes (at most one per run). */
  workers: number;
  /** The stochgrad command-line script (`dist/cli/main.js`). */
  cli: string;
  progress: SweepProgress;
}

/** Whether a live process holds the run's lock. */
const heldElsewhere = (sweep: Sweep, index: number) =>
  lockState(path.join(runDir(sweep, index), RUN_FILES.lock))?.stale === false;

/** Removes and returns the first queued run not held by a live process (else the first). */
function nextIndex(sweep: Sweep, queue: number[]): number {
  const free = queue.findIndex((index) => !heldElsewhere(sweep, index));
  return queue.splice(Math.max(0, free), 1)[0];
}

/** The last non-empty line a worker wrote to stderr (its crash message, if any). */
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

function describeExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const said = lastLine(stderr);
  return `its worker process (pid ${child.pid}) ${how} without recording a result${said ? `: ${said}` : ''}`;
}

/** Runs `indices` of `sweep` on the pool; resolves when every one has ended. */
export function runPool(sweep: Sweep, indices: readonly number[], options: PoolOptions): Promise<void> {
  const queue = [...indices];
  let active = 0;
  const label = (index: number) => sweep.runs[index].slug;
  const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--test'));

  return new Promise((resolve, reject) => {
    const finish = async (
      index: number,
      child: ChildProcess,
      code: number | null,
      signal: NodeJS.Signals | null,
      stderr: string,
    ) => {
      const dir = runDir(sweep, index);
      if (!readRunRecord(dir)) await recordCrash(sweep, index, describeExit(child, code, signal, stderr));
      const record = readRunRecord(dir);
      if (record) options.progress.finished(index, label(index), record.status, record.error);
      else options.progress.finished(index, label(index), 'failed', 'no result: another process holds the run');
    };
    const launch = (index: number) => {
      active += 1;
      const child = fork(options.cli, ['sweep', sweep.planFile, '--out', sweep.dir, '--index', String(index)], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        execArgv,
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      child.on('message', (event: WorkerEvent) => {
        if (event.type === 'start') options.progress.started(index, label(index), event.steps);
        else if (event.type === 'progress') options.progress.progress(index, event.step, event.steps);
        else options.progress.waiting(index, label(index), event.holder);
      });
      child.on('close', (code, signal) => {
        finish(index, child, code, signal, stderr).then(() => {
          active -= 1;
          fill();
        }, reject);
      });
    };
    const fill = () => {
      while (active < options.workers && queue.length > 0) launch(nextIndex(sweep, queue));
      if (active === 0 && queue.length === 0) resolve();
    };
    fill();
  });
}
