/**
 * `stochgrad notebook [DIR]`: sets up Jupyter for a notebook project (the same path as this
 * repository's `npm start`) and opens its notebooks/ folder; what `npm start` runs in a project
 * made by `stochgrad init`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runNotebookServer } from '../project/notebook-server';
import { setUpProject } from '../project/setup';
import type { Command } from './command';
import { optionsHelp, parseCommandLine, type OptionsSpec } from '../terminal/options';

export const NOTEBOOK_OPTIONS = {
  help: { kind: 'flag', help: 'print this help' },
} as const satisfies OptionsSpec;

export const notebookCommand: Command = {
  name: 'notebook',
  summary: "open a project's notebooks in Jupyter Notebook, setting Jupyter and the kernel up first",
  usage: () =>
    [
      'usage: stochgrad notebook [DIR]',
      '',
      'Finds Jupyter Notebook (or installs it into DIR/.venv, or from Debian as root), registers the',
      "project's tslab kernel in DIR/.jupyter and serves DIR/notebooks (DIR itself when it has no",
      'notebooks/ folder) on 127.0.0.1 with a token; STOCHGRAD_PORT picks the port (default 8888).',
      'DIR defaults to the current folder.',
      '',
      'options:',
      optionsHelp(NOTEBOOK_OPTIONS),
    ].join('\n'),
  async run(argv) {
    const { options, positionals } = parseCommandLine(argv, NOTEBOOK_OPTIONS, 1);
    if (options.help) return notebookCommand.usage();
    const dir = path.resolve(positionals[0] ?? '.');
    const notebooks = fs.existsSync(path.join(dir, 'notebooks')) ? path.join(dir, 'notebooks') : dir;
    const code = await runNotebookServer(setUpProject(dir), notebooks, dir);
    if (code !== 0) throw new Error(`Jupyter Notebook exited with code ${code}`);
    return '';
  },
};
