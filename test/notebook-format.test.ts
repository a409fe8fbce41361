/**
 * The notebooks' code cells are formatted (scripts/format-notebooks.js: Prettier at 100 columns,
 * long comments moved and wrapped), so a cell reads on a laptop screen; the formatter is
 * idempotent and its comment rule keeps code and strings intact.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'format-notebooks.js');
const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });

test('every notebook is formatted (node scripts/format-notebooks.js)', () => {
  const result = run('--check');
  assert.equal(result.status, 0, result.stdout + result.stderr);
});

test('the formatter wraps code at 100 columns, moves a long trailing comment above its line, and is idempotent', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-format-'));
  const file = path.join(dir, 'n.ipynb');
  const long = `let SAMPLES = byMode(MODE, { full: 40000, workshop: 15000, fast: 4000 }); // ${'word '.repeat(12).trim()}`;
  const call = `showTable(rows.map((row) => ({ estimator: row.name, variance: row.variance, "signal to noise": row.snr, cost: row.cost })));`;
  const url = 'const url = "http://example.org/a//b"; // a comment that is short';
  const nb = {
    cells: [
      {
        cell_type: 'markdown',
        metadata: {},
        source: ['# A title that stays as it is, however long it is, because markdown cells are not touched at all'],
      },
      { cell_type: 'code', metadata: {}, outputs: [], execution_count: null, source: [`${long}\n`, `${call}\n`, url] },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, JSON.stringify(nb));
  assert.equal(run('--check', file).status, 1, 'an unformatted notebook fails the check');
  assert.equal(run(file).status, 0);
  const formatted = JSON.parse(fs.readFileSync(file, 'utf8'));
  const code: string = formatted.cells[1].source.join('');
  for (const line of code.split('\n')) assert.ok(line.length <= 100, line);
  assert.match(code, /^\/\/ word word/m, 'the trailing comment is on its own line');
  assert.match(code, /^let SAMPLES = byMode\(MODE, \{ full: 40000, workshop: 15000, fast: 4000 \}\);$/m);
  assert.ok(code.includes('"http://example.org/a//b"'), 'a // inside a string is not a comment');
  assert.deepEqual(formatted.cells[0], nb.cells[0]);
  assert.equal(run('--check', file).status, 0, 'formatting twice changes nothing');
  fs.rmSync(dir, { recursive: true });
});
