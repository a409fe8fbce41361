'use strict';
/**
 * `npm run book`: executes every notebooks/*.ipynb (full mode; fast with STOCHGRAD_FAST=1) on the
 * project kernel, exports each to HTML with nbconvert and writes an offline static site:
 *
 *   site/index.html        one line per notebook: title, one-line description, run time
 *   site/<notebook>.html   the executed notebook with interactive charts
 *   site/plotly.min.js     the one shared Plotly bundle every page loads (not 4.7 MB per page)
 *   site/require.js        require.js (npm's requirejs; nbconvert's pages load it)
 *   site/mathjax/          the part of MathJax 2 (npm's mathjax, the version nbconvert's template
 *                          configures) the pages use: formulas render offline on any machine
 *   site/book.json         what was built: mode, vendored scripts, per notebook its title,
 *                          description, seconds, figures; the live pages
 *   site/live/             the live pages (scripts/live-pages.js): the library runs in the page
 *   site/stochgrad/        the browser build the live pages load
 *   site/docs/, site/api/  the documentation pages and the API reference (scripts/docs-pages.js)
 *
 * usage: node scripts/book.js [--out DIR] [--notebooks DIR] [--live-only] [--serve [--no-build] [--port N] [--host H]]
 * (defaults: site/, notebooks/). --live-only skips the notebooks (a site of live pages only);
 * --serve then serves the site on 127.0.0.1 with COOP/COEP headers (so wasm may use threads) and
 * prints its URL, until Ctrl-C; --no-build serves an existing site as it is.
 * Committed notebooks are never written: execution writes to temporary copies. A failing notebook
 * stops the build with its name and the failing cell's error; the previous site is left as it was.
 */
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, BootstrapError, bootstrap, log, runMain } = require('./bootstrap');
const { writeApiReference, writeDocsPages } = require('./docs-pages');
const { liveLinksHtml, writeLivePages } = require('./live-pages');
const { serveStatic } = require('./serve');

const NOTEBOOK_DIR = path.join(ROOT, 'notebooks');
const PLOTLY_FILE = 'plotly.min.js';
/** require.js and MathJax 2 (the version nbconvert's template configures) from the npm registry (dev dependencies). */
const vendorSource = (file) => require.resolve(file, { paths: [ROOT] });
const REQUIRE_JS_FILE = 'require.js';
/** What MathJax 2 loads for nbconvert's `TeX-AMS_CHTML-full,Safe` configuration. */
const MATHJAX_PARTS = [
  'MathJax.js',
  'config/TeX-AMS_CHTML-full.js',
  'config/Safe.js',
  'extensions',
  'jax/input/TeX',
  'jax/output/CommonHTML',
  'jax/element',
  'localization/en',
  'fonts/HTML-CSS/TeX/woff',
];
const MATHJAX_URL = 'mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe';
const PLOTLY_MIME_TYPE = 'application/vnd.plotly.v1+json';
const CELL_TIMEOUT_S = 3600;

const USAGE = 'usage: node scripts/book.js [--out DIR] [--notebooks DIR] [--live-only] [--serve [--no-build] [--port N] [--host H]]';
const FLAGS = { '--live-only': 'liveOnly', '--serve': 'serve', '--no-build': 'noBuild' };

