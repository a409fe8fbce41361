/** Shared helpers of the sweep tests: plans in temporary directories, the built CLI, comparisons without wall-clock seconds. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCsv } from '../src/data/csv';

/** The stochgrad CLI compiled with the tests (.build/src/cli/main.js), the one sweep workers fork. */
export const CLI = path.resolve(__dirname, '..', 'src', 'cli', 'main.js');

export const ENV = { ...process.env, STOCHGRAD_BACKEND: 'wasm' };

const made: string[] = [];

export function tempDir(prefix = 'stochgrad-sweep-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `plan` as `<dir>/<name>.json`; returns its path. */
export function writePlan(dir: string, plan: unknown, name = 'plan'): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(plan, null, 2));
  return file;
}

/** Runs `stochgrad …args` to the end. */
export function stochgrad(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: ENV, maxBuffer: 64 * 1024 * 1024 });
}

/** Starts `stochgrad …args` (its own process group when `detached`); resolves with code and output. */
export function stochgradAsync(args: string[], options: { detached?: boolean } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: ENV,
    detached: options.detached ?? false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Polls `condition` every 50 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** JSON text with every `seconds` field left out (wall-clock time never repeats). */
export function jsonWithoutSeconds(value: unknown): string {
  return JSON.stringify(value, (key, v) => (key === 'seconds' ? undefined : v));
}

/** CSV text without its `seconds` column. */
export function csvWithoutSeconds(text: string): string[][] {
  const { columns, rows } = parseCsv(text);
  const keep = columns.map((column) => column !== 'seconds');
  return [columns, ...rows].map((cells) => cells.filter((_, i) => keep[i]));
}

export const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The merged outputs of a sweep directory without wall-clock seconds. */
export function mergedWithoutSeconds(dir: string) {
  return {
    results: jsonWithoutSeconds(readJson(path.join(dir, 'results.json'))),
    resultsCsv: csvWithoutSeconds(fs.readFileSync(path.join(dir, 'results.csv'), 'utf8')),
    history: csvWithoutSeconds(fs.readFileSync(path.join(dir, 'history.csv'), 'utf8')),
  };
}

/** The directory of run `index` under `<dir>/runs/`, if it exists yet. */
export function findRunDir(dir: string, index: number): string | undefined {
  const runs = path.join(dir, 'runs');
  const name = fs.existsSync(runs) ? fs.readdirSync(runs).find((entry) => entry.startsWith(`${index}-`)) : undefined;
  return name === undefined ? undefined : path.join(runs, name);
}

/** The directory of run `index` under `<dir>/runs/`. */
export function runDirOf(dir: string, index: number): string {
  const found = findRunDir(dir, index);
  assert.ok(found, `no directory for run ${index} in ${dir}/runs`);
  return found;
}

/** Whether run `index` has its record (it ended). */
export function hasRecord(dir: string, index: number): boolean {
  const run = findRunDir(dir, index);
  return run !== undefined && fs.existsSync(path.join(run, 'results.json'));
}

/** Whether run `index` has written a checkpoint (into `<run>/<estimator>/`). */
export function hasCheckpoint(dir: string, index: number): boolean {
  const run = findRunDir(dir, index);
  return (
    run !== undefined && fs.readdirSync(run).some((entry) => fs.existsSync(path.join(run, entry, 'checkpoint.json')))
  );
}

const references = new Map<string, string>();

/** The output directory of one uninterrupted 2-worker sweep of `plan`, run once per plan and shared. */
export function referenceSweep(plan: unknown): string {
  const key = JSON.stringify(plan);
  const cached = references.get(key);
  if (cached) return cached;
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const result = stochgrad('sweep', writePlan(dir, plan), '--out', out, '--workers', '2');
  assert.equal(result.status, 0, result.stderr);
  references.set(key, out);
  return out;
}
