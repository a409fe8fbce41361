/** The entry point of a bench script: run it on the command line, print its output, exit 2 on bad options. */
import { describeError, exitCodeFor } from '../terminal/usage-error';

/** Runs `run(argv)` and prints what it returns (or the error, with its exit code). */
export function runScript(run: (argv: readonly string[]) => Promise<string>): void {
  run(process.argv.slice(2)).then(
    (output) => process.stdout.write(`${output}\n`),
    (error) => {
      process.stderr.write(`${describeError(error)}\n`);
      process.exitCode = exitCodeFor(error);
    },
  );
}
