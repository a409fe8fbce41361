/**
 * Errors the command line reports without a stack trace. A `UsageError` (bad command line)
 * exits with code 2, as does the library's `ArgumentError` (bad value passed through);
 * anything else is an internal failure, exit code 1.
 */
import { ArgumentError } from '../errors';

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

/** The command line itself was wrong: unknown subcommand or option, bad option value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A command that ran to the end but some of its work failed (a training run diverged, a sweep
 * run failed): `output` still goes to stdout, the message to stderr, and the exit code is 1.
 */
export class PartialFailure extends Error {
  constructor(
    readonly output: string,
    message: string,
  ) {
    super(message);
    this.name = 'PartialFailure';
  }
}

/** The exit code for an error thrown while running a command. */
export function exitCodeFor(error: unknown): number {
  return error instanceof UsageError || error instanceof ArgumentError ? EXIT_USAGE : EXIT_FAILURE;
}

/** One line for stderr: the message only; the stack only when STOCHGRAD_DEBUG is set. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.STOCHGRAD_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `stochgrad: ${message}${stack}`;
}
