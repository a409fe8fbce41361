#!/usr/bin/env node
/**
 * The `stochgrad` command line: `stochgrad <command> [options]`.
 * Exit codes: 0 success, 2 bad command line or argument, 1 anything else.
 */
import type { Command } from './command';
import { compareCommand } from './compare-command';
import { estimatorsCommand } from './estimators';
import { initCommand } from './init-command';
import { notebookCommand } from './notebook-command';
import { sweepCommand } from './sweep-command';
import { trainCommand } from './train-command';
import { PartialFailure, UsageError, describeError, exitCodeFor } from '../terminal/usage-error';

export const COMMANDS: readonly Command[] = [
  compareCommand,
  estimatorsCommand,
  trainCommand,
  sweepCommand,
  initCommand,
  notebookCommand,
];

const HELP_WORDS = ['help', '--help', '-h'];

/** Top-level usage: the subcommands and their summaries. */
export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'usage: stochgrad <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    `  ${'help'.padEnd(width)}  print this help, or a command's: stochgrad help <command>`,
    '',
    'Options take the form --name value or --name=value; stochgrad <command> --help lists them.',
  ].join('\n');
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    const valid = COMMANDS.map((candidate) => candidate.name).join(', ');
    throw new UsageError(`unknown command ${JSON.stringify(name)}; valid commands are ${valid} (and help)`);
  }
  return command;
}

/** Dispatches `argv` (without node and the script); returns stdout text. */
export async function dispatch(argv: readonly string[]): Promise<string> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError(`no command given\n\n${usage()}`);
  if (HELP_WORDS.includes(name)) return rest.length > 0 ? findCommand(rest[0]).usage() : usage();
  return findCommand(name).run(rest);
}

/** Runs the command line, writes its output and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const output = await dispatch(argv);
    process.stdout.write(`${output}\n`);
    return 0;
  } catch (error) {
    if (error instanceof PartialFailure) process.stdout.write(`${error.output}\n`);
    process.stderr.write(`${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
