'use strict';
/**
 * `npm run bench:live`: the live pages' speed in headless Chromium (/usr/bin/chromium).
 *
 * - The live VAE page (live/vae.html: two estimators trained side by side, charts and image grids
 *   redrawn as they learn) on wasm, with threads on (the site served with COOP/COEP, so tfjs loads
 *   its threaded binary) and off (no isolation headers), next to Node training the same two VAEs
 *   with the same function (`trainVaeDemo`) in this process on wasm. Rounds alternate Node, threads
 *   on, threads off, so drift on a shared machine hits all three alike; medians are reported.
 * - Each live page's time to its first chart (navigation start to the first Plotly draw), in a
 *   fresh browser context (nothing cached), medians of --rounds loads.
 *
 * Prints Markdown tables, the load average before and after, and writes bench/live-results.json.
 * usage: node scripts/bench-live.js [--steps N] [--rounds N] [--eval-every N] [--latent N] [--out FILE]
 */
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-extensions', '--mute-audio'];
const DEFAULTS = { steps: 300, rounds: 3, 'eval-every': 50, latent: 200, out: path.join(ROOT, 'bench', 'live-results.json') };
const USAGE = 'usage: node scripts/bench-live.js [--steps N] [--rounds N] [--eval-every N] [--latent N] [--out FILE]';
const ESTIMATORS = ['disarm', 'reinforce-loo'];
/** What each page is opened with for its first chart: the page's own defaults, on wasm. */
const FIRST_CHART_QUERY = 'backend=wasm';

function parseArgs(argv) {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!(key in DEFAULTS) || argv[i + 1] == null) throw new Error(`unexpected argument ${JSON.stringify(argv[i])}; ${USAGE}`);
    options[key] = key === 'out' ? path.resolve(argv[i + 1]) : Number(argv[i + 1]);
    if (key !== 'out' && !(Number.isInteger(options[key]) && options[key] >= 1)) throw new Error(`--${key} must be an integer >= 1; ${USAGE}`);
  }
  return options;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));

