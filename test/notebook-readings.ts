/**
 * What an executed notebook showed, read for comparison between kernels: per code cell, its
 * standard output (all stream text, joined), and each table (HTML) and figure (Plotly JSON) in order.
 * Each reading keeps its text with every number replaced by `#`, and the numbers apart, so that two
 * runs can be compared with a tolerance on the numbers and exactly on everything else.
 */
import * as fs from 'node:fs';
import { PLOTLY_MIME_TYPE } from '../src';

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

export interface Reading {
  /** The code cell's position in the notebook (0-based, among all cells). */
  cell: number;
  /** `stdout`, `stderr`, `table` (an HTML output) or `figure` (a Plotly JSON output). */
  kind: string;
  /** The text with each number replaced by `#` and runs of white space by one space. */
  shape: string;
  numbers: number[];
}

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

const joined = (text: unknown): string => (Array.isArray(text) ? text.join('') : String(text ?? ''));

function reading(cell: number, kind: string, text: string): Reading {
  const numbers = (text.match(NUMBER) ?? []).map(Number);
  const shape = text.replace(NUMBER, '#').replace(/\s+/g, ' ').trim();
  return { cell, kind, shape, numbers };
}

/** The readings of an executed notebook, cell by cell: the streams first, then displays in order. */
export function notebookReadings(executedPath: string): Reading[] {
  const nb = JSON.parse(fs.readFileSync(executedPath, 'utf8')) as {
    cells: { cell_type: string; outputs?: Output[] }[];
  };
  const readings: Reading[] = [];
  nb.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code') return;
    const outputs = cell.outputs ?? [];
    for (const name of ['stdout', 'stderr']) {
      const text = outputs
        .filter((o) => o.output_type === 'stream' && o.name === name)
        .map((o) => joined(o.text))
        .join('');
      if (text) readings.push(reading(index, name, text));
    }
    for (const output of outputs) {
      const data = output.data ?? {};
      if (data[PLOTLY_MIME_TYPE]) readings.push(reading(index, 'figure', JSON.stringify(data[PLOTLY_MIME_TYPE])));
      else if (data['text/html']) readings.push(reading(index, 'table', joined(data['text/html'])));
    }
  });
  return readings;
}

/**
 * Where two notebooks' readings differ: in number or kind of outputs, in text, or in a number by
 * more than `relTol` relative to the larger magnitude. Empty when they agree.
 */
export function readingDifferences(a: Reading[], b: Reading[], relTol: number): string[] {
  const differences: string[] = [];
  if (a.length !== b.length) differences.push(`${a.length} outputs against ${b.length}`);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    const where = `output ${i} (cell ${x.cell}, ${x.kind})`;
    if (x.cell !== y.cell || x.kind !== y.kind) {
      differences.push(`${where} against cell ${y.cell}, ${y.kind}`);
    } else if (x.shape !== y.shape || x.numbers.length !== y.numbers.length) {
      differences.push(`${where}: text differs: ${x.shape.slice(0, 120)} | ${y.shape.slice(0, 120)}`);
    } else {
      x.numbers.forEach((u, j) => {
        const v = y.numbers[j];
        if (Math.abs(u - v) > relTol * Math.max(Math.abs(u), Math.abs(v))) {
          differences.push(`${where}: number ${j} is ${u} against ${v}`);
        }
      });
    }
  }
  return differences;
}
