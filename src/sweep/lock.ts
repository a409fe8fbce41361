/**
 * Locks between processes that may share a sweep directory (a pool's workers, Slurm tasks on
 * several nodes, a requeued task racing its straggler), and atomic file writes.
 *
 * A lock is a file created exclusively — written under a temporary name, then hard-linked to
 * its name, which fails when it exists (atomic on local and network file systems) — holding
 * `{host, pid, started, token}`. Its holder refreshes its modification time (the heartbeat,
 * `src/sweep/watchdog.ts`). It is stale when its pid is dead on this host, or when its
 * heartbeat is older than `staleSeconds()` (60 s, or `STOCHGRAD_LOCK_STALE_SECONDS`); a stale
 * lock is removed under a short-lived breaker lock, so two waiters never both take over.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';

export interface LockHolder {
  host: string;
  pid: number;
  /** ISO time the lock was taken. */
  started: string;
  /** Tells this holding apart from any other (pids are reused). */
  token: string;
}

export interface Lock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Whether the file still holds this lock (false once another process broke it as stale). */
  stillHeld(): boolean;
  /** Removes the lock if it is still ours. */
  release(): void;
}

export interface AcquireOptions {
  /** Wait for a live holder (true), or return undefined at once (false). */
  wait: boolean;
  /** Milliseconds between attempts while waiting (default 500). */
  pollMs?: number;
  /** Called at every attempt that finds a live holder (e.g. to log, or to give up by throwing). */
  onBusy?: (holder: LockHolder | undefined) => void;
}

/** What a lock file says and how old its heartbeat is. */
export interface LockState {
  holder?: LockHolder;
  ageMs: number;
  stale: boolean;
}

const DEFAULT_STALE_SECONDS = 60;
/** A breaker older than this was left by a process that died while breaking: remove it. */
const BREAKER_STALE_MS = 10_000;

/** Seconds after which a lock whose heartbeat stopped is stale (`STOCHGRAD_LOCK_STALE_SECONDS`, default 60). */
export function staleSeconds(): number {
  const value = Number(process.env.STOCHGRAD_LOCK_STALE_SECONDS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_STALE_SECONDS;
}

/** Milliseconds between heartbeats: a sixth of the staleness limit. */
export function heartbeatMs(): number {
  return (staleSeconds() * 1000) / 6;
}

const temporaryName = (file: string) => `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

/** Writes `text` to `file` atomically: a temporary file in the same directory, then rename. */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = temporaryName(file);
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Creates `file` with `text` unless it exists (hard link of a temporary file); true when created. */
function createExclusive(file: string, text: string): boolean {
  const temporary = temporaryName(file);
  fs.writeFileSync(temporary, text);
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder?.pid === 'number' && typeof holder.host === 'string' && typeof holder.token === 'string'
      ? holder
      : undefined;
  } catch {
    return undefined;
  }
}

/** The lock file's holder and staleness; undefined when there is no lock. */
export function lockState(file: string): LockState | undefined {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const holder = parseHolder(text);
  const ageMs = Date.now() - mtimeMs;
  const deadHere = holder !== undefined && holder.host === os.hostname() && !pidAlive(holder.pid);
  return { ...(holder ? { holder } : {}), ageMs, stale: deadHere || ageMs > staleSeconds() * 1000 };
}

/**
 * Removes a stale lock, re-checked under the breaker so that a fresh lock is never removed;
 * false when another process is breaking it.
 */
function breakStale(file: string, seen: LockState): boolean {
  const breaker = `${file}.break`;
  const mine = JSON.stringify({ host: os.hostname(), pid: process.pid });
  if (!createExclusive(breaker, mine)) {
    const age = Date.now() - (fs.statSync(breaker, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > BREAKER_STALE_MS) fs.rmSync(breaker, { force: true });
    return false;
  }
  try {
    const now = lockState(file);
    if (now?.stale && now.holder?.token === seen.holder?.token) fs.rmSync(file, { force: true });
    return true;
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tokenOf(file: string): string | undefined {
  try {
    return parseHolder(fs.readFileSync(file, 'utf8'))?.token;
  } catch {
    return undefined;
  }
}

/** Takes the lock `file`: see the module comment. Resolves undefined when held and not waiting. */
export async function acquireLock(file: string, options: AcquireOptions): Promise<Lock | undefined> {
  const holder: LockHolder = {
    host: os.hostname(),
    pid: process.pid,
    started: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  for (;;) {
    if (createExclusive(file, `${JSON.stringify(holder)}\n`)) {
      return {
        file,
        holder,
        stillHeld: () => tokenOf(file) === holder.token,
        release: () => {
          if (tokenOf(file) === holder.token) fs.rmSync(file, { force: true });
        },
      };
    }
    const state = lockState(file);
    if (state === undefined) continue;
    if (state.stale) {
      if (!breakStale(file, state)) await sleep(50);
      continue;
    }
    options.onBusy?.(state.holder);
    if (!options.wait) return undefined;
    await sleep(options.pollMs ?? 500);
  }
}

/** `host:pid since <time>`, for messages. */
export function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `${holder.host}:${holder.pid} since ${holder.started}` : 'another process';
}