function buildSite(dir) {
  const result = childProcess.spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'book.js'), '--live-only', '--out', dir], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the live pages failed:\n${result.stderr}`);
}

/** Node: the two VAEs of the page, trained concurrently as the page does; steps per second in all. */
async function nodeRound(stochgrad, data, options) {
  const started = performance.now();
  await Promise.all(ESTIMATORS.map((estimator) => stochgrad.trainVaeDemo(data, {
    estimator, steps: options.steps, latent: [options.latent], lr: 0.003, seed: 1, evalEvery: options['eval-every'],
  })));
  return (ESTIMATORS.length * options.steps) / ((performance.now() - started) / 1000);
}

/** The live VAE page in a fresh context; its own measure of steps per second in all, and what ran. */
async function pageRound(browser, url, options) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const query = `backend=wasm&steps=${options.steps}&evalEvery=${options['eval-every']}&latent=${options.latent}&lr=0.003&seed=1&a=${ESTIMATORS[0]}&b=${ESTIMATORS[1]}`;
  await page.goto(`${url}live/vae.html?${query}`);
  await page.waitForFunction(() => window.stochgradPage && (window.stochgradPage.done || window.stochgradPage.error), null, { timeout: 30 * 60_000 });
  const state = await page.evaluate(() => ({ ...window.stochgradPage, isolated: self.crossOriginIsolated }));
  await context.close();
  if (state.error || errors.length > 0) throw new Error(`vae.html failed: ${state.error ?? errors.join('; ')}`);
  return { stepsPerSecond: state.stepsPerSecond, describe: state.describe, isolated: state.isolated };
}

/** Milliseconds from navigation to a page's first chart, in a fresh context. */
async function firstChart(browser, url, page) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${url}live/${page}?${FIRST_CHART_QUERY}`);
  await tab.waitForFunction(() => window.stochgradPage && (window.stochgradPage.firstChartMs !== undefined || window.stochgradPage.error), null, { timeout: 5 * 60_000 });
  const state = await tab.evaluate(() => window.stochgradPage);
  await context.close();
  if (state.error) throw new Error(`${page}: ${state.error}`);
  return state.firstChartMs;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  // The library, with the chapters' helpers (trainVaeDemo) from stochgrad/lab as the live page has them.
  const stochgrad = { ...require(path.join(ROOT, 'dist', 'index.js')), ...require(path.join(ROOT, 'dist', 'lab', 'index.js')) };
  const { chromium } = require('playwright-core');
  const { serveStatic } = require('./serve');
  const loadBefore = loadAverage();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-bench-live-'));
  const site = path.join(work, 'site');
  buildSite(site);
  const servers = { on: await serveStatic(site, { isolated: true }), off: await serveStatic(site, { isolated: false }) };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  await stochgrad.initBackend({ backend: 'wasm', log: false });
  const data = stochgrad.loadDataset('mnist-2k');
  // One untimed Node run first: every later Node round finds its kernels compiled, as a page finds
  // them after its own first steps (each page round is a fresh load, its first steps included).
  await nodeRound(stochgrad, data, { ...options, steps: 10 });
  const samples = { node: [], on: [], off: [] };
  const backends = {};
  try {
    for (let round = 1; round <= options.rounds; round++) {
      samples.node.push(await nodeRound(stochgrad, data, options));
      for (const threads of ['on', 'off']) {
        const result = await pageRound(browser, servers[threads].url, options);
        samples[threads].push(result.stepsPerSecond);
        backends[threads] = `${result.describe}${result.isolated ? ', cross-origin isolated' : ''}`;
      }
      console.error(`round ${round}/${options.rounds}: node ${samples.node.at(-1).toFixed(1)}, threads on ${samples.on.at(-1).toFixed(1)}, off ${samples.off.at(-1).toFixed(1)} steps/s`);
    }
    const pages = JSON.parse(fs.readFileSync(path.join(ROOT, 'live', 'pages.json'), 'utf8')).map((p) => p.page);
    const firstCharts = {};
    for (const page of pages) {
      const times = [];
      for (let round = 0; round < options.rounds; round++) times.push(await firstChart(browser, servers.on.url, page));
      firstCharts[page] = { medianMs: median(times), ms: times };
    }
    const loadAfter = loadAverage();
    const vae = {
      node: { medianStepsPerSecond: median(samples.node), stepsPerSecond: samples.node, backend: 'wasm (Node, one thread)' },
      threadsOn: { medianStepsPerSecond: median(samples.on), stepsPerSecond: samples.on, backend: backends.on },
      threadsOff: { medianStepsPerSecond: median(samples.off), stepsPerSecond: samples.off, backend: backends.off },
    };
    const report = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
      chromium: browser.version(),
      node: process.versions.node,
      config: { estimators: ESTIMATORS, steps: options.steps, rounds: options.rounds, evalEvery: options['eval-every'], latent: [options.latent], batch: 50, kind: 'linear', data: 'mnist-2k' },
      vae,
      firstChart: firstCharts,
    };
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    const row = (name, entry) => `| ${name} | ${entry.backend} | ${entry.medianStepsPerSecond.toFixed(1)} | ${(entry.medianStepsPerSecond / vae.node.medianStepsPerSecond).toFixed(2)} |`;
    console.log([
      `## The live VAE page: ${ESTIMATORS.join(' and ')} side by side, 784–${options.latent} linear SBN VAE, batch 50, ${options.steps} steps each, ELBO every ${options['eval-every']} steps`,
      '',
      '| where | backend | steps/s (both runs, median) | / Node |',
      '|---|---|---|---|',
      row('Node (trainVaeDemo)', vae.node),
      row('Chromium, threads on (COOP/COEP)', vae.threadsOn),
      row('Chromium, threads off', vae.threadsOff),
      '',
      '## Time to the first chart (fresh context, wasm)',
      '',
      '| page | median ms | all |',
      '|---|---|---|',
      ...pages.map((page) => `| ${page} | ${firstCharts[page].medianMs.toFixed(0)} | ${firstCharts[page].ms.map((ms) => ms.toFixed(0)).join(', ')} |`),
      '',
      `Chromium ${report.chromium}, Node ${report.node}, ${report.machine.cpus} CPUs; load average before ${loadBefore.join(' ')}, after ${loadAfter.join(' ')}.`,
      `Written to ${path.relative(process.cwd(), options.out)}.`,
    ].join('\n'));
  } finally {
    stochgrad.disposeDataset(data);
    await browser.close();
    await servers.on.close();
    await servers.off.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`stochgrad: ${error.message}`);
  process.exit(1);
});
