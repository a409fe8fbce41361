/**
 * The live pages of the book (site/live/), built with `node scripts/book.js --live-only`, served
 * with COOP/COEP by the book's own server and opened in headless Chromium on the wasm backend:
 * every page loads without console errors and without requesting anything outside the site, shows
 * its backend and redraws when a control changes; the playground, ARM's toy, Bengio's baseline and
 * the VAE compute what Node computes for the same settings: every number that comes from tensors
 * bit for bit; the float64 numbers computed in JavaScript with Math.exp or Math.log (the exact
 * oracle's sums, σ(φ) of a trajectory) to a few units in the last place, because V8's Math.exp
 * differs in the last bit between Node 20 and current Chromium for about one input in ten. From
 * file:// the pages either work (on the cpu backend) or say how to serve them.
 * Screenshots: test-artifacts/live-*.png.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import * as tf from '@tensorflow/tfjs';
import { ESTIMATOR_NAMES, disposeDataset, initBackend, loadDataset, type EstimatorName } from '../src';
import { baselineVariance, playground, playgroundObjective, toyTrajectories, trainVaeDemo } from '../src/lab/index';
import { chromiumSkip, launchChromium, serveSite, sitePage, type SitePage, type SiteServer } from './browser-support';
import { ROOT } from './notebook-runner';

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const PAGES = (JSON.parse(fs.readFileSync(path.join(ROOT, 'live', 'pages.json'), 'utf8')) as { page: string }[]).map(
  (p) => p.page,
);

type PageState = Record<string, unknown> & { draws: number; backend?: string; error?: string };

/** Float64 numbers from JavaScript's Math.exp/log, equal up to `ulps` units in the last place. */
function assertUlpClose(actual: unknown, expected: unknown, what: string, ulps = 8): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(Math.abs(actual), Math.abs(expected), Number.MIN_VALUE);
    assert.ok(Math.abs(actual - expected) <= ulps * Number.EPSILON * scale, `${what}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    assert.equal(actual.length, expected.length, `${what}: length`);
    expected.forEach((value, i) => assertUlpClose(actual[i], value, `${what}[${i}]`, ulps));
  } else if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${what}: keys`);
    for (const [key, value] of Object.entries(expected))
      assertUlpClose((actual as Record<string, unknown>)[key], value, `${what}.${key}`, ulps);
  } else {
    assert.deepEqual(actual, expected, what);
  }
}

function pageState(page: Page): Promise<PageState> {
  return page.evaluate(
    () => JSON.parse(JSON.stringify((window as unknown as { stochgradPage: unknown }).stochgradPage)) as PageState,
  );
}

/** Waits until `predicate(stochgradPage)` holds (it runs in the page), failing early on a page error. */
async function waitFor(page: Page, predicate: string, timeout = 120_000): Promise<PageState> {
  await page.waitForFunction(
    (source) => {
      const s = (window as unknown as { stochgradPage?: Record<string, unknown> }).stochgradPage;
      return (
        s !== undefined &&
        (s.error !== undefined || (new Function('s', `return ${source}`) as (s: unknown) => boolean)(s))
      );
    },
    predicate,
    { timeout },
  );
  const state = await pageState(page);
  assert.equal(state.error, undefined, `the page reports an error: ${state.error}`);
  return state;
}

/** Sets a control's value and fires the event the page listens to. */
async function setControl(page: Page, name: string, value: string): Promise<void> {
  await page.evaluate(
    ([controlName, controlValue]) => {
      const control = document.querySelector<HTMLInputElement>(`[name="${controlName}"]`)!;
      control.value = controlValue;
      control.dispatchEvent(new Event(control.type === 'range' ? 'input' : 'change', { bubbles: true }));
    },
    [name, value],
  );
}

