/** Renders a table of strings as aligned plain text or as a Markdown table. */

export const TABLE_FORMATS = ['text', 'markdown'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export interface Column {
  readonly header: string;
  /** Numbers read best right-aligned. */
  readonly align?: 'left' | 'right';
}

function pad(cell: string, width: number, align: Column['align']): string {
  return align === 'right' ? cell.padStart(width) : cell.padEnd(width);
}

function widths(columns: readonly Column[], rows: readonly (readonly string[])[]): number[] {
  return columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => row[i].length)));
}

function text(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const w = widths(columns, rows);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => pad(cell, w[i], columns[i].align))
      .join('  ')
      .trimEnd();
  const rule = w.map((n) => '-'.repeat(n)).join('  ');
  return [line(columns.map((column) => column.header)), rule, ...rows.map(line)].join('\n');
}

const escapeMarkdown = (cell: string) => cell.replace(/\|/g, '\\|');

function markdown(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const w = widths(columns, rows);
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => pad(escapeMarkdown(cell), w[i], columns[i].align)).join(' | ')} |`;
  const rule = `|${columns.map((column, i) => (column.align === 'right' ? `${'-'.repeat(w[i] + 1)}:` : `:${'-'.repeat(w[i] + 1)}`)).join('|')}|`;
  return [line(columns.map((column) => column.header)), rule, ...rows.map(line)].join('\n');
}

/** `rows[k][i]` is the cell of row k under `columns[i]`. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  format: TableFormat,
): string {
  const bad = rows.findIndex((row) => row.length !== columns.length);
  if (bad >= 0) throw new Error(`renderTable: row ${bad} has ${rows[bad].length} cells, expected ${columns.length}`);
  return format === 'markdown' ? markdown(columns, rows) : text(columns, rows);
}
