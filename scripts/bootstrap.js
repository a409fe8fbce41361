'use strict';
/**
 * Shared bootstrap for `npm start` and `npm test`: node dependencies, build, Jupyter,
 * the project-local tslab kernel and the `stochgrad` self-link. Plain Node, no dependencies.
 * Every step checks first and only acts when something is missing or stale, so re-runs are fast.
 */
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const KERNEL_NAME = 'stochgrad-tslab';
const KERNEL_DISPLAY_NAME = 'TypeScript (stochgrad)';
const JUPYTER_DATA_DIR = path.join(ROOT, '.jupyter', 'data');
const VENV_DIR = path.join(ROOT, '.venv');
/** Notebook 6.4+ or 7 (a current pip index only has 7; Debian 12 ships 6.4). */
const MIN_NOTEBOOK_VERSION = [6, 4];
const PIP_PACKAGES = [`notebook>=${MIN_NOTEBOOK_VERSION.join('.')}`, 'nbconvert', 'nbclient'];
const APT_PACKAGES = ['jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel'];
const PYTHON_MODULES_CHECK =
  'import notebook, nbconvert, nbclient, nbformat, jupyter_client; print(notebook.__version__)';

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

/** Runs a command quietly; returns trimmed stdout, or null when it cannot run or fails. */
function capture(command, args) {
  const result = childProcess.spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim();
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

/** Fingerprint of everything the build reads: sources, tsconfig, lockfile (names, sizes, mtimes). */
function buildFingerprint() {
  const inputs = [...listFiles(path.join(ROOT, 'src')), path.join(ROOT, 'tsconfig.json'), path.join(ROOT, 'package-lock.json')];
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
    fs.existsSync(stampPath) &&
    fs.readFileSync(stampPath, 'utf8') === fingerprint;
  if (upToDate) return;
  log('building the library (npm run build)');
  run(npmCommand(), ['run', '--silent', 'build']);
  fs.writeFileSync(stampPath, fingerprint);
}

// ---------------------------------------------------------------- Jupyter

function findOnPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** The interpreter named by a script's `#!` line (`#!/usr/bin/env python3` → `python3`). */
function shebangInterpreter(script) {
  let firstLine;
  try {
    firstLine = fs.readFileSync(script, 'utf8').split('\n', 1)[0];
  } catch {
    return null;
  }
  if (!firstLine.startsWith('#!')) return null;
  const parts = firstLine.slice(2).trim().split(/\s+/);
  if (path.basename(parts[0]) === 'env') return parts[1] || null;
  return parts[0];
}

/** Pythons worth trying, most specific first: explicit override, project venv, the `jupyter` on PATH, system. */
function pythonCandidates() {
  const candidates = [];
  if (process.env.STOCHGRAD_PYTHON) candidates.push(process.env.STOCHGRAD_PYTHON);
  candidates.push(path.join(VENV_DIR, 'bin', 'python'));
  for (const jupyter of [findOnPath('jupyter'), '/usr/bin/jupyter', '/usr/local/bin/jupyter']) {
    if (jupyter) candidates.push(shebangInterpreter(jupyter));
  }
  candidates.push('python3', 'python', '/usr/bin/python3');
  return [...new Set(candidates.filter(Boolean))];
}

/** True for Notebook versions this project runs on: "6.4.12", "7.2.0", "7.0.0rc1" (major.minor compared). */
function supportedNotebookVersion(version) {
  const match = /^(\d+)\.(\d+)/.exec(version || '');
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const [wantMajor, wantMinor] = MIN_NOTEBOOK_VERSION;
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** Returns {python, notebookVersion} for the first Python that has notebook, nbconvert and nbclient, else null. */
function locateJupyter() {
  for (const python of pythonCandidates()) {
    const version = capture(python, ['-c', PYTHON_MODULES_CHECK]);
    if (supportedNotebookVersion(version)) return { python, notebookVersion: version };
  }
  return null;
}

function tryVenvInstall() {
  const systemPython = findOnPath('python3') || findOnPath('python');
  if (!systemPython) return false;
  log(`no Jupyter found; trying a project venv (.venv) with: pip install ${PIP_PACKAGES.join(' ')}`);
  const venvPython = path.join(VENV_DIR, 'bin', 'python');
  const ok =
    childProcess.spawnSync(systemPython, ['-m', 'venv', VENV_DIR], { stdio: 'inherit' }).status === 0 &&
    childProcess.spawnSync(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--retries', '1', '--timeout', '20', ...PIP_PACKAGES],
      { stdio: 'inherit' },
    ).status === 0;
  if (!ok) {
    log('the venv install did not work; removing .venv');
    fs.rmSync(VENV_DIR, { recursive: true, force: true });
  }
  return ok;
}

function canUseApt() {
  return (
    process.platform === 'linux' &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    fs.existsSync('/etc/debian_version') &&
    findOnPath('apt-get') !== null
  );
}

function tryAptInstall() {
  if (!canUseApt()) return false;
  log(`installing Jupyter from Debian: apt-get install ${APT_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], { env });
  return true;
}

function ensureJupyter() {
  let found = locateJupyter();
  if (!found && tryVenvInstall()) found = locateJupyter();
  if (!found && tryAptInstall()) found = locateJupyter();
  if (!found) {
    throw new BootstrapError(
      `Jupyter Notebook (>= ${MIN_NOTEBOOK_VERSION.join('.')}, 6 or 7) with nbconvert and nbclient was not found and could not be installed.\n` +
        `Install it with one of:\n  sudo apt-get install ${APT_PACKAGES.join(' ')}\n` +
        `  python3 -m pip install '${PIP_PACKAGES.join("' '")}'\n` +
        'or point STOCHGRAD_PYTHON at a Python that has them.',
    );
  }
  return found;
}

// ---------------------------------------------------------------- kernel

/** Environment that makes Jupyter see the project-local data dir (and thus the project kernel). */
function jupyterEnv(baseEnv = process.env) {
  const jupyterPath = [JUPYTER_DATA_DIR, baseEnv.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  return { JUPYTER_DATA_DIR, JUPYTER_PATH: jupyterPath };
}

function kernelSpec() {
  return {
    argv: [process.execPath, path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
  };
}

/** Writes .jupyter/data/kernels/stochgrad-tslab/kernel.json (absolute paths of this tree) when it differs. */
function ensureKernel() {
  const tslab = path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(tslab)) throw new BootstrapError(`tslab is missing (${tslab}); run npm ci`);
  const dir = path.join(JUPYTER_DATA_DIR, 'kernels', KERNEL_NAME);
  const file = path.join(dir, 'kernel.json');
  const content = `${JSON.stringify(kernelSpec(), null, 2)}\n`;
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, content);
  log(`registered the Jupyter kernel "${KERNEL_DISPLAY_NAME}" (${KERNEL_NAME}) in ${path.relative(ROOT, dir)}`);
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
  const { python, notebookVersion } = ensureJupyter();
  ensureKernel();
  const env = { ...jupyterEnv(), STOCHGRAD_PYTHON: python, STOCHGRAD_KERNEL: KERNEL_NAME };
  return { python, notebookVersion, env };
}

/** Runs `main`, turning BootstrapErrors into a clear message and exit code 1. */
function runMain(main) {
  Promise.resolve()
    .then(main)
    .catch((error) => {
      if (error instanceof BootstrapError) {
        console.error(`stochgrad: ${error.message}`);
      } else {
        console.error(error);
      }
      process.exit(1);
    });
}

module.exports = {
  ROOT,
  KERNEL_NAME,
  KERNEL_DISPLAY_NAME,
  JUPYTER_DATA_DIR,
  BootstrapError,
  bootstrap,
  jupyterEnv,
  locateJupyter,
  listFiles,
  supportedNotebookVersion,
  log,
  runMain,
};
