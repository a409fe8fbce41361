'use strict';
/**
 * The browser build (part of `npm run build`, after tsc): bundles src/browser.ts with esbuild into
 *
 *   dist/browser/stochgrad.js          an ES module (`import { estimate } from './stochgrad.js'`)
 *   dist/browser/stochgrad.global.js   a classic script defining `globalThis.stochgrad`
 *   dist/browser/*.wasm                the tfjs wasm binaries, found next to the bundle at run time
 *   dist/browser/mnist-2k.bin          the packed digits `fetchDataset('mnist-2k')` reads
 *   dist/browser/stochgrad.js.LEGAL.txt  the licence notices of the bundled packages (tfjs: Apache-2.0)
 *
 * Both bundles are self-contained (tfjs included) and minified. The browser entry imports no Node
 * built-in; esbuild fails the build if one creeps in (platform 'browser', nothing external).
 */
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'dist', 'browser');
const ENTRY = path.join(ROOT, 'src', 'browser.ts');
const WASM_DIR = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json', { paths: [ROOT] })), 'dist');
const DATA_FILE = path.join(ROOT, 'data', 'mnist-2k.bin');

/** Where the bundle was loaded from (browser/location.ts reads it): module URL, or the script element's src. */
const SCRIPT_URL = {
  esm: 'const __STOCHGRAD_SCRIPT_URL__ = import.meta.url;',
  iife:
    'var __STOCHGRAD_SCRIPT_URL__ = typeof document !== "undefined" && document.currentScript ' +
    '? document.currentScript.src : undefined;',
};

const COMMON = {
  entryPoints: [ENTRY],
  bundle: true,
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
};

async function build() {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  await esbuild.build({
    ...COMMON,
    format: 'esm',
    outfile: path.join(OUT, 'stochgrad.js'),
    banner: { js: SCRIPT_URL.esm },
    legalComments: 'linked',
  });
  // The same code: its third-party licence notices are the ES module's (one copy in the package).
  await esbuild.build({
    ...COMMON,
    format: 'iife',
    globalName: 'stochgrad',
    outfile: path.join(OUT, 'stochgrad.global.js'),
    banner: { js: `/*! stochgrad; third-party licences: stochgrad.js.LEGAL.txt */\n${SCRIPT_URL.iife}` },
    legalComments: 'none',
  });
  for (const name of fs.readdirSync(WASM_DIR).filter((file) => file.endsWith('.wasm'))) {
    fs.copyFileSync(path.join(WASM_DIR, name), path.join(OUT, name));
  }
  fs.copyFileSync(DATA_FILE, path.join(OUT, path.basename(DATA_FILE)));
  // Node reads *.js here as ES modules (the classic script has no import/export, so either way works).
  fs.writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
}

build().catch((error) => {
  console.error(`stochgrad: the browser build failed: ${error.message}`);
  process.exit(1);
});
