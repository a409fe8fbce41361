/**
 * notebooks/00_setup.ipynb executed through Jupyter (its figure output must carry Plotly's JSON MIME
 * type and the HTML fallback), exported with `nbconvert --to html`, and opened
 * offline (file://, all http(s) blocked) in headless Chromium: the inlined Plotly bundle must draw
 * the chart despite nbconvert's require.js, with no console errors. Screenshot: test-artifacts/.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { amdState, chromiumSkip, launchChromium, offlinePage, serveSite, sitePage } from './browser-support';
import { ROOT, executeNotebook, exportNotebookHtml } from './notebook-runner';
import { PLOTLY_MIME_TYPE } from '../src';
import { PLOTLY_BUNDLE_MARKER } from '../src/viz/plotly-bundle';

const NOTEBOOK = path.join(ROOT, 'notebooks', '00_setup.ipynb');
const SCREENSHOT = path.join(ROOT, 'test-artifacts', '00_setup.png');

/** The executed notebook stores the figure as ONE display output with Plotly's JSON and the HTML fallback. */
function assertFigureOutput(executedPath: string): void {
  const nb = JSON.parse(fs.readFileSync(executedPath, 'utf8')) as {
    cells: { outputs?: { output_type: string; data?: Record<string, unknown> }[] }[];
  };
  const outputs = nb.cells.flatMap((cell) => cell.outputs ?? []);
  const figures = outputs.filter((o) => o.data != null && PLOTLY_MIME_TYPE in o.data);
  assert.equal(figures.length, 1, 'one figure output');
  const { output_type: type, data } = figures[0];
  assert.equal(type, 'display_data');
  assert.deepEqual(Object.keys(data!).sort(), [PLOTLY_MIME_TYPE, 'text/html', 'text/plain']);
  const json = data![PLOTLY_MIME_TYPE] as { data: unknown[]; layout: { title: { text: string } }; config: object };
  assert.deepEqual(Object.keys(json).sort(), ['config', 'data', 'layout']);
  assert.equal(json.data.length, 2, 'σ and σ′ traces');
  assert.match(json.layout.title.text, /Bernoulli mean/);
  const html = ([] as string[]).concat(data!['text/html'] as string | string[]).join('');
  assert.ok(html.includes(PLOTLY_BUNDLE_MARKER), 'the first figure of the session carries the bundle in its HTML');
}

test(
  'browser: 00_setup renders its Plotly chart and table in exported HTML, offline',
  { skip: chromiumSkip, timeout: 10 * 60_000 },
  async () => {
    const executed = await executeNotebook(NOTEBOOK);
    assertFigureOutput(executed);
    const htmlPath = exportNotebookHtml(executed);
    assert.ok(fs.existsSync(htmlPath), `nbconvert did not write ${htmlPath}`);

    const browser = await launchChromium();
    try {
      const { page, errors, blocked } = await offlinePage(browser);
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
      await page.locator('.stochgrad-figure .main-svg').first().waitFor({ timeout: 30_000 });

      const figures = await page.locator('.stochgrad-figure').count();
      const drawn = await page.locator('.stochgrad-figure:has(.main-svg)').count();
      assert.equal(figures, 1, 'the notebook shows one figure');
      assert.equal(drawn, figures, 'every figure div was drawn by Plotly');
      assert.equal(await page.locator('.stochgrad-figure .scatterlayer .trace').count(), 2, 'σ and σ′ lines');
      assert.match((await page.locator('.stochgrad-figure .gtitle').textContent()) ?? '', /Bernoulli mean/);
      assert.equal(await page.locator('table.stochgrad-table tbody tr').count(), 7, 'the φ table has 7 rows');

      const amd = await amdState(page);
      assert.equal(amd.leftover, false, 'the define guard must clean up after itself');
      assert.equal(
        amd.define,
        amd.requirejs === 'function' ? 'function' : 'undefined',
        'window.define must be restored for require.js',
      );

      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.deepEqual(errors, [], `console errors in ${htmlPath} (blocked offline: ${blocked.join(', ') || 'none'})`);
    } finally {
      await browser.close();
    }
  },
);

/**
 * Determinism across runtimes: the browser build (dist/browser/stochgrad.global.js) in headless
 * Chromium on wasm returns, bit for bit, what the library returns in Node on wasm for the same
 * calls and seeds: `estimate`, `exactGradient`, and five `train()` steps of a small SBN VAE on the
 * shipped digits (history and every parameter).
 */
