/**
 * Every notebooks/*.ipynb runs headless through Jupyter with the project kernel (STOCHGRAD_FAST=1);
 * any cell error fails that notebook's test. A fixture with a failing cell proves failures are caught.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT, executeNotebook, runNotebook } from './notebook-runner';

const NOTEBOOK_DIR = path.join(ROOT, 'notebooks');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'failing.ipynb');
const TIMEOUT_MS = 20 * 60_000;
const notebooks = fs
  .readdirSync(NOTEBOOK_DIR)
  .filter((name) => name.endsWith('.ipynb'))
  .sort();

describe('notebooks', { concurrency: Math.max(1, Math.min(4, os.availableParallelism() - 1)) }, () => {
  test('notebooks/ contains notebooks', () => {
    assert.ok(notebooks.length > 0, `no .ipynb files in ${NOTEBOOK_DIR}`);
  });

  for (const name of notebooks) {
    test(`notebooks/${name} runs without errors`, { timeout: TIMEOUT_MS }, async () => {
      await executeNotebook(path.join(NOTEBOOK_DIR, name));
    });
  }
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

  test('executeNotebook rejects with the error text', { timeout: TIMEOUT_MS }, async () => {
    await assert.rejects(executeNotebook(FIXTURE), /Error: stochgrad fixture: deliberate failure/);
  });
});
