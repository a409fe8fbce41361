/**
 * notebooks/00_setup.ipynb executed through Jupyter (its figure output must carry Plotly's JSON MIME
 * type and the HTML fallback), exported with `nbconvert --to html`, and opened
 * offline (file://, all http(s) blocked) in headless Chromium: the inlined Plotly bundle must draw
 * the chart despite nbconvert's require.js, with no console errors. Screenshot: test-artifacts/.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { amdState, chromiumSkip, launchChromium, offlinePage } from './browser-support';
import { ROOT, executeNotebook, exportNotebookHtml } from './notebook-runner';
import { PLOTLY_BUNDLE_MARKER, PLOTLY_MIME_TYPE } from '../src';

const NOTEBOOK = path.join(ROOT, 'notebooks', '00_setup.ipynb');
const SCREENSHOT = path.join(ROOT, 'test-artifacts', '00_setup.png');

/** The executed notebook stores the figure as ONE display output with Plotly's JSON and the HTML fallback. */
function assertFigureOutput(executedPath: string): void {
  const nb = JSON.parse(fs.readFileSync(executedPath, 'utf8')) as { cells: { outputs?: { output_type: string; data?: Record<string, unknown> }[] }[] };
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

test('browser: 00_setup renders its Plotly chart and table in exported HTML, offline', { skip: chromiumSkip, timeout: 10 * 60_000 }, async () => {
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
    assert.equal(amd.define, amd.requirejs === 'function' ? 'function' : 'undefined', 'window.define must be restored for require.js');

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, [], `console errors in ${htmlPath} (blocked offline: ${blocked.join(', ') || 'none'})`);
  } finally {
    await browser.close();
  }
});
