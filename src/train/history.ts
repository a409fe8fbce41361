/** The training history: one row per evaluation, as a danfojs DataFrame or a CSV file. */
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError } from '../errors';
import { dfd, type DataFrame } from '../viz/danfo';

/** One evaluation of a run: the step, training seconds so far, the running objective, metrics. */
export interface TrainRow {
  step: number;
  /** Seconds of training (all sessions of a resumed run) up to this row. */
  seconds: number;
  /** Mean training objective over the steps since the previous row (NaN at step 0). */
  trainObjective: number;
  [metric: string]: number;
}

function checkRows(rows: unknown): readonly Record<string, unknown>[] {
  if (!Array.isArray(rows) || rows.some((row) => row == null || typeof row !== 'object')) {
    throw new ArgumentError('rows', 'expected an array of history rows (objects)');
  }
  return rows;
}

/** Column names in order of first appearance. */
function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** The history as a DataFrame, one column per metric (`dfd` is danfojs). */
export function historyFrame(rows: readonly TrainRow[]): DataFrame {
  const checked = checkRows(rows);
  const columns = columnsOf(checked);
  const data = Object.fromEntries(columns.map((c) => [c, checked.map((row) => (row[c] === undefined ? NaN : row[c]))]));
  return new dfd.DataFrame(data, { columns });
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes the history as CSV (header row, then one line per row; NaN as `NaN`), atomically. */
export function writeHistoryCsv(rows: readonly TrainRow[], file: string): void {
  const checked = checkRows(rows);
  if (typeof file !== 'string' || file === '') throw new ArgumentError('path', 'expected a file path');
  const columns = columnsOf(checked);
  const lines = [columns.map(csvCell).join(','), ...checked.map((row) => columns.map((c) => csvCell(row[c])).join(','))];
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${lines.join('\n')}\n`);
  fs.renameSync(temporary, file);
}
