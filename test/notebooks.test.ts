/**
 * Every notebooks/*.ipynb runs headless through Jupyter with the project kernel (STOCHGRAD_FAST=1),
 * with its checks (notebooks/checks/<notebook>.ts) appended as a last cell; any cell error fails
 * that notebook's test. Every chapter 01–07 has one cell tagged `parameters` with a `seed`, and runs
 * to the end with another seed (no checks: a reader's change must not fail the chapter), and in
 * workshop mode (STOCHGRAD_MODE=workshop, the budgets of docs/workshop.md). Every notebook also runs,
 * with its checks, in Deno's kernel (`stochgrad-deno`), and one chapter must show the same numbers,
 * tables and figures in both kernels. A fixture with a failing cell proves failures are caught.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { notebookReadings, readingDifferences } from './notebook-readings';
import { ROOT, executeNotebook, runNotebook } from './notebook-runner';

const NOTEBOOK_DIR = path.join(ROOT, 'notebooks');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'failing.ipynb');
const TIMEOUT_MS = 20 * 60_000;
const notebooks = fs
  .readdirSync(NOTEBOOK_DIR)
  .filter((name) => name.endsWith('.ipynb'))
  .sort();
const CHAPTERS_WITH_PARAMETERS = notebooks.filter((name) => /^0[1-9]_/.test(name));
// Deno's kernel for this project, registered by the set-up when the npm package deno is installed.
const DENO_KERNEL = path.join(ROOT, '.jupyter', 'data', 'kernels', 'stochgrad-deno', 'kernel.json');
const checksOf = (name: string) => {
  const file = path.join(NOTEBOOK_DIR, 'checks', name.replace(/\.ipynb$/, '.ts'));
  return fs.existsSync(file) ? file : undefined;
};

// The chapter whose printed numbers, tables and figures must agree between the kernels: its
// numbers come from tfjs (wasm) and from plain JavaScript, and it prints no wall-clock times.
const SAME_NUMBERS = '01_estimators.ipynb';
// Plain-JavaScript math may differ in the last bit between Node's V8 and Deno's.
const SAME_NUMBERS_REL_TOL = 1e-12;

const checkedRuns = new Map<string, Promise<string>>();

/** The executed copy of `name` run with its checks in `kernel`: run once, shared by the tests that read it. */
function runWithChecks(name: string, kernel: 'stochgrad-tslab' | 'stochgrad-deno'): Promise<string> {
  const key = `${kernel} ${name}`;
  if (!checkedRuns.has(key)) {
    const options = { append: checksOf(name), ...(kernel === 'stochgrad-deno' ? { kernel } : {}) };
    checkedRuns.set(key, executeNotebook(path.join(NOTEBOOK_DIR, name), options));
  }
  return checkedRuns.get(key)!;
}

/** The cells of a notebook tagged `parameters`. */
function parameterCells(name: string): string[] {
  const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOK_DIR, name), 'utf8')) as {
    cells: { cell_type: string; metadata: { tags?: string[] }; source: string | string[] }[];
  };
  return nb.cells
    .filter((cell) => cell.cell_type === 'code' && (cell.metadata.tags ?? []).includes('parameters'))
    .map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
}

