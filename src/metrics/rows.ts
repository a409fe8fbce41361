/**
 * Rows of a sweep's tables (`results.csv`, `history.csv`, or objects built from them), shared by
 * `seedBands`, `pairedDifferences` and the group summaries: numbers may come as strings, groups
 * are named by their `by` values, and `where` narrows rows by column values.
 */
import { ArgumentError } from '../errors';

export type Row = Readonly<Record<string, unknown>>;

/** A finite number, also from a string holding one; otherwise undefined. */
export const finiteNumber = (value: unknown): number | undefined => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
};

export function checkRows(rows: unknown): void {
  if (!Array.isArray(rows) || rows.some((row) => row == null || typeof row !== 'object'))
    throw new ArgumentError('rows', 'expected an array of row objects');
}

/** A group's name: its one `by` value, or `key=value, …` for several. */
export const groupName = (by: readonly string[], group: Readonly<Record<string, unknown>>): string =>
  by.length === 1 ? String(group[by[0]]) : by.map((key) => `${key}=${String(group[key])}`).join(', ');

/** The rows whose columns equal `where`'s values (compared as text, so 0.001 matches "0.001"). */
export function rowsWhere<R extends Row>(rows: readonly R[], where: Readonly<Record<string, unknown>> = {}): R[] {
  const conditions = Object.entries(where);
  return rows.filter((row) => conditions.every(([key, value]) => String(row[key]) === String(value)));
}
