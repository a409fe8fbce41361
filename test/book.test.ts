/**
 * `npm run book` in fast mode, built into a temporary folder and opened offline in headless
 * Chromium: every notebook has a page whose charts all draw from the one shared Plotly bundle (not
 * inlined), with no error outputs and no console errors, and the index links every notebook, the
 * live pages (test/live.test.ts tests those) and each chapter its live counterpart.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { amdState, chromiumSkip, launchChromium, offlinePage } from './browser-support';
import { ROOT } from './notebook-runner';

const BOOK_SCRIPT = path.join(ROOT, 'scripts', 'book.js');
const NOTEBOOK_DIR = path.join(ROOT, 'notebooks');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'failing.ipynb');
const PLOTLY_SOURCE = require.resolve('plotly.js-dist-min/plotly.min.js');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const BUILD_TIMEOUT_MS = 30 * 60_000;
/** The inlined bundle alone is ≈4.8 MB; a page without it is nbconvert's CSS plus the outputs. */
const MAX_PAGE_BYTES = 1_500_000;

interface BookEntry {
  notebook: string;
  page: string;
  title: string;
  description: string;
  seconds: number;
  figures: number;
}

const notebooks = fs
  .readdirSync(NOTEBOOK_DIR)
  .filter((name) => name.endsWith('.ipynb'))
  .sort();

