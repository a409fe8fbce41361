/**
 * notebooks/00_setup.ipynb executed through Jupyter, exported with `nbconvert --to html`, and opened
 * offline (file://, all http(s) blocked) in headless Chromium: the inlined Plotly bundle must draw
 * the chart despite nbconvert's require.js, with no console errors. Screenshot: test-artifacts/.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium, type ConsoleMessage } from 'playwright-core';
import { ROOT, executeNotebook, exportNotebookHtml } from './notebook-runner';

const CHROMIUM = '/usr/bin/chromium';
const NOTEBOOK = path.join(ROOT, 'notebooks', '00_setup.ipynb');
const SCREENSHOT = path.join(ROOT, 'test-artifacts', '00_setup.png');
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

const skip = fs.existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM} (CI installs it; apt-get install chromium)`;

function describeConsole(message: ConsoleMessage): string {
  const { url, lineNumber } = message.location();
  return `console.${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`;
}

/** Resource errors for http(s) URLs are our offline block, not the page's fault. */
function isBlockedNetworkError(message: ConsoleMessage): boolean {
  return /^Failed to load resource/.test(message.text()) && /^https?:/.test(message.location().url);
}

test('00_setup renders its Plotly chart and table in exported HTML, offline', { skip, timeout: 10 * 60_000 }, async () => {
  const executed = await executeNotebook(NOTEBOOK);
  const htmlPath = exportNotebookHtml(executed);
  assert.ok(fs.existsSync(htmlPath), `nbconvert did not write ${htmlPath}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const blocked: string[] = [];
    await page.route(/^https?:/, (route) => {
      blocked.push(route.request().url());
      return route.abort();
    });
    page.on('console', (message) => {
      if (message.type() === 'error' && !isBlockedNetworkError(message)) errors.push(describeConsole(message));
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));

    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
    await page.locator('.stochgrad-figure .main-svg').first().waitFor({ timeout: 30_000 });

    const figures = await page.locator('.stochgrad-figure').count();
    const drawn = await page.locator('.stochgrad-figure:has(.main-svg)').count();
    assert.equal(figures, 1, 'the notebook shows one figure');
    assert.equal(drawn, figures, 'every figure div was drawn by Plotly');
    assert.equal(await page.locator('.stochgrad-figure .scatterlayer .trace').count(), 2, 'σ and σ′ lines');
    assert.match((await page.locator('.stochgrad-figure .gtitle').textContent()) ?? '', /Bernoulli mean/);
    assert.equal(await page.locator('table.stochgrad-table tbody tr').count(), 7, 'the φ table has 7 rows');

    const amd = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { requirejs: typeof w.requirejs, define: typeof w.define, leftover: '__stochgradDefine' in w };
    });
    assert.equal(amd.leftover, false, 'the define guard must clean up after itself');
    assert.equal(amd.define, amd.requirejs === 'function' ? 'function' : 'undefined', 'window.define must be restored for require.js');

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(errors, [], `console errors in ${htmlPath} (blocked offline: ${blocked.join(', ') || 'none'})`);
  } finally {
    await browser.close();
  }
});
