/**
 * The tslab kernel of a notebook project, registered for that project only: its kernelspec lives
 * in `<project>/.jupyter/data/kernels/stochgrad-tslab/`, and Jupyter sees it through the
 * environment `jupyterEnv` gives (JUPYTER_DATA_DIR, JUPYTER_PATH). The kernel runs the project's
 * own tslab, so notebooks import the project's stochgrad.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MissingPackageError } from '../errors';
import { log } from './setup-error';

export const KERNEL_NAME = 'stochgrad-tslab';
export const KERNEL_DISPLAY_NAME = 'TypeScript (stochgrad)';

/** `<project>/.jupyter/data`: the project's own Jupyter data folder. */
export function jupyterDataDir(projectDir: string): string {
  return path.join(projectDir, '.jupyter', 'data');
}

/** Environment that makes Jupyter see the project's data folder (and thus its kernel). */
export function jupyterEnv(projectDir: string, baseEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const dataDir = jupyterDataDir(projectDir);
  return {
    JUPYTER_DATA_DIR: dataDir,
    JUPYTER_PATH: [dataDir, baseEnv.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
  };
}

/** tslab's launcher as installed in the project (hoisted or not); a MissingPackageError when absent. */
export function tslabLauncher(projectDir: string): string {
  let manifest: string;
  try {
    manifest = require.resolve('tslab/package.json', { paths: [projectDir] });
  } catch {
    throw new MissingPackageError('tslab', `the notebook kernel of ${projectDir}`);
  }
  return path.join(path.dirname(manifest), 'bin', 'tslab');
}

type KernelSpec = { argv: string[]; display_name: string; language: string };

export function kernelSpec(launcher: string): KernelSpec {
  return {
    argv: [process.execPath, launcher, 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
  };
}

/** Writes `<project>/.jupyter/data/kernels/<name>/kernel.json` when it differs; returns its path. */
function writeKernel(projectDir: string, name: string, spec: KernelSpec): string {
  const dir = path.join(jupyterDataDir(projectDir), 'kernels', name);
  const file = path.join(dir, 'kernel.json');
  const content = `${JSON.stringify(spec, null, 2)}\n`;
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return file;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, content);
  log(`registered the Jupyter kernel "${spec.display_name}" (${name}) in ${path.relative(projectDir, dir)}`);
  return file;
}

/** Writes the project's kernel.json (absolute paths) when it differs; `launcher` defaults to the installed tslab. */
export function ensureKernel(projectDir: string, launcher: string = tslabLauncher(projectDir)): string {
  return writeKernel(projectDir, KERNEL_NAME, kernelSpec(launcher));
}

/** Deno's kernel for the same project, beside tslab's (chapters run in both; tslab stays the default). */
export const DENO_KERNEL_NAME = 'stochgrad-deno';
export const DENO_KERNEL_DISPLAY_NAME = 'TypeScript (stochgrad, Deno)';

/**
 * The Deno executable of the project's npm package `deno`: the binary its postinstall places in the
 * package, else the platform package's (`@deno/linux-x64-glibc`, …), as its `bin.cjs` finds it;
 * undefined when the package is not installed.
 */
export function denoExecutable(projectDir: string): string | undefined {
  let manifest: string;
  try {
    manifest = require.resolve('deno/package.json', { paths: [projectDir] });
  } catch {
    return undefined;
  }
  const exe = process.platform === 'win32' ? 'deno.exe' : 'deno';
  const own = path.join(path.dirname(manifest), exe);
  if (fs.existsSync(own)) return own;
  const target = `${process.platform}-${process.arch}`;
  for (const name of [`@deno/${target}-glibc`, `@deno/${target}`]) {
    try {
      const platform = path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [manifest] })), exe);
      if (fs.existsSync(platform)) return platform;
    } catch {
      // not this platform's package
    }
  }
  return undefined;
}

/**
 * Deno's kernel runs every cell with all permissions (`deno jupyter` has no permission flags in
 * 2.9); the chapters need reading files, the environment and the WebAssembly backend's files.
 */
export function denoKernelSpec(executable: string): KernelSpec {
  return {
    argv: [executable, 'jupyter', '--kernel', '--conn', '{connection_file}'],
    display_name: DENO_KERNEL_DISPLAY_NAME,
    language: 'typescript',
  };
}

/** Writes the project's Deno kernel.json when the package `deno` is installed; returns its path, or undefined. */
export function ensureDenoKernel(projectDir: string, executable = denoExecutable(projectDir)): string | undefined {
  return executable === undefined ? undefined : writeKernel(projectDir, DENO_KERNEL_NAME, denoKernelSpec(executable));
}