describe('notebooks', { concurrency: Math.max(1, Math.min(4, os.availableParallelism() - 1)) }, () => {
  test('notebooks/ contains notebooks', () => {
    assert.ok(notebooks.length > 0, `no .ipynb files in ${NOTEBOOK_DIR}`);
  });

  for (const name of notebooks) {
    test(`notebooks/${name} runs without errors`, { timeout: TIMEOUT_MS }, async () => {
      await runWithChecks(name, 'stochgrad-tslab');
    });
  }

  for (const name of CHAPTERS_WITH_PARAMETERS) {
    test(
      `notebooks/${name} has one parameters cell with a seed, and runs with seed = 7`,
      { timeout: TIMEOUT_MS },
      async () => {
        const cells = parameterCells(name);
        assert.equal(cells.length, 1, 'one cell tagged "parameters"');
        assert.match(cells[0], /^let seed = \d+;/m);
        await executeNotebook(path.join(NOTEBOOK_DIR, name), { parameters: 'seed = 7;' });
      },
    );
  }

  for (const name of CHAPTERS_WITH_PARAMETERS) {
    test(`notebooks/${name} sizes its knobs by MODE, and runs in workshop mode`, { timeout: TIMEOUT_MS }, async () => {
      const [cell] = parameterCells(name);
      assert.match(cell, /^let MODE = chapterMode\(\);/m);
      const executed = await executeNotebook(path.join(NOTEBOOK_DIR, name), { env: { STOCHGRAD_MODE: 'workshop' } });
      // Chapters 02 and 03 print their mode; the environment must have reached the kernel.
      if (/^0[23]_/.test(name)) assert.match(fs.readFileSync(executed, 'utf8'), /workshop mode/);
    });
  }

  for (const name of notebooks) {
    test(
      `notebooks/${name} runs without errors in Deno's kernel`,
      {
        timeout: TIMEOUT_MS,
        skip: fs.existsSync(DENO_KERNEL) ? false : 'no Deno kernel (the npm package deno is not installed)',
      },
      async () => {
        await runWithChecks(name, 'stochgrad-deno');
      },
    );
  }

  test(
    `notebooks/${SAME_NUMBERS} prints the same numbers, tables and figures in both kernels`,
    {
      timeout: TIMEOUT_MS,
      skip: fs.existsSync(DENO_KERNEL) ? false : 'no Deno kernel (the npm package deno is not installed)',
    },
    async () => {
      const tslab = notebookReadings(await runWithChecks(SAME_NUMBERS, 'stochgrad-tslab'));
      const deno = notebookReadings(await runWithChecks(SAME_NUMBERS, 'stochgrad-deno'));
      assert.ok(tslab.length >= 10, `only ${tslab.length} outputs read from tslab's run`);
      assert.deepEqual(readingDifferences(tslab, deno, SAME_NUMBERS_REL_TOL), []);
    },
  );

  test('every file of notebooks/checks/ belongs to a notebook', () => {
    const files = fs.readdirSync(path.join(NOTEBOOK_DIR, 'checks'));
    for (const file of files) assert.ok(notebooks.includes(file.replace(/\.ts$/, '.ipynb')), file);
  });
});

describe('notebook runner', () => {
  test('reports a failing cell as a failure', { timeout: TIMEOUT_MS }, async () => {
    const run = await runNotebook(FIXTURE);
    assert.equal(run.ok, false, 'the fixture has a throwing cell, but the runner reported success');
    assert.match(run.errorText, /cell 1 failed/);
    assert.match(run.errorText, /Error: stochgrad fixture: deliberate failure/); // the kernel's message, not the source
    const executed = JSON.parse(fs.readFileSync(run.executedPath, 'utf8'));
    assert.equal(executed.cells[2].outputs.length, 0, 'cells after the failure must not run');
  });

  test(
    'injects parameters after the cell tagged "parameters", and appends a file as the last cell',
    { timeout: TIMEOUT_MS },
    async () => {
      const fixture = path.join(ROOT, 'test', 'fixtures', 'parameters.ipynb');
      assert.equal((await runNotebook(fixture)).ok, false, 'without injection the fixture fails');
      assert.equal((await runNotebook(fixture, { parameters: 'seed = 7;' })).ok, true);
      const append = path.join(os.tmpdir(), `stochgrad-append-${process.pid}.ts`);
      fs.writeFileSync(append, 'throw new Error("stochgrad fixture: appended");');
      try {
        const run = await runNotebook(fixture, { parameters: 'seed = 7;', append });
        assert.match(run.errorText, /stochgrad fixture: appended/);
      } finally {
        fs.rmSync(append, { force: true });
      }
    },
  );

  test('executeNotebook rejects with the error text', { timeout: TIMEOUT_MS }, async () => {
    await assert.rejects(executeNotebook(FIXTURE), /Error: stochgrad fixture: deliberate failure/);
  });
});
