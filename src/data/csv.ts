/**
 * CSV as stochgrad writes and reads it (RFC 4180 quoting): every CSV file of the library — a
 * training history, a sweep's results.csv and history.csv, the shipped results — goes through
 * these functions. Empty cells stand for missing values: undefined, null and NaN are written as
 * nothing, and `csvRows`-style readers turn an empty cell back into null.
 */

/** A parsed CSV file: its header and its rows of raw cells. */
export interface CsvTable {
  columns: string[];
  rows: string[][];
}

/** One CSV cell: quoted when needed; undefined, null and NaN are empty. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null || (typeof value === 'number' && Number.isNaN(value))) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A table as CSV text: the header, then one line per row, each line ending in a newline. */
export function csvText(table: { columns: readonly string[]; rows: readonly (readonly unknown[])[] }): string {
  return `${[table.columns, ...table.rows].map((cells) => cells.map(csvCell).join(',')).join('\n')}\n`;
}

/** Records as CSV under `columns`, in that order (a record's missing key is an empty cell). */
export function recordsCsv(columns: readonly string[], records: readonly Readonly<Record<string, unknown>>[]): string {
  return csvText({ columns, rows: records.map((record) => columns.map((column) => record[column])) });
}

/** Parses CSV text as written by `csvText` (RFC 4180 quoting; `\n` or `\r\n` line ends). */
export function parseCsv(text: string): CsvTable {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      records.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) records.push([...row, cell]);
  const [columns = [], ...rows] = records;
  return { columns, rows };
}
