/** The training history in Node: as a CSV file, and as a danfojs DataFrame for notebooks. */
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError } from '../errors';
import { dfd, type DataFrame } from '../viz/danfo';
import { checkRows, columnsOf, historyCsv, type TrainRow } from './history';

/** The history as a DataFrame, one column per metric (`dfd` is danfojs, an optional peer dependency). */
export function historyFrame(rows: readonly TrainRow[]): DataFrame {
  const checked = checkRows(rows);
  const columns = columnsOf(checked);
  const data = Object.fromEntries(columns.map((c) => [c, checked.map((row) => (row[c] === undefined ? NaN : row[c]))]));
  return new dfd.DataFrame(data, { columns });
}

/** Writes `historyCsv(rows)` to `file` atomically (temporary file, then rename), creating its folder. */
export function writeHistoryCsv(rows: readonly TrainRow[], file: string): void {
  checkRows(rows);
  if (typeof file !== 'string' || file === '') throw new ArgumentError('path', 'expected a file path');
  const text = historyCsv(rows);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
