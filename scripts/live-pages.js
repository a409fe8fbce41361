'use strict';
/**
 * The live pages of the book (`npm run book` writes them to site/live/): each page of
 * live/pages.json is live/template.html around live/<page>.body.html, with its glue
 * live/src/<page>.ts bundled by esbuild (the glue only; the library comes from the site's
 * stochgrad/stochgrad.global.js, Plotly from its plotly.min.js). Also copies the browser build
 * (dist/browser/, without source maps) to site/stochgrad/.
 *
 *   site/stochgrad/            stochgrad.global.js, stochgrad.js, the wasm binaries, mnist-2k.bin
 *   site/live/<page>.html      one per page, plus live.css and <page>.js
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const LIVE_DIR = path.join(ROOT, 'live');
const BROWSER_BUILD = path.join(ROOT, 'dist', 'browser');
const GLUE_LIMIT = 60_000;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** The pages of live/pages.json: page, title, description, chapters (notebook file names). */
function livePages() {
  return JSON.parse(fs.readFileSync(path.join(LIVE_DIR, 'pages.json'), 'utf8'));
}

/** The live page(s) of a chapter (`04_arm.ipynb` → the arm-toy page). */
function livePagesOf(notebook) {
  return livePages().filter((page) => page.chapters.includes(notebook));
}

/** Copies the browser build into `staging/stochgrad/` (no source maps: the site stays small). */
function copyBrowserBuild(staging) {
  if (!fs.existsSync(path.join(BROWSER_BUILD, 'stochgrad.global.js'))) {
    throw new Error(`${BROWSER_BUILD} has no browser build; run npm run build`);
  }
  const target = path.join(staging, 'stochgrad');
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(BROWSER_BUILD)) {
    if (name.endsWith('.map') || name === 'package.json') continue;
    fs.copyFileSync(path.join(BROWSER_BUILD, name), path.join(target, name));
  }
}

/** Bundles live/src/<name>.ts (and what it imports from live/src) into `out`. */
async function bundleGlue(name, out) {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: [path.join(LIVE_DIR, 'src', `${name}.ts`)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    outfile: out,
    logLevel: 'warning',
  });
  // Glue is a few KB; a bundle this size has pulled the library in instead of using window.stochgrad.
  const bytes = fs.statSync(out).size;
  if (bytes > GLUE_LIMIT) throw new Error(`${out} is ${bytes} bytes: the glue must take the library from window.stochgrad (import types only)`);
}

/**
 * Writes the live pages into `staging` (site/): `chapterTitle(notebook)` names each chapter a page
 * links back to. Returns [{ page: 'live/<page>.html', title, description, chapters }].
 */
async function writeLivePages(staging, chapterTitle) {
  copyBrowserBuild(staging);
  const out = path.join(staging, 'live');
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(path.join(LIVE_DIR, 'live.css'), path.join(out, 'live.css'));
  const template = fs.readFileSync(path.join(LIVE_DIR, 'template.html'), 'utf8');
  const entries = [];
  for (const page of livePages()) {
    const name = page.page.replace(/\.html$/, '');
    await bundleGlue(name, path.join(out, `${name}.js`));
    const chapters = page.chapters
      .map((notebook) => `<a href="../${escapeHtml(notebook.replace(/\.ipynb$/, '.html'))}">${escapeHtml(chapterTitle(notebook))}</a>`)
      .join(', ');
    const html = template
      .replace(/\{\{title\}\}/g, escapeHtml(page.title))
      .replace('{{description}}', escapeHtml(page.description))
      .replace('{{chapters}}', chapters ? ` · from the chapter${page.chapters.length > 1 ? 's' : ''} ${chapters}` : '')
      .replace('{{body}}', fs.readFileSync(path.join(LIVE_DIR, `${name}.body.html`), 'utf8').trim())
      .replace('{{script}}', `${name}.js`);
    fs.writeFileSync(path.join(out, page.page), html);
    entries.push({ ...page, page: `live/${page.page}` });
  }
  return entries;
}

/** The link a chapter page shows to its live counterpart(s), or '' when it has none. */
function liveLinksHtml(notebook) {
  const pages = livePagesOf(notebook);
  if (pages.length === 0) return '';
  return pages
    .map((page) => ` · <a class="stochgrad-live-link" href="live/${escapeHtml(page.page)}">▶ live: ${escapeHtml(page.title)}</a>`)
    .join('');
}

module.exports = { livePages, livePagesOf, liveLinksHtml, writeLivePages };
