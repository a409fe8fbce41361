/** A project's set-up could not complete; the message says what to install or change. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/** Prints one line of progress, as every set-up step does. */
export function log(message: string): void {
  console.log(`stochgrad: ${message}`);
}