const DETERMINISM_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="stochgrad.global.js"></script></head><body></body></html>`;

interface DeterminismResult {
  backend: string;
  estimate: number[];
  perSampleSum: number;
  exact: number[];
  history: { step: number; trainObjective: number }[];
  parameters: Record<string, number[]>;
}

/** The calls compared; `sg` is the library (Node: the src build; page: window.stochgrad). */
async function determinismRun(
  sg: typeof import('../src/browser'),
  data: import('../src').Dataset,
): Promise<Omit<DeterminismResult, 'backend'>> {
  const { tf } = sg;
  const f = sg.lab.quadraticObjective([2, -1, 1.5], 1);
  const logits = tf.tensor1d([-1.5, 0.5, 1]);
  const estimated = sg.estimate('disarm', f, logits, { samples: 2000, seed: 11 });
  const exact = sg.exactGradient(f, logits);
  const vae = sg.createSbnVae({ visible: 784, latent: [20], kind: 'linear', seed: 1 });
  const batches = sg.createBatcher(data.train, { batchSize: 20, seed: 1, binarize: 'dynamic' });
  const { history } = await sg.train(
    vae,
    {
      batchAt: (t: number) => {
        const b = batches.batchAt(t);
        b.labels.dispose();
        return b.images;
      },
    },
    { estimator: 'disarm', steps: 5, lr: 0.003, seed: 1, evalEvery: 1 },
  );
  const result = {
    estimate: Array.from(estimated.mean.dataSync()),
    perSampleSum: estimated.perSample.sum().dataSync()[0],
    exact: Array.from(exact.dataSync()),
    history: history.map((row) => ({ step: row.step, trainObjective: row.trainObjective })),
    parameters: Object.fromEntries(Object.entries(vae.parameters).map(([name, v]) => [name, Array.from(v.dataSync())])),
  };
  tf.dispose([logits, estimated.mean, estimated.perSample, exact]);
  vae.dispose();
  return result;
}

test(
  'browser: the browser build computes in Chromium, bit for bit, what Node computes on wasm',
  { skip: chromiumSkip, timeout: 5 * 60_000 },
  async () => {
    const node = await import('../src');
    await node.initBackend({ backend: 'wasm', log: false });
    const digits = node.loadDataset('mnist-2k');
    // The browser build has the lab as `stochgrad.lab`; in Node it is the stochgrad/lab entry.
    const lab = await import('../src/lab/index');
    const expected = await determinismRun({ ...node, lab } as unknown as typeof import('../src/browser'), digits);
    node.disposeDataset(digits);

    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-determinism-'));
    const build = path.join(ROOT, 'dist', 'browser');
    for (const name of fs.readdirSync(build).filter((file) => !file.endsWith('.map')))
      fs.copyFileSync(path.join(build, name), path.join(folder, name));
    fs.writeFileSync(path.join(folder, 'index.html'), DETERMINISM_PAGE);
    const server = await serveSite(folder, { isolated: true });
    const browser = await launchChromium();
    try {
      const view = await sitePage(browser, server.url);
      await view.page.goto(`${server.url}index.html`, { waitUntil: 'load' });
      const actual = await view.page.evaluate(async (source) => {
        const sg = (window as unknown as { stochgrad: typeof import('../src/browser') }).stochgrad;
        const backend = await sg.initBackend({ backend: 'wasm', log: false });
        const data = await sg.fetchDataset('mnist-2k');
        const run = new Function('return ' + source)() as typeof determinismRun;
        const result = await run(sg, data);
        sg.disposeDataset(data);
        return { backend, ...result };
      }, determinismRun.toString());
      assert.equal(actual.backend, 'wasm');
      assert.deepEqual(actual.estimate, expected.estimate, 'estimate (mean)');
      assert.equal(actual.perSampleSum, expected.perSampleSum, 'estimate (per sample)');
      assert.deepEqual(actual.exact, expected.exact, 'exactGradient');
      assert.deepEqual(actual.history, expected.history, 'train(): objective per step');
      assert.deepEqual(Object.keys(actual.parameters), Object.keys(expected.parameters));
      for (const name of Object.keys(expected.parameters))
        assert.deepEqual(actual.parameters[name], expected.parameters[name], `train(): parameter ${name}`);
      assert.deepEqual(view.outside, []);
      assert.deepEqual(view.errors, []);
    } finally {
      await browser.close();
      await server.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  },
);
