/** What a subcommand is: a name, a one-line summary, usage text and a runner. */

export interface Command {
  readonly name: string;
  /** One line for `stochgrad --help`. */
  readonly summary: string;
  /** Full usage text for `stochgrad <name> --help`. */
  usage(): string;
  /** Runs with the arguments after the subcommand name; returns what to print on stdout. */
  run(argv: readonly string[]): Promise<string>;
}
