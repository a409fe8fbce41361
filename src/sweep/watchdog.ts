/**
 * The heartbeat of a sweep run, in a worker thread so that it beats while the main thread
 * trains (`train` yields to the event loop only at evaluations, which may be minutes apart).
 * Every `intervalMs` it
 * - touches the run's lock file while the lock is still this process's, and kills the process
 *   when it is not (another process judged it stale and took the run over: stop before writing
 *   anything more);
 * - kills the process when the pool that forked it is gone (`parentPid`), so killing a sweep
 *   stops its workers too. Their checkpoints stay; the next sweep resumes from them.
 */
import { Worker } from 'node:worker_threads';

export interface WatchdogOptions {
  intervalMs: number;
  /** The lock to keep fresh, and the token that makes it ours. */
  lock?: { file: string; token: string };
  /** The pool's pid: when this process's parent changes, it was orphaned. */
  parentPid?: number;
  /** Where to say why the process stopped. */
  logFile?: string;
}

export interface Watchdog {
  /** Ends the thread; resolves once it can no longer act (release the lock only after this). */
  stop(): Promise<void>;
}

const WORKER_CODE = `
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const { intervalMs, lock, parentPid, logFile } = workerData;
function stop(why) {
  try {
    if (logFile) fs.appendFileSync(logFile, new Date().toISOString() + ' ' + why + '; stopping (pid ' + process.pid + ')\\n');
  } catch {}
  process.kill(process.pid, 'SIGKILL');
}
setInterval(() => {
  if (parentPid !== undefined && process.ppid !== parentPid) return stop('the sweep process ' + parentPid + ' is gone');
  if (!lock) return;
  let ours = false;
  try { ours = JSON.parse(fs.readFileSync(lock.file, 'utf8')).token === lock.token; } catch {}
  if (!ours) return stop('another process took over the run lock ' + lock.file);
  const now = new Date();
  try { fs.utimesSync(lock.file, now, now); } catch {}
}, intervalMs);
`;

/** Starts the heartbeat thread; it never keeps the process alive by itself. */
export function startWatchdog(options: WatchdogOptions): Watchdog {
  const worker = new Worker(WORKER_CODE, { eval: true, workerData: options });
  worker.unref();
  return { stop: async () => void (await worker.terminate()) };
}