function parseArgs(argv) {
  const options = { out: path.join(ROOT, 'site'), notebooks: NOTEBOOK_DIR, liveOnly: false, serve: false, noBuild: false, port: 8000, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 1) {
    if (FLAGS[argv[i]]) {
      options[FLAGS[argv[i]]] = true;
      continue;
    }
    const key = { '--out': 'out', '--notebooks': 'notebooks', '--port': 'port', '--host': 'host' }[argv[i]];
    if (!key || argv[i + 1] == null) throw new BootstrapError(`unexpected argument ${JSON.stringify(argv[i])}; ${USAGE}`);
    options[key] = key === 'port' ? Number(argv[i + 1]) : key === 'host' ? argv[i + 1] : path.resolve(argv[i + 1]);
    i += 1;
  }
  if (!(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) throw new BootstrapError(`--port must be a port number (0-65535); ${USAGE}`);
  if (options.noBuild && !options.serve) throw new BootstrapError(`--no-build only goes with --serve; ${USAGE}`);
  return options;
}

/** Every *.ipynb of `dir`, in name order (00_…, 01_…, …). */
function notebookNames(dir = NOTEBOOK_DIR) {
  if (!fs.existsSync(dir)) throw new BootstrapError(`notebook folder not found: ${dir}`);
  const names = fs.readdirSync(dir).filter((name) => name.endsWith('.ipynb')).sort();
  if (names.length === 0) throw new BootstrapError(`no notebooks in ${dir}`);
  return names;
}

function cellText(cell) {
  return Array.isArray(cell.source) ? cell.source.join('') : String(cell.source || '');
}

/** Markdown emphasis, code and links reduced to their text. */
function plainText(markdown) {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/\*(\S.*?)\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Title: the first heading of the first markdown cell. Description: `metadata.stochgrad.description`
 * if set, else the first sentence of the first paragraph after that heading without TeX (`$`),
 * else its first sentence with the TeX delimiters dropped.
 */
function describeNotebook(nb, name) {
  const markdown = nb.cells.find((cell) => cell.cell_type === 'markdown');
  const text = markdown ? cellText(markdown) : '';
  const heading = /^#{1,6}\s+(.+)$/m.exec(text);
  const title = heading ? plainText(heading[1]) : name.replace(/\.ipynb$/, '');
  const custom = nb.metadata && nb.metadata.stochgrad && nb.metadata.stochgrad.description;
  if (typeof custom === 'string' && custom.trim()) return { title, description: custom.trim() };
  const body = heading ? text.slice(heading.index + heading[0].length) : text;
  const paragraph = body.split(/\n\s*\n/).map((p) => p.trim()).find((p) => p && !p.startsWith('#')) || '';
  const sentences = plainText(paragraph).split(/(?<=[.!?:])\s+(?=[A-Z])/).filter(Boolean);
  const description = sentences.find((s) => !s.includes('$')) || (sentences[0] || '').replace(/\$/g, '');
  return { title, description };
}

function formatSeconds(seconds) {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.round(seconds - 60 * minutes)).padStart(2, '0')} s`;
}

function spawnCollect(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = childProcess.spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new BootstrapError(`could not run ${command}: ${error.message}`)));
    child.on('close', (code) => resolve({ code: code == null ? 1 : code, stderr }));
  });
}

/**
 * Executes one notebook into workDir, with its checks (notebooks/checks/<name>.ts) as a last cell so
 * that a book whose numbers drift from its sentences fails; returns the executed copy's path and the
 * wall time. The checks' cell is dropped from the page (`withoutChecks`).
 */
async function executeNotebook(notebookDir, name, workDir, python, env) {
  const executed = path.join(workDir, name);
  const checks = path.join(notebookDir, 'checks', name.replace(/\.ipynb$/, '.ts'));
  const args = [path.join(ROOT, 'scripts', 'run-notebook.py'), `--kernel=${env.STOCHGRAD_KERNEL}`, `--timeout=${CELL_TIMEOUT_S}`];
  if (fs.existsSync(checks)) args.push(`--append=${checks}`);
  const started = process.hrtime.bigint();
  const { code, stderr } = await spawnCollect(python, [...args, path.join(notebookDir, name), executed], env);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) {
    throw new BootstrapError(`notebook ${name} failed (executed copy: ${executed}):\n${stderr.trim() || `exit ${code}`}`);
  }
  return { executed, seconds };
}

/** Copies require.js and the MathJax parts the pages use into the site; returns which were copied. */
function copyVendorScripts(staging) {
  fs.copyFileSync(vendorSource('requirejs/require.js'), path.join(staging, REQUIRE_JS_FILE));
  const mathJaxDir = path.dirname(vendorSource('mathjax/MathJax.js'));
  for (const part of MATHJAX_PARTS) {
    fs.cpSync(path.join(mathJaxDir, part), path.join(staging, 'mathjax', part), { recursive: true, dereference: true });
  }
  return { requireJs: true, mathJax: true };
}

function exportHtml(executed, python, env, vendor) {
  const args = ['-m', 'nbconvert', '--to', 'html', '--output-dir', path.dirname(executed)];
  if (vendor.requireJs) args.push(`--HTMLExporter.require_js_url=${REQUIRE_JS_FILE}`);
  if (vendor.mathJax) args.push(`--HTMLExporter.mathjax_url=${MATHJAX_URL}`);
  const result = childProcess.spawnSync(python, [...args, executed], { cwd: ROOT, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new BootstrapError(`nbconvert --to html failed for ${path.basename(executed)}:\n${result.stderr}`);
  }
  return executed.replace(/\.ipynb$/, '.html');
}

/** The executed notebook without the appended checks' cell (the reader's notebook has none). */
function withoutChecks(nb) {
  return { ...nb, cells: nb.cells.filter((cell) => cell.id !== 'appended-checks') };
}

function countOutputs(nb, predicate) {
  return nb.cells.reduce((n, cell) => n + (cell.outputs || []).filter(predicate).length, 0);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** The exported page with the shared Plotly bundle, a link back to the index and to its live page. */
function bookPage(html, useSharedPlotlyBundle, notebook) {
  const shared = useSharedPlotlyBundle(html, PLOTLY_FILE).html;
  const nav = '<nav class="stochgrad-book-nav" style="padding:8px 16px;font-family:sans-serif">' +
    `<a href="index.html">← stochgrad notebooks</a>${liveLinksHtml(notebook)}</nav>`;
  return shared.replace(/<body([^>]*)>/, (tag) => `${tag}\n${nav}`);
}

function liveList(live) {
  if (live.length === 0) return '';
  const rows = live
    .map((e) => `  <li><a href="${escapeHtml(e.page)}">${escapeHtml(e.title)}</a><br><span class="description">${escapeHtml(e.description)}</span></li>`)
    .join('\n');
  return `<h2>Live pages</h2>
<p>The library itself, running in your browser (no install): change a control and it recomputes.
Serve the site (<code>npm run book -- --serve</code>) for the fast WebAssembly backend.</p>
<ul class="live">
${rows}
</ul>`;
}

/** The documentation pages and the API reference, as the index page's list. */
function docsList(docs, api) {
  if (docs.length === 0 && !api) return '';
  const items = docs.map((d) => `  <li><a href="${escapeHtml(d.page)}">${escapeHtml(d.title)}</a></li>`);
  if (api) items.push(`  <li><a href="${escapeHtml(api)}">API reference</a> of <code>stochgrad</code> and <code>stochgrad/lab</code>, from the doc comments</li>`);
  return `<h2>Documentation</h2>\n<ul class="docs">\n${items.join('\n')}\n</ul>`;
}

function indexPage(entries, mode, live, docs = [], api = null) {
  const rows = entries
    .map((e) => `  <li><a href="${escapeHtml(e.page)}">${escapeHtml(e.title)}</a>` +
      ` <span class="time">${escapeHtml(formatSeconds(e.seconds))}</span>` +
      `<br><span class="description">${escapeHtml(e.description)}</span></li>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>stochgrad notebooks</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
ol, ul { padding-left: 1.2rem; } li { margin: 0.8rem 0; } a { font-weight: 600; }
.time { color: #777; font-size: 0.9em; margin-left: 0.5em; } .description { color: #444; }
</style>
</head>
<body>
<h1>stochgrad notebooks</h1>
${entries.length === 0 ? '<p>Gradient estimators for stochastic binary units. This site holds the live pages only (built with --live-only).</p>' : `<p>Gradient estimators for stochastic binary units. Every notebook was executed for this page
(${mode} mode); the time is its run time, kernel start included.</p>
<ol class="notebooks">
${rows}
</ol>`}
${liveList(live)}
${docsList(docs, api)}
</body>
</html>
`;
}

/** Only an empty folder or an earlier book (it has book.json) may be replaced by the new site. */
function checkReplaceable(out) {
  if (!fs.existsSync(out)) return;
  const isBook = fs.existsSync(path.join(out, 'book.json'));
  if (!fs.statSync(out).isDirectory() || (!isBook && fs.readdirSync(out).length > 0)) {
    throw new BootstrapError(`${out} exists and is not an earlier book (no book.json); choose another --out`);
  }
}

/** Serves `out` until Ctrl-C, printing its URL. */
async function serve(out, port, host) {
  if (!fs.existsSync(path.join(out, 'index.html'))) throw new BootstrapError(`${out} has no index.html; build the book first (npm run book)`);
  let server;
  try {
    server = await serveStatic(out, { port, host });
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    log(`port ${port} is busy; using a free one`);
    server = await serveStatic(out, { port: 0, host });
  }
  log(`serving ${path.relative(process.cwd(), out) || out}/ with COOP/COEP (wasm threads allowed); Ctrl-C stops`);
  console.log(`\nstochgrad: the book is at ${server.url}  (live pages: ${server.url}live/playground.html)\n`);
  await new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, resolve);
  });
  await server.close();
}

/** A chapter's title from its (unexecuted) notebook, for the live pages' links back. */
function chapterTitleFrom(notebooks) {
  return (name) => {
    const file = path.join(notebooks, name);
    if (!fs.existsSync(file)) return name.replace(/\.ipynb$/, '');
    return describeNotebook(JSON.parse(fs.readFileSync(file, 'utf8')), name).title;
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.noBuild) await build(options);
  if (options.serve) await serve(options.out, options.port, options.host);
}

async function build({ out, notebooks, liveOnly }) {
  checkReplaceable(out);
  const { python, env: jupyterEnv } = bootstrap();
  const { useSharedPlotlyBundle } = require(path.join(ROOT, 'dist', 'viz', 'book-page.js'));
  const env = { ...process.env, ...jupyterEnv };
  const mode = process.env.STOCHGRAD_FAST === '1' ? 'fast' : 'full';
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-book-'));
  const staging = path.join(work, 'site');
  fs.mkdirSync(staging);
  const vendor = liveOnly ? { requireJs: false, mathJax: false } : copyVendorScripts(staging);
  fs.copyFileSync(require.resolve('plotly.js-dist-min/plotly.min.js', { paths: [ROOT] }), path.join(staging, PLOTLY_FILE));

  const live = await writeLivePages(staging, chapterTitleFrom(notebooks));
  const docs = liveOnly ? [] : writeDocsPages(staging);
  const api = liveOnly ? null : writeApiReference(staging);
  const entries = [];
  for (const name of liveOnly ? [] : notebookNames(notebooks)) {
    log(`running ${name} (${mode} mode)`);
    const { executed, seconds } = await executeNotebook(notebooks, name, work, python, env);
    const nb = withoutChecks(JSON.parse(fs.readFileSync(executed, 'utf8')));
    const about = describeNotebook(nb, name);
    nb.metadata.title = about.title; // nbconvert's <title>
    fs.writeFileSync(executed, JSON.stringify(nb));
    const htmlPath = exportHtml(executed, python, env, vendor);
    const page = name.replace(/\.ipynb$/, '.html');
    fs.writeFileSync(path.join(staging, page), bookPage(fs.readFileSync(htmlPath, 'utf8'), useSharedPlotlyBundle, name));
    const figures = countOutputs(nb, (o) => o.data && PLOTLY_MIME_TYPE in o.data);
    entries.push({ notebook: name, page, ...about, seconds, figures });
    log(`  ${name}: ${formatSeconds(seconds)}, ${figures} figure(s)`);
  }

  fs.writeFileSync(path.join(staging, 'index.html'), indexPage(entries, mode, live, docs, api));
  fs.writeFileSync(path.join(staging, 'book.json'), `${JSON.stringify({ mode, vendor, notebooks: entries, live, docs, api }, null, 2)}\n`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.cpSync(staging, out, { recursive: true });
  fs.rmSync(work, { recursive: true, force: true });
  log(`wrote ${entries.length} notebook page(s) and ${live.length} live page(s) to ${path.relative(process.cwd(), out) || out}/ (open index.html)`);
}

if (require.main === module) runMain(main);

module.exports = { describeNotebook, formatSeconds, notebookNames };
