/**
 * A notebook project ready to open: Node new enough, Jupyter found (or installed), the project's
 * tslab kernel registered, and its Deno kernel too when the npm package `deno` is installed. `npm start` / `npm test` of this repository (scripts/bootstrap.js, after
 * installing and building) and `stochgrad notebook` in a project made by `stochgrad init` both
 * come through here, so they set up Jupyter the same way.
 */
import { ensureJupyter } from './jupyter';
import { DENO_KERNEL_NAME, ensureDenoKernel, ensureKernel, jupyterEnv, KERNEL_NAME, tslabLauncher } from './kernel';
import { SetupError } from './setup-error';

export interface ProjectSetup {
  python: string;
  notebookVersion: string;
  /** Variables for Jupyter child processes: JUPYTER_DATA_DIR, JUPYTER_PATH, STOCHGRAD_PYTHON, STOCHGRAD_KERNEL. */
  env: Record<string, string>;
}

export function checkNodeVersion(version: string = process.versions.node): void {
  const [major, minor] = version.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new SetupError(`Node.js >= 20.19 is required (found ${version}); install a newer Node.js`);
  }
}

function hasTslab(projectDir: string): boolean {
  try {
    tslabLauncher(projectDir);
    return true;
  } catch {
    return false;
  }
}

/** Brings `projectDir` to a state where its notebooks open; see the module comment. */
export function setUpProject(projectDir: string): ProjectSetup {
  checkNodeVersion();
  const { python, notebookVersion } = ensureJupyter(projectDir);
  const deno = ensureDenoKernel(projectDir); // when the project has the npm package deno
  // tslab's kernel unless the project has Deno's alone (then a missing tslab is no error).
  const tslab = deno === undefined || hasTslab(projectDir);
  if (tslab) ensureKernel(projectDir);
  return {
    python,
    notebookVersion,
    env: {
      ...jupyterEnv(projectDir),
      STOCHGRAD_PYTHON: python,
      STOCHGRAD_KERNEL: tslab ? KERNEL_NAME : DENO_KERNEL_NAME,
    },
  };
}
