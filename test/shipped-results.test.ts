/**
 * The shipped results of the papers' experiments (data/results/<plan>/): every plan of
 * experiments/ is shipped, each folder is well formed and small, its plan.json is the plan, its
 * manifest names a clean commit, every run of the plan is there (failed or diverged ones as
 * such), and a replay of the first two evaluation points of one run gives the shipped rows.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { expandPlan, loadResults, replayRun, RESULT_FILES, resultsDir, shippedResults } from '../src';
import { ROOT } from './notebook-runner';
import { setupBackend } from './support';

before(setupBackend);

const EXPERIMENTS = path.join(ROOT, 'experiments');
const plans = fs
  .readdirSync(EXPERIMENTS)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .sort();

/** The run each plan's test replays; the chapters replay other runs. */
const REPLAYED: Record<string, number> = {
  'vae-fashion-linear': 12,
  'vae-fashion-linear-variants': 2,
  'vae-fashion-nonlinear': 2,
  'sop-mnist': 11,
  'sop-mnist-seeds': 17,
  'sop-mnist-seeds-ema': 0,
  'gating-mnist': 3,
  'toy-arm': 279,
  'vae-fashion-linear-frontier': 2,
};

const MAX_BYTES = 1024 * 1024;

test('shipped results: every plan of experiments/ is shipped, and nothing else', () => {
  assert.deepEqual(shippedResults(resultsDir()), plans);
  assert.deepEqual(Object.keys(REPLAYED).sort(), plans);
});

for (const name of plans) {
  describe(`shipped results: ${name}`, () => {
    const dir = path.join(resultsDir(), name);

    test('holds exactly the result files, well under 1 MB, no checkpoints', () => {
      assert.deepEqual(fs.readdirSync(dir).sort(), Object.values(RESULT_FILES).sort());
      const bytes = fs.readdirSync(dir).reduce((sum, file) => sum + fs.statSync(path.join(dir, file)).size, 0);
      assert.ok(bytes < MAX_BYTES, `${bytes} bytes`);
    });

    test('plan.json is experiments/<plan>.json', () => {
      assert.equal(
        fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'),
        fs.readFileSync(path.join(EXPERIMENTS, `${name}.json`), 'utf8'),
      );
    });

    test('every run of the plan is there with its status; done runs have their summary and history', () => {
      const results = loadResults(name);
      const planned = expandPlan(results.plan);
      assert.deepEqual(
        results.runs.map((run) => run.index),
        planned.map((run) => run.index),
      );
      assert.deepEqual(
        results.runs.map((run) => run.options),
        planned.map((run) => run.options),
      );
      for (const run of results.runs) {
        assert.ok(['done', 'failed', 'diverged'].includes(run.status), `run ${run.index} is ${run.status}`);
        if (run.status === 'failed') assert.equal(typeof run.error, 'string');
        if (run.status === 'done') {
          assert.ok(
            run.result && run.result.steps === planned[run.index].config.steps,
            `run ${run.index} ran all its steps`,
          );
          const rows = results.history.filter((row) => row.index === run.index);
          const evalEvery = planned[run.index].config.evalEvery;
          const steps = rows.map((row) => row.step);
          assert.deepEqual(
            steps,
            Array.from({ length: steps.length }, (_, i) => i * evalEvery),
            `run ${run.index}: a row every ${evalEvery} steps`,
          );
          assert.equal(steps[steps.length - 1], run.result!.steps);
        }
      }
      assert.equal(results.results.length, planned.length);
    });

    test("the manifest gives the command, a clean commit, the machine, the load and every run's wall time", () => {
      const { manifest } = loadResults(name);
      assert.equal(manifest.plan, name);
      assert.match(
        manifest.command,
        new RegExp(`^node dist/cli/main\\.js sweep experiments/${name}\\.json --out runs/${name} --workers \\d+$`),
      );
      assert.match(manifest.commit, /^[0-9a-f]{40}$/);
      assert.equal(manifest.clean, true);
      for (const key of ['stochgrad', 'backend', 'node', 'cpu', 'started', 'finished'] as const)
        assert.equal(typeof manifest[key], 'string', key);
      assert.ok(Number.isInteger(manifest.cores) && manifest.cores > 0);
      assert.ok(manifest.loadAverage.start.length === 3 && manifest.loadAverage.end.length === 3);
      assert.ok(manifest.wallSeconds > 0);
      assert.equal(manifest.runs.length, expandPlan(loadResults(name).plan).length);
      for (const run of manifest.runs)
        if (run.status !== 'failed')
          assert.ok(typeof run.wallSeconds === 'number' && run.wallSeconds > 0, `run ${run.index}`);
    });

    test(`a replay of run ${REPLAYED[name]}'s first two evaluation points gives the shipped rows`, async () => {
      const results = loadResults(name);
      const replay = await replayRun(results, { index: REPLAYED[name], evaluations: 2 });
      const bad = replay.rows.filter((row) => !row.ok);
      assert.deepEqual(bad, [], `backend of the shipped run: ${results.manifest.backend}`);
      assert.equal(replay.compared.length, 2);
    });
  });
}
