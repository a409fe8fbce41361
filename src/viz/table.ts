/** Tables as HTML: a danfojs DataFrame (or plain records) to an escaped, formatted <table>. */
import { escapeHtml } from './escape-html';
import { formatNumber } from './format-number';

/** What `dataFrameHtml` reads from a danfojs DataFrame (duck-typed, so any copy of danfojs works). */
export interface DataFrameLike {
  columns: string[];
  index: (string | number)[];
  values: unknown[] | unknown[][];
}

export type TableRecord = Record<string, unknown>;
export type TableInput = DataFrameLike | TableRecord[];

export interface TableOptions {
  /** Significant digits for non-integer numbers (default 4). */
  digits?: number;
  /** Rows shown before the rest is elided (default 50). */
  maxRows?: number;
  /** Show the row index column (default: true for DataFrames, false for records). */
  showIndex?: boolean;
  caption?: string;
}

interface Table {
  columns: string[];
  index: (string | number)[];
  rows: unknown[][];
}

function isDataFrameLike(value: unknown): value is DataFrameLike {
  const df = value as DataFrameLike;
  return value != null && Array.isArray(df.columns) && Array.isArray(df.index) && Array.isArray(df.values);
}

function fromRecords(records: TableRecord[]): Table {
  const columns: string[] = [];
  records.forEach((record, i) => {
    if (record == null || typeof record !== 'object' || Array.isArray(record)) {
      throw new TypeError(`data[${i}] must be a record (plain object); got ${JSON.stringify(record)}`);
    }
    for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
  });
  return {
    columns,
    index: records.map((_, i) => i),
    rows: records.map((record) => columns.map((c) => record[c])),
  };
}

/** danfojs gives `values` as rows for a DataFrame and as a flat array for a Series. */
function fromDataFrame(df: DataFrameLike): Table {
  const rows = df.values.map((row) => (Array.isArray(row) ? row : [row]));
  return { columns: df.columns.map(String), index: df.index, rows };
}

function toTable(data: TableInput): Table {
  if (Array.isArray(data)) return fromRecords(data);
  if (isDataFrameLike(data)) return fromDataFrame(data);
  throw new TypeError('data must be a danfojs DataFrame or an array of records');
}

export function formatCell(value: unknown, digits: number): string {
  if (value == null) return '';
  if (typeof value === 'number') return formatNumber(value, digits);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

function isNumericColumn(rows: unknown[][], column: number): boolean {
  const present = rows.map((row) => row[column]).filter((v) => v != null);
  return present.length > 0 && present.every((v) => typeof v === 'number');
}

function cell(tag: 'td' | 'th', text: string, numeric = false): string {
  const style = numeric ? ' style="text-align:right;font-variant-numeric:tabular-nums"' : '';
  return `<${tag}${style}>${escapeHtml(text)}</${tag}>`;
}

function checkOptions(options: TableOptions): Required<Pick<TableOptions, 'digits' | 'maxRows'>> {
  const digits = options.digits ?? 4;
  const maxRows = options.maxRows ?? 50;
  if (!Number.isInteger(digits) || digits < 1 || digits > 21) {
    throw new RangeError(`options.digits must be an integer from 1 to 21; got ${digits}`);
  }
  if (!Number.isInteger(maxRows) || maxRows < 1) {
    throw new RangeError(`options.maxRows must be a positive integer; got ${maxRows}`);
  }
  return { digits, maxRows };
}

/** An HTML <table>: cells escaped, numbers formatted and right-aligned, long tables elided. */
export function dataFrameHtml(data: TableInput, options: TableOptions = {}): string {
  const { digits, maxRows } = checkOptions(options);
  const table = toTable(data);
  const showIndex = options.showIndex ?? !Array.isArray(data);
  const numeric = table.columns.map((_, c) => isNumericColumn(table.rows, c));
  const corner = showIndex ? [cell('th', '')] : [];
  const head = [...corner, ...table.columns.map((c, i) => cell('th', c, numeric[i]))];
  const body = table.rows.slice(0, maxRows).map((row, r) => {
    const index = showIndex ? [cell('th', String(table.index[r]))] : [];
    const cells = table.columns.map((_, c) => cell('td', formatCell(row[c], digits), numeric[c]));
    return `<tr>${[...index, ...cells].join('')}</tr>`;
  });
  const hidden = table.rows.length - maxRows;
  if (hidden > 0) {
    const span = table.columns.length + (showIndex ? 1 : 0);
    body.push(`<tr><td colspan="${span}">… ${hidden} more row${hidden === 1 ? '' : 's'}</td></tr>`);
  }
  const caption = options.caption != null ? `<caption>${escapeHtml(options.caption)}</caption>` : '';
  const shape = `${table.rows.length} rows × ${table.columns.length} columns`;
  return [
    `<table class="stochgrad-table" title="${escapeHtml(shape)}">${caption}`,
    `<thead><tr>${head.join('')}</tr></thead>`,
    `<tbody>${body.join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}
