/**
 * The comparison of two executed notebooks behind the same-numbers test between kernels
 * (notebook-readings.ts): it must see a missing output, a moved output, changed text and a number
 * beyond the tolerance, and accept differences within it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { notebookReadings, readingDifferences } from './notebook-readings';

type Output = Record<string, unknown>;
const stream = (text: string): Output => ({ output_type: 'stream', name: 'stdout', text: [text] });
const figure = (y: number[]): Output => ({
  output_type: 'display_data',
  data: { 'application/vnd.plotly.v1+json': { data: [{ y }] }, 'text/html': '<div>plotly</div>' },
});
const table = (html: string): Output => ({ output_type: 'display_data', data: { 'text/html': html } });

/** Writes a notebook whose code cells have these outputs (a markdown cell first) and reads it. */
function read(cells: Output[][]) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-readings-')), 'nb.ipynb');
  const nb = {
    cells: [{ cell_type: 'markdown', source: '# t' }, ...cells.map((outputs) => ({ cell_type: 'code', outputs }))],
  };
  fs.writeFileSync(file, JSON.stringify(nb));
  return notebookReadings(file);
}

const base = () => [[stream('a = 0.25\n'), stream('b = 3\n'), figure([1, 2.5])], [table('<td>0.125</td>')]];

describe('notebook readings', () => {
  test('reads streams joined per cell, then figures by their Plotly JSON and tables by their HTML', () => {
    const readings = read(base());
    assert.deepEqual(
      readings.map((r) => [r.cell, r.kind, r.numbers]),
      [
        [1, 'stdout', [0.25, 3]],
        [1, 'figure', [1, 2.5]],
        [2, 'table', [0.125]],
      ],
    );
    assert.equal(readings[0].shape, 'a = # b = #');
  });

  test('equal notebooks, and numbers within the tolerance, agree', () => {
    const shifted = base();
    shifted[0][2] = figure([1, 2.5 * (1 + 1e-14)]);
    assert.deepEqual(readingDifferences(read(base()), read(shifted), 1e-12), []);
  });

  test('a number beyond the tolerance, changed text, a missing or moved output each differ', () => {
    const number = base();
    number[1][0] = table('<td>0.126</td>');
    assert.match(readingDifferences(read(base()), read(number), 1e-12).join(), /number 0 is 0.125 against 0.126/);
    const text = base();
    text[0][1] = stream('c = 3\n');
    assert.match(readingDifferences(read(base()), read(text), 1e-12).join(), /text differs/);
    const missing = base();
    missing[0].splice(0, 2);
    assert.match(readingDifferences(read(base()), read(missing), 1e-12).join(), /3 outputs against 2/);
    const moved = base();
    moved[1].unshift(moved[0].pop()!);
    assert.match(
      readingDifferences(read(base()), read(moved), 1e-12).join(),
      /cell 1, figure\) against cell 2, figure/,
    );
  });
});
