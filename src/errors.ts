/** Every user-facing error stochgrad throws for bad input, in one place. */

/** Bad input: `argument` names what was wrong, the message says what was expected. */
export class ArgumentError extends Error {
  constructor(
    readonly argument: string,
    detail: string,
  ) {
    super(`${argument}: ${detail}`);
    this.name = 'ArgumentError';
  }
}

export const messages = {
  unknownName: (kind: string, got: string, valid: readonly string[]) =>
    `unknown ${kind} ${JSON.stringify(got)}; valid names are ${valid.join(', ')}`,
  shape: (expected: string, got: readonly number[]) => `expected shape ${expected}, got [${got.join(', ')}]`,
  dtype: (got: string) => `expected dtype float32, got ${got}`,
  nonFinite: (what: string) => `${what} must be finite (no NaN or Infinity)`,
  positiveInteger: (min: number, got: unknown) => `expected an integer >= ${min}, got ${String(got)}`,
  positive: (got: unknown) => `expected a positive finite number, got ${String(got)}`,
  openUnitInterval: (got: unknown) => `expected a number in (0, 1), got ${String(got)}`,
  uniforms: 'every entry must lie strictly inside (0, 1)',
  enumerationSize: (d: number, max: number) =>
    `exact enumeration visits 2^d configurations; d = ${d} exceeds the limit d <= ${max}`,
  notDifferentiable: (estimator: string, argument: string, cause: string) =>
    `estimator ${JSON.stringify(estimator)} backpropagates through ${argument}, but it is not ` +
    `differentiable (${cause}); for a black-box f use an estimator that only evaluates f, ` +
    'such as reinforce, arm or disarm',
};

/** Asserts `value` is an integer >= `min`. */
export function checkInteger(argument: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ArgumentError(argument, messages.positiveInteger(min, value));
  }
  return value;
}

/** Asserts `value` is a positive finite number. */
export function checkPositive(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(argument, messages.positive(value));
  }
  return value;
}

/** Asserts `value` lies strictly inside (0, 1). */
export function checkOpenUnit(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new ArgumentError(argument, messages.openUnitInterval(value));
  }
  return value;
}
