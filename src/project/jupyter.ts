/**
 * Finding Jupyter Notebook for a notebook project (this repository, or one made by
 * `stochgrad init`): an existing Notebook 6.4+ or 7 with nbconvert and nbclient if any Python has
 * them; else a project-local `.venv` via pip; else, as root on Debian, `apt-get install`. When none
 * works, a SetupError names what to install. Every step checks first and only acts when needed.
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { log, SetupError } from './setup-error';

/** Notebook 6.4+ or 7 (a current pip index only has 7; Debian 12 ships 6.4). */
export const MIN_NOTEBOOK_VERSION = [6, 4] as const;
const PIP_PACKAGES = [`notebook>=${MIN_NOTEBOOK_VERSION.join('.')}`, 'nbconvert', 'nbclient'];
const APT_PACKAGES = ['jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel'];
const PYTHON_MODULES_CHECK =
  'import notebook, nbconvert, nbclient, nbformat, jupyter_client; print(notebook.__version__)';

export interface Jupyter {
  python: string;
  notebookVersion: string;
}

/** Runs a command quietly; returns trimmed stdout, or null when it cannot run or fails. */
function capture(command: string, args: string[]): string | null {
  const result = childProcess.spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) return null;
  return result.stdout.trim();
}

/** Runs a command with inherited stdio; throws a SetupError when it fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = childProcess.spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) throw new SetupError(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new SetupError(`\`${[command, ...args].join(' ')}\` failed (exit ${result.status})`);
}

export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
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
function shebangInterpreter(script: string): string | null {
  let firstLine: string;
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
function pythonCandidates(projectDir: string): string[] {
  const candidates: (string | null)[] = [];
  if (process.env.STOCHGRAD_PYTHON) candidates.push(process.env.STOCHGRAD_PYTHON);
  candidates.push(path.join(projectDir, '.venv', 'bin', 'python'));
  for (const jupyter of [findOnPath('jupyter'), '/usr/bin/jupyter', '/usr/local/bin/jupyter']) {
    if (jupyter) candidates.push(shebangInterpreter(jupyter));
  }
  candidates.push('python3', 'python', '/usr/bin/python3');
  return [...new Set(candidates.filter((c): c is string => Boolean(c)))];
}

/** True for Notebook versions a project runs on: "6.4.12", "7.2.0", "7.0.0rc1" (major.minor compared). */
export function supportedNotebookVersion(version: string | null | undefined): boolean {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const [wantMajor, wantMinor] = MIN_NOTEBOOK_VERSION;
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/** The first Python that has notebook, nbconvert and nbclient, else null. */
export function locateJupyter(projectDir: string): Jupyter | null {
  for (const python of pythonCandidates(projectDir)) {
    const version = capture(python, ['-c', PYTHON_MODULES_CHECK]);
    if (version !== null && supportedNotebookVersion(version)) return { python, notebookVersion: version };
  }
  return null;
}

function tryVenvInstall(projectDir: string): boolean {
  const systemPython = findOnPath('python3') ?? findOnPath('python');
  if (!systemPython) return false;
  const venv = path.join(projectDir, '.venv');
  log(`no Jupyter found; trying a project venv (.venv) with: pip install ${PIP_PACKAGES.join(' ')}`);
  const venvPython = path.join(venv, 'bin', 'python');
  const ok =
    childProcess.spawnSync(systemPython, ['-m', 'venv', venv], { stdio: 'inherit' }).status === 0 &&
    childProcess.spawnSync(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--retries', '1', '--timeout', '20', ...PIP_PACKAGES],
      { stdio: 'inherit' },
    ).status === 0;
  if (!ok) {
    log('the venv install did not work; removing .venv');
    fs.rmSync(venv, { recursive: true, force: true });
  }
  return ok;
}

function canUseApt(): boolean {
  return (
    process.platform === 'linux' &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0 &&
    fs.existsSync('/etc/debian_version') &&
    findOnPath('apt-get') !== null
  );
}

function tryAptInstall(): boolean {
  if (!canUseApt()) return false;
  log(`installing Jupyter from Debian: apt-get install ${APT_PACKAGES.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], env);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], env);
  return true;
}

/** A working Jupyter for `projectDir`, installed if need be; see the module comment. */
export function ensureJupyter(projectDir: string): Jupyter {
  let found = locateJupyter(projectDir);
  if (!found && tryVenvInstall(projectDir)) found = locateJupyter(projectDir);
  if (!found && tryAptInstall()) found = locateJupyter(projectDir);
  if (!found) {
    throw new SetupError(
      `Jupyter Notebook (>= ${MIN_NOTEBOOK_VERSION.join('.')}, 6 or 7) with nbconvert and nbclient was not found and could not be installed.\n` +
        `Install it with one of:\n  sudo apt-get install ${APT_PACKAGES.join(' ')}\n` +
        `  python3 -m pip install '${PIP_PACKAGES.join("' '")}'\n` +
        'or point STOCHGRAD_PYTHON at a Python that has them.',
    );
  }
  return found;
}
