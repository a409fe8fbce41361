/**
 * The training history: one row per evaluation, as CSV text. The CSV file (`writeHistoryCsv`)
 * and the danfojs DataFrame (`historyFrame`) are Node's: history-files.ts.
 */
import { recordsCsv } from '../data/csv';
import { ArgumentError } from '../errors';

/** One evaluation of a run: the step, training seconds so far, the running objective, metrics. */
export interface TrainRow {
  step: number;
  /** Seconds of training (all sessions of a resumed run) up to this row. */
  seconds: number;
  /** Mean training objective over the steps since the previous row (NaN at step 0). */
  trainObjective: number;
  [metric: string]: number;
}

/** `rows` must be an array of objects. */
export function checkRows(rows: unknown): readonly Record<string, unknown>[] {
  if (!Array.isArray(rows) || rows.some((row) => row == null || typeof row !== 'object')) {
    throw new ArgumentError('rows', 'expected an array of history rows (objects)');
  }
  return rows;
}

/** Column names in order of first appearance. */
export function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * History rows as CSV (data/csv.ts: NaN and missing values as empty cells): a header row, then one
 * line per row, under `columns` (default: every column in order of first appearance).
 */
export function historyCsv(rows: readonly Readonly<Record<string, unknown>>[], columns?: readonly string[]): string {
  const checked = checkRows(rows);
  return recordsCsv(columns ?? columnsOf(checked), checked);
}
