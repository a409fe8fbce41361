'use strict';
/**
 * `npm test`: bootstrap, check STOCHGRAD_BACKEND, the linter and the formatter (ESLint with
 * typescript-eslint, eslint.config.mjs; Prettier, .prettierrc.json), compile src + test
 * (tsconfig.test.json → .build/), then one `node --test` run over every .build/test/**\/*.test.js
 * (unit tests and notebook tests).
 * Extra arguments are passed to `node --test`, e.g. `npm test -- --test-name-pattern=backend`.
 */
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, BootstrapError, bootstrap, listFiles, runMain } = require('./bootstrap');

const BUILD_DIR = path.join(ROOT, '.build');

/** Fails fast, naming the valid backends, when STOCHGRAD_BACKEND is set to something unknown. */
function checkBackendEnv() {
  const value = process.env.STOCHGRAD_BACKEND;
  if (!value) return;
  const { parseBackendName } = require(path.join(ROOT, 'dist', 'backend.js'));
  try {
    parseBackendName(value, 'STOCHGRAD_BACKEND');
  } catch (error) {
    throw new BootstrapError(error.message);
  }
}

function compileTests() {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = childProcess.spawnSync(process.execPath, [tsc, '-p', 'tsconfig.test.json'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new BootstrapError('compiling the tests (tsc -p tsconfig.test.json) failed; see the errors above');
}

/** ESLint and Prettier's check over the TypeScript sources; either failing stops the run. */
function lintAndFormat() {
  const sources = ['src', 'test', 'live/src'];
  const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
  const lint = childProcess.spawnSync(bin('eslint'), sources, { cwd: ROOT, stdio: 'inherit' });
  if (lint.status !== 0) throw new BootstrapError('the linter found problems (npx eslint src test live/src); see above');
  const globs = sources.map((dir) => `${dir}/**/*.ts`);
  const format = childProcess.spawnSync(bin('prettier'), ['--check', ...globs], { cwd: ROOT, stdio: 'inherit' });
  if (format.status !== 0) throw new BootstrapError('files are not formatted: run npx prettier --write "src/**/*.ts" "test/**/*.ts" "live/src/**/*.ts"');
}

function testFiles() {
  const files = listFiles(path.join(BUILD_DIR, 'test'))
    .filter((file) => file.endsWith('.test.js'))
    .sort();
  if (files.length === 0) throw new BootstrapError('no tests found (test/**/*.test.ts)');
  return files.map((file) => path.relative(ROOT, file));
}

function main() {
  const { env } = bootstrap();
  checkBackendEnv();
  lintAndFormat();
  compileTests();
  const args = ['--test', '--test-reporter=spec', ...process.argv.slice(2), ...testFiles()];
  const result = childProcess.spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, STOCHGRAD_FAST: '1' },
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}

runMain(main);
