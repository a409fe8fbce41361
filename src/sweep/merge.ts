/**
 * The merged outputs of a sweep, rebuilt from the runs' own files whenever a run finishes (by
 * the process that finished it: a pool worker, a Slurm task) and by `--collect`:
 *
 * - `DIR/results.json`: `{"plan": {…the plan file…}, "runs": [{"index", "options": {grid
 *   values}, "status": "done" | "failed" | "diverged" | "pending", "result": {train summary
 *   row} | null, "error"?}]}`, one entry per run in index order. A pending run (not started,
 *   running, or interrupted) has `"result": null`; `error` is present for failed and diverged
 *   runs only.
 * - `DIR/results.csv`: `index, <grid keys>, status, <summary columns>` (estimator, steps, the
 *   task's summary, seconds), one row per run; empty cells where there is no value.
 * - `DIR/history.csv`: `index, <grid keys>, <history columns>` (estimator, step, seconds,
 *   trainObjective, the task's metrics), every evaluation row of every run.
 *
 * Each file is written atomically (temporary file, then rename) under `DIR/merge.lock`, so
 * concurrent finishers never interleave and readers never see half a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { csvText, parseCsv, type CsvTable } from '../data/csv';
import { RUN_FILES, runDir, sweepFile, type Sweep } from './layout';
import { acquireLock, writeFileAtomic } from './lock';
import type { PlanValue } from './plan';
import { readRunRecord, type ResultRow, type RunStatus } from './record';

export interface MergedRun {
  index: number;
  options: Record<string, PlanValue>;
  status: RunStatus;
  result: ResultRow | null;
  error?: string;
}

export interface MergedResults {
  plan: Record<string, unknown>;
  runs: MergedRun[];
}

/** Every run's entry, from its record (pending when it has none). */
export function collectRuns(sweep: Sweep): MergedResults {
  const runs = sweep.runs.map((run): MergedRun => {
    const record = readRunRecord(runDir(sweep, run.index));
    if (!record) return { index: run.index, options: run.options, status: 'pending', result: null };
    return {
      index: run.index,
      options: run.options,
      status: record.status,
      result: record.result,
      ...(record.error !== undefined ? { error: record.error } : {}),
    };
  });
  return { plan: sweep.planJson, runs };
}

const gridKeys = (sweep: Sweep) => Object.keys(sweep.plan.grid);
const valueCell = (value: PlanValue | undefined) =>
  Array.isArray(value) ? value.join(',') : value === undefined ? '' : String(value);

/** Columns in order of first appearance. */
function union(lists: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const key of list) if (!out.includes(key)) out.push(key);
  return out;
}

/** `results.csv`'s table. */
export function resultsTable(sweep: Sweep, merged: MergedResults): CsvTable {
  const keys = gridKeys(sweep);
  const summary = union(merged.runs.map((run) => Object.keys(run.result ?? {})));
  const rows = merged.runs.map((run) => [
    String(run.index),
    ...keys.map((key) => valueCell(run.options[key])),
    run.status,
    ...summary.map((key) => {
      const value = run.result?.[key];
      return value == null ? '' : String(value);
    }),
  ]);
  return { columns: ['index', ...keys, 'status', ...summary], rows };
}

/** Each run's own history (from its history.csv), in index order; runs without one are left out. */
export function runHistories(sweep: Sweep): { index: number; table: CsvTable }[] {
  return sweep.runs.flatMap((run) => {
    const file = path.join(runDir(sweep, run.index), RUN_FILES.history);
    return fs.existsSync(file) ? [{ index: run.index, table: parseCsv(fs.readFileSync(file, 'utf8')) }] : [];
  });
}

/** `history.csv`'s table: every run's rows with its index and grid values in front. */
export function historyTable(sweep: Sweep): CsvTable {
  const keys = gridKeys(sweep);
  const histories = runHistories(sweep);
  const columns = union(histories.map((history) => history.table.columns)).filter(
    (column) => column !== 'index' && !keys.includes(column),
  );
  const rows = histories.flatMap(({ index, table }) => {
    const front = [String(index), ...keys.map((key) => valueCell(sweep.runs[index].options[key]))];
    const at = columns.map((column) => table.columns.indexOf(column));
    return table.rows.map((cells) => [...front, ...at.map((k) => (k < 0 ? '' : (cells[k] ?? '')))]);
  });
  return { columns: ['index', ...keys, ...columns], rows };
}

/** Rebuilds and writes `results.json`, `results.csv` and `history.csv`; resolves with the merged results. */
export async function mergeSweep(sweep: Sweep): Promise<MergedResults> {
  const lock = await acquireLock(sweepFile(sweep, 'mergeLock'), { wait: true, pollMs: 100 });
  try {
    const merged = collectRuns(sweep);
    writeFileAtomic(sweepFile(sweep, 'results'), `${JSON.stringify(merged, null, 2)}\n`);
    writeFileAtomic(sweepFile(sweep, 'resultsCsv'), csvText(resultsTable(sweep, merged)));
    writeFileAtomic(sweepFile(sweep, 'history'), csvText(historyTable(sweep)));
    return merged;
  } finally {
    lock!.release();
  }
}
