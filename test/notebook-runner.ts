/**
 * Runs notebooks headless through real Jupyter (nbclient, scripts/run-notebook.py) with the
 * project's tslab kernel. Used by the notebook tests and the browser test.
 *
 * The environment comes from `npm test` (scripts/test.js sets STOCHGRAD_PYTHON, STOCHGRAD_KERNEL,
 * JUPYTER_DATA_DIR, JUPYTER_PATH); when absent it is looked up via the package's project set-up (dist/project/).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root: the nearest folder above this file with a package.json (works from test/ and .build/test/). */
export const ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export interface RunNotebookOptions {
  /** Folder for the executed copy; default: a fresh temporary folder. */
  outputDir?: string;
  /** Seconds per cell (default 600). */
  cellTimeout?: number;
  /** Milliseconds for the whole run before the process is killed (default 20 minutes). */
  totalTimeoutMs?: number;
  /** Extra environment for the kernel; STOCHGRAD_FAST defaults to "1". */
  env?: NodeJS.ProcessEnv;
  /** Code inserted after the cell tagged `parameters` (papermill's convention), e.g. `seed = 7;`. */
  parameters?: string;
  /** A file whose text runs as a last cell (the chapter's checks, notebooks/checks/). */
  append?: string;
  /** The kernelspec (default the project's tslab kernel; `stochgrad-deno` for Deno's). */
  kernel?: string;
}

export interface NotebookRun {
  /** True when every cell ran without error. */
  ok: boolean;
  /** The executed notebook (written even when a cell failed). */
  executedPath: string;
  /** What went wrong (failing cells with source and error text); empty when ok. */
  errorText: string;
}

/** Raised by executeNotebook when a cell fails; the message carries the error text. */
export class NotebookExecutionError extends Error {
  /** The executed notebook, kept for inspection. */
  readonly executedPath: string;

  constructor(notebookPath: string, run: NotebookRun) {
    super(`notebook ${path.relative(ROOT, notebookPath)} failed:\n${run.errorText}`);
    this.name = 'NotebookExecutionError';
    this.executedPath = run.executedPath;
  }
}

interface JupyterSetup {
  python: string;
  kernel: string;
  env: NodeJS.ProcessEnv;
}

function jupyterSetup(): JupyterSetup {
  const { STOCHGRAD_PYTHON, STOCHGRAD_KERNEL, JUPYTER_DATA_DIR, JUPYTER_PATH } = process.env;
  if (STOCHGRAD_PYTHON && STOCHGRAD_KERNEL && JUPYTER_DATA_DIR) {
    return { python: STOCHGRAD_PYTHON, kernel: STOCHGRAD_KERNEL, env: { JUPYTER_DATA_DIR, JUPYTER_PATH } };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const project = require(path.join(ROOT, 'scripts', 'bootstrap.js')).project();
  const found = project.locateJupyter(ROOT);
  if (!found) throw new Error('Jupyter not found; run `npm test` or `npm start` once to set it up');
  return { python: found.python, kernel: project.KERNEL_NAME, env: project.jupyterEnv(ROOT) };
}

/** Executes `notebookPath` and reports the outcome; never throws for cell errors. */
export async function runNotebook(notebookPath: string, options: RunNotebookOptions = {}): Promise<NotebookRun> {
  const input = path.resolve(notebookPath);
  if (!fs.existsSync(input)) throw new Error(`notebook not found: ${input}`);
  const setup = jupyterSetup();
  const outputDir = options.outputDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-nb-'));
  fs.mkdirSync(outputDir, { recursive: true });
  const executedPath = path.join(outputDir, path.basename(input));
  const args = [
    path.join(ROOT, 'scripts', 'run-notebook.py'),
    `--kernel=${options.kernel ?? setup.kernel}`,
    `--timeout=${options.cellTimeout ?? 600}`,
    ...(options.parameters === undefined ? [] : [`--parameters=${options.parameters}`]),
    ...(options.append === undefined ? [] : [`--append=${options.append}`]),
    input,
    executedPath,
  ];
  const env = { ...process.env, STOCHGRAD_FAST: '1', ...setup.env, ...options.env };
  const { code, stderr } = await spawnCollect(setup.python, args, env, options.totalTimeoutMs ?? 20 * 60_000);
  const ok = code === 0;
  if (!ok && !fs.existsSync(executedPath)) {
    return { ok, executedPath, errorText: `run-notebook.py exited with ${code} without output:\n${stderr}` };
  }
  return { ok, executedPath, errorText: ok ? '' : stderr.trim() || `run-notebook.py exited with ${code}` };
}

/** Executes `notebookPath`; returns the path of the executed .ipynb, or throws NotebookExecutionError. */
export async function executeNotebook(notebookPath: string, options: RunNotebookOptions = {}): Promise<string> {
  const run = await runNotebook(notebookPath, options);
  if (!run.ok) throw new NotebookExecutionError(notebookPath, run);
  return run.executedPath;
}

/** Exports an (executed) notebook to HTML next to it with `nbconvert --to html`; returns the .html path. */
export function exportNotebookHtml(executedPath: string): string {
  const setup = jupyterSetup();
  const result = spawnSync(
    setup.python,
    ['-m', 'nbconvert', '--to', 'html', '--output-dir', path.dirname(executedPath), executedPath],
    { env: { ...process.env, ...setup.env }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`nbconvert --to html failed:\n${result.stderr}`);
  return executedPath.replace(/\.ipynb$/, '.html');
}

function spawnCollect(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', () => undefined); // kernel chatter is not interesting
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\nkilled after ${timeoutMs} ms`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stderr });
    });
  });
}