describe('live pages', { skip: chromiumSkip, timeout: 20 * 60_000 }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-live-test-'));
  const site = path.join(work, 'site');
  let server: SiteServer;
  let browser: Browser;
  const opened: SitePage[] = [];

  async function open(page: string): Promise<SitePage> {
    const view = await sitePage(browser, server.url);
    opened.push(view);
    await view.page.goto(`${server.url}live/${page}`, { waitUntil: 'load' });
    return view;
  }

  /** The checks every page passes: backend shown, nothing from outside, no console errors; a screenshot. */
  async function finish(view: SitePage, name: string): Promise<void> {
    const shown = (await view.page.locator('#backend').textContent()) ?? '';
    assert.match(shown, /^wasm \(/, 'the page shows the backend in use');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await view.page.screenshot({ path: path.join(ARTIFACTS, `live-${name}.png`), fullPage: true });
    assert.deepEqual(view.outside, [], 'requests outside the site');
    assert.deepEqual(view.errors, [], 'console errors');
    await view.page.close();
  }

  before(
    async () => {
      const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'book.js'), '--live-only', '--out', site], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      assert.equal(built.status, 0, `book.js --live-only failed:\n${built.stderr}`);
      server = await serveSite(site, { isolated: true });
      browser = await launchChromium();
      await initBackend({ backend: 'wasm', log: false });
    },
    { timeout: 5 * 60_000 },
  );

  after(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('live: the index links every live page, each page links its chapters', async () => {
    const book = JSON.parse(fs.readFileSync(path.join(site, 'book.json'), 'utf8')) as {
      live: { page: string; chapters: string[] }[];
    };
    assert.deepEqual(
      book.live.map((p) => p.page),
      PAGES.map((p) => `live/${p}`),
    );
    const view = await sitePage(browser, server.url);
    await view.page.goto(server.url, { waitUntil: 'load' });
    assert.deepEqual(
      await view.page.locator('ul.live li a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))),
      book.live.map((p) => p.page),
    );
    for (const entry of book.live) {
      const html = fs.readFileSync(path.join(site, entry.page), 'utf8');
      for (const chapter of entry.chapters)
        assert.ok(html.includes(`href="../${chapter.replace(/\.ipynb$/, '.html')}"`), `${entry.page} links ${chapter}`);
      assert.ok(
        html.includes('<script src="../stochgrad/stochgrad.global.js">') &&
          html.includes('<script src="../plotly.min.js">'),
      );
    }
    assert.deepEqual(view.errors, []);
    await view.page.close();
  });

  test('live: playground computes what Node computes, and recomputes when a control changes', async () => {
    const estimators = ESTIMATOR_NAMES.filter((name) =>
      ['reinforce', 'reinforce-loo', 'arm', 'disarm', 'st'].includes(name),
    ) as EstimatorName[];
    const query = `backend=wasm&objective=arm-toy&p0=0.499&logits=0,1.5,-1&samples=2000&seed=2&estimators=${estimators.join(',')}`;
    const view = await open(`playground.html?${query}`);
    const first = await waitFor(view.page, 's.computations >= 1');
    assert.equal(first.backend, 'wasm');
    assert.equal(first.draws, 6, 'six charts: two of means against exact, bias z, variance, SNR, cost');
    const node = await playground({
      objective: { kind: 'arm-toy', p0: 0.499 },
      logits: [0, 1.5, -1],
      estimators,
      samples: 2000,
      seed: 2,
    });
    const untimed = (rows: Record<string, unknown>[]) => rows.map(({ secondsPerEstimate: _time, ...row }) => row);
    const result = first.result as { expectation: number; exact: number[]; rows: Record<string, unknown>[] };
    assertUlpClose(result.expectation, node.expectation, 'E[f]');
    assertUlpClose(result.exact, node.exact, 'exact gradient');
    assert.deepEqual(
      untimed(result.rows),
      untimed(JSON.parse(JSON.stringify(node.rows)) as Record<string, unknown>[]),
      'estimates, variances, z-scores',
    );
    await setControl(view.page, 'seed', '3');
    const second = await waitFor(view.page, 's.computations >= 2 && !s.busy');
    assert.ok(second.draws >= 10, `charts redrawn (${second.draws} draws)`);
    assert.notDeepEqual((second.result as { rows: unknown[] }).rows, result.rows);
    await finish(view, 'playground');
  });

  test('live: arm-toy draws the runs as they grow, finishes 200 steps as Node does, and retrains for p0 > 0.5', async () => {
    const view = await open('arm-toy.html?backend=wasm&p0=0.49&steps=200&seeds=2&estimators=reinforce,arm,disarm');
    const state = await waitFor(view.page, 's.done === true');
    const node = toyTrajectories({
      p0: 0.49,
      estimators: ['reinforce', 'arm', 'disarm'],
      seeds: 2,
      steps: 200,
      every: 10,
      seed: 0,
      lr: 1,
    });
    const runs = state.runs as typeof node;
    assert.deepEqual(
      runs.map(({ probability: _p, ...run }) => run),
      node.map(({ probability: _p, ...run }) => run),
      'estimators, seeds, steps and φ',
    );
    assertUlpClose(
      runs.map((run) => run.probability),
      node.map((run) => run.probability),
      'σ(φ)',
    );
    const before = state.draws;
    await setControl(view.page, 'steps', '3000');
    await setControl(view.page, 'p0', '0.6');
    const again = await waitFor(view.page, 's.done === true && s.draws > ' + before, 300_000);
    const drawnSteps = again.drawnSteps as number[];
    assert.ok(
      drawnSteps.some((step) => step > 0 && step < 3000),
      `drawn while computing (at steps ${drawnSteps.join(', ')})`,
    );
    const path = again.path as { probability: number[] };
    assert.ok(path.probability[path.probability.length - 1] < 0.5, 'for p0 > 1/2 the exact path heads to σ → 0');
    await finish(view, 'arm-toy');
  });

  test('live: baseline draws the exact variance curves Node computes, and redraws when φ moves', async () => {
    const view = await open('baseline.html?backend=wasm');
    const state = await waitFor(view.page, 's.draws >= 1 && s.curves !== undefined');
    const logits = tf.tensor1d([-1.5, 0.5, 1]);
    const node = baselineVariance(playgroundObjective({ kind: 'quadratic', a: [2, -1, 1.5], b: 1 }, 3), logits);
    logits.dispose();
    const summary = node.map((c) => ({
      unit: c.unit,
      gradient: c.gradient,
      expectation: c.expectation,
      optimalBaseline: c.optimalBaseline,
      minimumVariance: c.minimumVariance,
    }));
    assertUlpClose(state.curves, summary, 'baseline curves');
    await setControl(view.page, 'phi1', '2');
    const moved = await waitFor(view.page, `s.draws > ${state.draws} && !s.busy`);
    assert.notDeepEqual(moved.curves, state.curves);
    assert.equal(await view.page.locator('input[name="logits"]').inputValue(), '2, 0.5, 1');
    await finish(view, 'baseline');
  });

  test('live: vae loads the digits, completes its evaluations as Node does, and retrains when a control changes', async () => {
    const view = await open(
      'vae.html?backend=wasm&steps=20&evalEvery=10&latent=20&a=disarm&b=reinforce-loo&lr=0.003&seed=1',
    );
    const first = await waitFor(view.page, 's.evaluations >= 1');
    assert.ok(first.draws >= 1, 'the ELBO chart is drawn after the first evaluation');
    const state = await waitFor(view.page, 's.done === true');
    const data = loadDataset('mnist-2k');
    try {
      for (const [k, estimator] of ['disarm', 'reinforce-loo'].entries()) {
        const elbo: number[] = [];
        await trainVaeDemo(data, {
          estimator,
          steps: 20,
          evalEvery: 10,
          latent: [20],
          lr: 0.003,
          seed: 1,
          onEvaluation: (_step, metrics) => elbo.push(metrics.elbo),
        });
        const run = (state.runs as { estimator: string; steps: number[]; elbo: number[] }[])[k];
        assert.equal(run.estimator, estimator);
        assert.deepEqual(run.steps, [0, 10, 20]);
        assert.deepEqual(run.elbo, elbo, `${estimator}: ELBO in the page and in Node`);
      }
    } finally {
      disposeDataset(data);
    }
    const pixels = await view.page.evaluate(() => {
      const canvas = document.getElementById('samples') as HTMLCanvasElement;
      return { width: canvas.width, height: canvas.height };
    });
    assert.deepEqual(pixels, { width: 8 * 28 + 7 * 2, height: 2 * 28 + 2 }, 'a grid of 2 × 8 samples');
    await setControl(view.page, 'seed', '2');
    const again = await waitFor(view.page, `s.done === true && s.draws > ${state.draws}`);
    assert.notDeepEqual((again.runs as { elbo: number[] }[])[0].elbo, (state.runs as { elbo: number[] }[])[0].elbo);
    await finish(view, 'vae');
  });

  test('live: without ?backend= a page picks the best available backend and says which', async () => {
    const view = await open('baseline.html');
    const state = await waitFor(view.page, 's.draws >= 1');
    // Headless Chromium here has no WebGPU adapter and only software WebGL, which the default skips.
    assert.equal(state.backend, 'wasm');
    await finish(view, 'default-backend');
  });

  test('live: ?backend= runs a page on cpu or webgl too; an unavailable one is a clear error on the page', async () => {
    for (const backend of ['cpu', 'webgl']) {
      const view = await open(`baseline.html?backend=${backend}`);
      const state = await waitFor(view.page, 's.draws >= 1 && s.curves !== undefined');
      assert.equal(state.backend, backend);
      assert.match((await view.page.locator('#backend').textContent()) ?? '', new RegExp(`^${backend}`));
      assert.deepEqual(view.outside, []);
      assert.deepEqual(view.errors, []);
      await view.page.close();
    }
    const view = await open('baseline.html?backend=webgpu');
    const hasAdapter = await view.page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu !== undefined && (await gpu.requestAdapter()) !== null;
    });
    if (hasAdapter) {
      assert.equal((await waitFor(view.page, 's.draws >= 1')).backend, 'webgpu');
    } else {
      await view.page.locator('#error').waitFor({ state: 'visible', timeout: 60_000 });
      assert.match(
        (await view.page.locator('#error').textContent()) ?? '',
        /backend webgpu could not be loaded; this browser offers no WebGPU adapter/,
      );
    }
    await view.page.close();
  });

  test('live: opened from file://, a page runs on the cpu backend or says how to serve the book', async () => {
    for (const [name, works] of [
      ['playground.html', true],
      ['vae.html', false],
    ] as const) {
      const view = await sitePage(browser, pathToFileURL(site).href);
      await view.page.goto(`${pathToFileURL(path.join(site, 'live', name)).href}?samples=200&estimators=arm,disarm`, {
        waitUntil: 'load',
      });
      const notice = view.page.locator('#file-notice');
      await notice.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await notice.textContent()) ?? '', /npm run book -- --serve/);
      if (works) {
        const state = await waitFor(view.page, 's.computations >= 1');
        assert.equal(state.backend, 'cpu');
      } else {
        assert.match((await view.page.locator('#status').textContent()) ?? '', /not available from file:\/\//);
      }
      assert.deepEqual(view.outside, []);
      assert.deepEqual(view.errors, []);
      await view.page.close();
    }
  });

  test('live: npm run book -- --serve serves the site on 127.0.0.1 with COOP/COEP and prints the URL', async () => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'scripts', 'book.js'), '--serve', '--no-build', '--out', site, '--port', '0'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /the book is at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`book.js --serve exited (${code}):\n${output}`)));
      });
      for (const file of ['index.html', 'live/vae.html', 'stochgrad/tfjs-backend-wasm-threaded-simd.wasm']) {
        const response = await fetch(`${url}${file}`);
        assert.equal(response.status, 200, file);
        assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', file);
        assert.equal(response.headers.get('cross-origin-embedder-policy'), 'require-corp', file);
        await response.arrayBuffer();
      }
      assert.equal(
        (await fetch(`${url}stochgrad/stochgrad.global.js`)).headers.get('content-type'),
        'text/javascript; charset=utf-8',
      );
      assert.equal(
        (await fetch(`${url}stochgrad/tfjs-backend-wasm.wasm`)).headers.get('content-type'),
        'application/wasm',
      );
      for (const raw of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/live/..%2f..%2f..%2fetc%2fpasswd']) {
        const status = await new Promise<number>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port: new URL(url).port, path: raw }, (response) => {
              response.resume();
              resolve(response.statusCode ?? 0);
            })
            .on('error', reject);
        });
        assert.equal(status, 404, `${raw}: nothing outside the site`);
      }
    } finally {
      child.kill('SIGINT');
    }
  });

  test('live: every page of pages.json was tested', () => {
    assert.deepEqual(PAGES.slice().sort(), ['arm-toy.html', 'baseline.html', 'playground.html', 'vae.html']);
  });
});

test('live pages: p0 reaches 0.4999 and 0.5001, and every page says what to try', () => {
  for (const page of ['arm-toy', 'playground']) {
    const body = fs.readFileSync(path.join(ROOT, 'live', `${page}.body.html`), 'utf8');
    const input = body.match(/<input[^>]*name="p0"[^>]*>/)?.[0] ?? '';
    const step = Number(input.match(/step="([^"]+)"/)?.[1]);
    assert.ok(step > 0 && step <= 1e-4, `${page}: the p0 control steps by ${step}`);
    for (const value of ['0.4999', '0.5001']) assert.ok(body.includes(`value="${value}"`), `${page}: preset ${value}`);
  }
  for (const file of fs.readdirSync(path.join(ROOT, 'live')).filter((name) => name.endsWith('.body.html'))) {
    assert.match(fs.readFileSync(path.join(ROOT, 'live', file), 'utf8'), /<p class="try"><strong>Try:<\/strong>/, file);
  }
});
