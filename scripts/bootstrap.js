'use strict';
/**
 * Shared bootstrap for `npm start`, `npm test` and `npm run book` of this repository: node
 * dependencies, the build, the `stochgrad` self-link, then the notebook project set-up that the
 * package itself carries (src/project/: Jupyter found or installed, the project-local tslab
 * kernel) — the same path `stochgrad notebook` takes in a project made by `stochgrad init`.
 * Plain Node until the build exists. Every step checks first and only acts when something is
 * missing or stale, so re-runs are fast.
 */
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

class BootstrapError extends Error {}

function log(message) {
  console.log(`stochgrad: ${message}`);
}

/** Runs a command with inherited stdio; throws BootstrapError when it fails. */
function run(command, args, options = {}) {
  const result = childProcess.spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) throw new BootstrapError(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new BootstrapError(`\`${[command, ...args].join(' ')}\` failed (exit ${result.status})`);
  }
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function checkNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new BootstrapError(`Node.js >= 20.19 is required (found ${process.versions.node}); install a newer Node.js`);
  }
}

// ---------------------------------------------------------------- node dependencies

/** True when node_modules matches package-lock.json (npm's hidden lockfile records what is installed). */
function nodeModulesUpToDate() {
  const hiddenPath = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (!fs.existsSync(hiddenPath)) return false;
  const wanted = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages || {};
  const installed = JSON.parse(fs.readFileSync(hiddenPath, 'utf8')).packages || {};
  return Object.entries(wanted).every(([key, spec]) => {
    if (key === '' || !key.startsWith('node_modules/')) return true;
    const have = installed[key];
    if (!have) return Boolean(spec.optional); // optional deps (tfjs-node) may legitimately be absent
    return have.version === spec.version;
  });
}

function ensureNodeModules() {
  if (nodeModulesUpToDate()) return;
  log('installing node dependencies (npm ci)');
  run(npmCommand(), ['ci', '--no-audit', '--no-fund']);
}

/**
 * Notebooks `import ... from "stochgrad"`; tslab resolves that from notebooks/ upwards, so the
 * package must be reachable as node_modules/stochgrad. A relative symlink keeps copies of the tree working.
 */
function ensureSelfLink() {
  const link = path.join(ROOT, 'node_modules', 'stochgrad');
  let current = null;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = null;
  }
  if (current === '..') return;
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync('..', link, 'dir');
}

// ---------------------------------------------------------------- build

function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** Everything the build reads besides src/: tsconfig, lockfile, the browser build script and what it copies. */
const BUILD_INPUTS = ['tsconfig.json', 'package-lock.json', 'scripts/build-browser.js', 'data/mnist-2k.bin'];

/** Fingerprint of everything the build reads (names, sizes, mtimes). */
function buildFingerprint() {
  const inputs = [...listFiles(path.join(ROOT, 'src')), ...BUILD_INPUTS.map((file) => path.join(ROOT, file))];
  const hash = crypto.createHash('sha256');
  for (const file of inputs.sort()) {
    const stat = fs.statSync(file);
    hash.update(`${path.relative(ROOT, file)}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

function ensureBuild() {
  const stampPath = path.join(ROOT, 'dist', '.build-fingerprint');
  const fingerprint = buildFingerprint();
  const upToDate =
    fs.existsSync(path.join(ROOT, 'dist', 'index.js')) &&
    fs.existsSync(path.join(ROOT, 'dist', 'browser', 'stochgrad.global.js')) &&
    fs.existsSync(stampPath) &&
    fs.readFileSync(stampPath, 'utf8') === fingerprint;
  if (upToDate) return;
  log('building the library (npm run build)');
  run(npmCommand(), ['run', '--silent', 'build']);
  fs.writeFileSync(stampPath, fingerprint);
}

// ---------------------------------------------------------------- the notebook project (from the build)

/** The package's notebook-project set-up (src/project/), from dist/: only after ensureBuild. */
function project() {
  return {
    ...require(path.join(ROOT, 'dist', 'project', 'setup.js')),
    ...require(path.join(ROOT, 'dist', 'project', 'jupyter.js')),
    ...require(path.join(ROOT, 'dist', 'project', 'kernel.js')),
    ...require(path.join(ROOT, 'dist', 'project', 'notebook-server.js')),
  };
}

// ---------------------------------------------------------------- all together

/**
 * Brings the checkout to a runnable state. Returns {python, notebookVersion, env}, where env holds
 * the variables (JUPYTER_DATA_DIR, JUPYTER_PATH, STOCHGRAD_PYTHON, STOCHGRAD_KERNEL) for Jupyter child processes.
 */
function bootstrap() {
  checkNodeVersion();
  ensureNodeModules();
  ensureSelfLink();
  ensureBuild();
  return project().setUpProject(ROOT);
}

/** Runs `main`, turning set-up errors into a clear message and exit code 1. */
function runMain(main) {
  Promise.resolve()
    .then(main)
    .catch((error) => {
      if (error instanceof BootstrapError || (error && ['SetupError', 'MissingPackageError'].includes(error.name))) {
        console.error(`stochgrad: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exit(1);
    });
}

module.exports = {
  ROOT,
  BootstrapError,
  bootstrap,
  project,
  listFiles,
  log,
  runMain,
};