function runBook(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BOOK_SCRIPT, ...args], {
      cwd: ROOT,
      env: { ...process.env, STOCHGRAD_FAST: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** A 300-character piece from the middle of plotly.min.js: present iff the bundle is inlined. */
function plotlyFingerprint(): string {
  const source = fs.readFileSync(PLOTLY_SOURCE, 'utf8');
  const middle = Math.floor(source.length / 2);
  return source.slice(middle, middle + 300);
}

describe('book', { skip: chromiumSkip, timeout: BUILD_TIMEOUT_MS }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-book-test-'));
  const site = path.join(work, 'site');
  let entries: BookEntry[] = [];
  let vendor = { requireJs: false, mathJax: false };
  let browser: Browser;

  before(
    async () => {
      const { code, stderr } = await runBook(['--out', site]);
      assert.equal(code, 0, `npm run book failed:\n${stderr}`);
      const book = JSON.parse(fs.readFileSync(path.join(site, 'book.json'), 'utf8')) as {
        notebooks: BookEntry[];
        vendor: typeof vendor;
      };
      entries = book.notebooks;
      vendor = book.vendor;
      browser = await launchChromium();
    },
    { timeout: BUILD_TIMEOUT_MS },
  );

  after(async () => {
    await browser?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('book: one page per notebook, in order, and one shared Plotly bundle', () => {
    assert.deepEqual(
      entries.map((e) => e.notebook),
      notebooks,
    );
    for (const entry of entries) {
      assert.ok(fs.existsSync(path.join(site, entry.page)), `missing page ${entry.page}`);
      assert.ok(
        entry.title.length > 0 && entry.description.length > 0,
        `${entry.notebook} has a title and a description`,
      );
      assert.ok(entry.seconds > 0, `${entry.notebook} has a run time`);
    }
    assert.equal(fs.statSync(path.join(site, 'plotly.min.js')).size, fs.statSync(PLOTLY_SOURCE).size);
    const scripts = fs.readdirSync(site).filter((name) => /plotly/i.test(name));
    assert.deepEqual(scripts, ['plotly.min.js'], 'exactly one copy of Plotly in the site');
  });

  test('book: the index links every notebook with its title and run time', async () => {
    const { page, errors } = await offlinePage(browser);
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href, { waitUntil: 'load' });
    const links = await page
      .locator('ol.notebooks li a')
      .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })));
    assert.deepEqual(
      links.map((l) => l.href),
      entries.map((e) => e.page),
    );
    assert.deepEqual(
      links.map((l) => l.text),
      entries.map((e) => e.title),
    );
    const times = await page.locator('ol.notebooks li .time').allTextContents();
    const descriptions = await page.locator('ol.notebooks li .description').allTextContents();
    assert.equal(times.length, entries.length);
    times.forEach((time, i) =>
      assert.match(time, /^(\d+(\.\d)? s|\d+ min \d\d s)$/, `${entries[i].notebook}: run time`),
    );
    assert.deepEqual(
      descriptions,
      entries.map((e) => e.description),
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  for (const name of notebooks) {
    const pageName = name.replace(/\.ipynb$/, '.html');
    test(`book: ${pageName} draws all its charts from the shared bundle, without errors`, async () => {
      const entry = entries.find((e) => e.notebook === name);
      assert.ok(entry, `${name} is missing from book.json`);
      const file = path.join(site, pageName);
      const html = fs.readFileSync(file, 'utf8');
      assert.ok(
        html.length < MAX_PAGE_BYTES,
        `${pageName} is ${html.length} bytes: is the Plotly bundle still inlined?`,
      );
      assert.ok(!html.includes(plotlyFingerprint()), `${pageName} inlines plotly.js`);

      const { page, errors, blocked } = await offlinePage(browser);
      const siteUrl = `${pathToFileURL(site).href}/`;
      const outside: string[] = [];
      page.on('request', (request) => {
        if (request.url().startsWith('file:') && !request.url().startsWith(siteUrl)) outside.push(request.url());
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      if (entry.figures > 0) await page.locator('.stochgrad-figure .main-svg').first().waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        (n) => document.querySelectorAll('.stochgrad-figure:has(.main-svg)').length >= n,
        entry.figures,
        { timeout: 30_000 },
      );

      assert.equal(await page.locator('.stochgrad-figure').count(), entry.figures, 'one chart per figure output');
      assert.equal(await page.locator('.stochgrad-figure:has(.main-svg)').count(), entry.figures, 'every chart drawn');
      assert.equal(await page.locator('script[src="plotly.min.js"]').count(), entry.figures > 0 ? 1 : 0);
      const stderrErrors = await page
        .locator('[data-mime-type="application/vnd.jupyter.stderr"]')
        .filter({ hasText: /\w*Error\b|Traceback|Uncaught/ })
        .allTextContents();
      assert.deepEqual(stderrErrors, [], 'error outputs in the page');
      const hasMath = /\$[^$\n]+\$/.test(fs.readFileSync(path.join(NOTEBOOK_DIR, name), 'utf8'));
      assert.ok(vendor.mathJax && vendor.requireJs, 'the site carries MathJax and require.js');
      if (hasMath) {
        await page.waitForFunction(() => document.querySelectorAll('.MathJax_CHTML').length > 0, null, {
          timeout: 30_000,
        });
      }
      assert.deepEqual(outside, [], 'the page loads files from outside the site');
      const amd = await amdState(page);
      assert.equal(amd.leftover, false, 'the define guard must clean up after itself');
      assert.equal(
        amd.define,
        amd.requirejs === 'function' ? 'function' : 'undefined',
        'window.define must be restored for require.js',
      );

      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({
        path: path.join(ARTIFACTS, `book-${pageName.replace(/\.html$/, '')}.png`),
        fullPage: false,
      });
      assert.deepEqual(errors, [], `console errors in ${pageName} (blocked offline: ${blocked.join(', ') || 'none'})`);
      await page.close();
    });
  }

  test('book: the index links the documentation pages and the generated API reference', async () => {
    const { page, errors } = await offlinePage(browser);
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href, { waitUntil: 'load' });
    const links = await page.locator('ul.docs li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md'));
    for (const name of docs)
      assert.ok(links.includes(`docs/${name.replace(/\.md$/, '.html')}`), `the index links ${name}`);
    assert.ok(links.includes('api/index.html'), 'the index links the API reference');
    for (const link of links) assert.ok(fs.existsSync(path.join(site, link!)), `${link} exists`);
    const api = fs.readFileSync(path.join(site, 'api', 'index.html'), 'utf8');
    assert.match(api, /stochgrad\/lab/, 'the API reference has the lab entry');
    assert.ok(fs.existsSync(path.join(site, 'api', 'functions', 'stochgrad.estimate.html')), 'estimate is documented');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('book: the index lists the live pages and each chapter links its live counterpart', async () => {
    const live = JSON.parse(fs.readFileSync(path.join(ROOT, 'live', 'pages.json'), 'utf8')) as {
      page: string;
      chapters: string[];
    }[];
    const { page, errors } = await offlinePage(browser);
    await page.goto(pathToFileURL(path.join(site, 'index.html')).href, { waitUntil: 'load' });
    const links = await page.locator('ul.live li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(
      links,
      live.map((p) => `live/${p.page}`),
    );
    for (const link of links) assert.ok(fs.existsSync(path.join(site, link!)), `${link} exists`);
    for (const name of notebooks) {
      const html = fs.readFileSync(path.join(site, name.replace(/\.ipynb$/, '.html')), 'utf8');
      for (const entry of live) {
        const linked = html.includes(`class="stochgrad-live-link" href="live/${entry.page}"`);
        assert.equal(
          linked,
          entry.chapters.includes(name),
          `${name} ${linked ? 'links' : 'does not link'} live/${entry.page}`,
        );
      }
    }
    assert.ok(
      notebooks.filter((name) => live.some((entry) => entry.chapters.includes(name))).length >= 4,
      'the chapters have live pages',
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('book: the committed notebooks stay without outputs', () => {
    for (const name of notebooks) {
      const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOK_DIR, name), 'utf8')) as {
        cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[];
      };
      for (const cell of nb.cells.filter((c) => c.cell_type === 'code')) {
        assert.deepEqual(cell.outputs, [], `${name} has outputs`);
        assert.equal(cell.execution_count ?? null, null, `${name} has execution counts`);
      }
    }
  });

  test('book: a failing notebook fails the build with its name and error', async () => {
    const notebookDir = path.join(work, 'failing-notebooks');
    const out = path.join(work, 'failing-site');
    fs.mkdirSync(notebookDir);
    fs.copyFileSync(FIXTURE, path.join(notebookDir, 'failing.ipynb'));
    const { code, stderr } = await runBook(['--notebooks', notebookDir, '--out', out]);
    assert.equal(code, 1);
    assert.match(stderr, /notebook failing\.ipynb failed/);
    assert.match(stderr, /Error: stochgrad fixture: deliberate failure/);
    assert.equal(fs.existsSync(out), false, 'no site is written when a notebook fails');
  });
});
