/**
 * Parses `--name value` and `--name=value` options against a typed spec: Node's `util.parseArgs`
 * splits the command line, this module converts and checks the values. Every failure is a
 * `UsageError` naming the option and saying what was expected.
 *
 * ```ts
 * const spec = { samples: { kind: 'integer', min: 1, default: 1000, help: 'draws' } } as const;
 * parseOptions(['--samples=500'], spec); // { samples: 500 }
 * ```
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './usage-error';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

interface BaseOption {
  /** One line for the usage text. */
  readonly help: string;
  /** A one-letter alias, e.g. `h` for `-h`. */
  readonly short?: string;
  /** Must be given (an option with a default never needs this). */
  readonly required?: boolean;
}

export interface NumberOption extends BaseOption {
  readonly kind: 'number';
  readonly default?: number;
  /** Require a value > 0. */
  readonly positive?: boolean;
}

export interface IntegerOption extends BaseOption {
  readonly kind: 'integer';
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface ListOption extends BaseOption {
  readonly kind: 'list';
  readonly default?: readonly string[];
  /** Checks each entry, throwing on a bad one (e.g. the library's lookup listing valid names). */
  readonly validate?: (entry: string, option: string) => void;
}

export interface ChoiceOption extends BaseOption {
  readonly kind: 'choice';
  readonly choices: readonly string[];
  readonly default?: string;
}

export interface StringOption extends BaseOption {
  readonly kind: 'string';
  readonly default?: string;
  /** What the value is, for the usage text, e.g. `dir` (default `text`). */
  readonly placeholder?: string;
}

export interface FlagOption extends BaseOption {
  readonly kind: 'flag';
}

/**
 * A string option that may be repeated, every occurrence kept in order (default none). Its value
 * is the next argument as it is, even when it starts with `-` (`--sbatch-arg --mem=4G`).
 */
export interface StringsOption extends BaseOption {
  readonly kind: 'strings';
  readonly placeholder?: string;
}

export type OptionSpec =
  NumberOption | IntegerOption | ListOption | ChoiceOption | StringOption | FlagOption | StringsOption;
export type OptionsSpec = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends NumberOption | IntegerOption
  ? number
  : S extends ListOption | StringsOption
    ? string[]
    : S extends ChoiceOption | StringOption
      ? string
      : boolean;

type AlwaysPresent = { default: unknown } | { required: true } | FlagOption | StringsOption;

/** Parsed options: options with a default, required options and flags are always present. */
export type ParsedOptions<Spec extends OptionsSpec> = {
  [K in keyof Spec as Spec[K] extends AlwaysPresent ? K : never]: ValueOf<Spec[K]>;
} & {
  [K in keyof Spec as Spec[K] extends AlwaysPresent ? never : K]?: ValueOf<Spec[K]>;
};

const flagName = (name: string) => `--${name}`;

function expected(option: string, what: string, got: string): UsageError {
  return new UsageError(`option ${option} expects ${what}, got ${JSON.stringify(got)}`);
}

function parseNumber(option: string, spec: NumberOption, raw: string): number {
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value)) throw expected(option, spec.positive ? 'a positive number' : 'a finite number', raw);
  if (spec.positive && value <= 0) throw expected(option, 'a positive number', raw);
  return value;
}

function integerRange(spec: IntegerOption): string {
  if (spec.min !== undefined && spec.max !== undefined) return `integer in [${spec.min}, ${spec.max}]`;
  if (spec.min !== undefined) return `integer >= ${spec.min}`;
  return spec.max !== undefined ? `integer <= ${spec.max}` : 'integer';
}

function parseInteger(option: string, spec: IntegerOption, raw: string): number {
  const what = `an ${integerRange(spec)}`;
  if (!/^[+-]?\d+$/.test(raw.trim())) throw expected(option, what, raw);
  const value = Number(raw);
  const inRange = value >= (spec.min ?? -Infinity) && value <= (spec.max ?? Infinity);
  if (!Number.isSafeInteger(value) || !inRange) throw expected(option, what, raw);
  return value;
}

function parseList(option: string, spec: ListOption, raw: string): string[] {
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === ''))
    throw expected(option, 'a comma-separated list of names without empty entries', raw);
  for (const entry of entries) spec.validate?.(entry, option);
  return entries;
}

function parseChoice(option: string, spec: ChoiceOption, raw: string): string {
  if (!spec.choices.includes(raw)) throw expected(option, `one of ${spec.choices.join(', ')}`, raw);
  return raw;
}

/** Converts one raw value according to its spec. */
export function parseValue(option: string, spec: OptionSpec, raw: string): number | string | string[] | boolean {
  switch (spec.kind) {
    case 'number':
      return parseNumber(option, spec, raw);
    case 'integer':
      return parseInteger(option, spec, raw);
    case 'list':
      return parseList(option, spec, raw);
    case 'choice':
      return parseChoice(option, spec, raw);
    case 'string':
    case 'strings':
      if (raw.trim() === '') throw expected(option, `a non-empty ${spec.placeholder ?? 'text'}`, raw);
      return raw;
    case 'flag':
      throw new UsageError(`option ${option} takes no value, got ${JSON.stringify(raw)}`);
  }
}

const hasOption = (spec: OptionsSpec, name: string) => Object.prototype.hasOwnProperty.call(spec, name);

function unknownOption(spec: OptionsSpec, raw: string): UsageError {
  const valid = Object.keys(spec).map(flagName).join(', ');
  return new UsageError(`unknown option ${raw}; valid options are ${valid}`);
}

function defaults(spec: OptionsSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec)) {
    if (option.kind === 'flag') out[name] = false;
    else if (option.kind === 'strings') out[name] = [];
    else if (option.default !== undefined)
      out[name] = Array.isArray(option.default) ? [...option.default] : option.default;
  }
  return out;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `parseArgs` reads `--logit -1.5` as a missing value (it refuses values that start with a dash);
 * for numeric options we join such pairs into `--logit=-1.5`, which it accepts, and likewise a
 * repeatable string option with whatever follows it.
 */
function joinNegativeNumbers(argv: readonly string[], spec: OptionsSpec): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const name = argv[k].startsWith('--') ? argv[k].slice(2) : '';
    const kind = hasOption(spec, name) ? spec[name].kind : undefined;
    const numeric = kind === 'number' || kind === 'integer';
    const joined = k + 1 < argv.length && ((numeric && NEGATIVE_NUMBER.test(argv[k + 1])) || kind === 'strings');
    if (joined) out.push(`${argv[k]}=${argv[++k]}`);
    else out.push(argv[k]);
  }
  return out;
}

function parseArgsConfig(spec: OptionsSpec): ParseArgsOptionsConfig {
  const config: ParseArgsOptionsConfig = {};
  for (const [name, option] of Object.entries(spec)) {
    config[name] = {
      type: option.kind === 'flag' ? 'boolean' : 'string',
      ...(option.kind === 'strings' ? { multiple: true } : {}),
      ...(option.short ? { short: option.short } : {}),
    };
  }
  return config;
}

/** The offending token of a failed strict parse, found by re-reading `argv` leniently. */
function offendingToken(argv: string[], spec: OptionsSpec, code: string) {
  const { tokens } = parseArgs({
    args: argv,
    options: parseArgsConfig(spec),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  return tokens.find((token) => {
    if (token.kind !== 'option') return false;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return !hasOption(spec, token.name);
    if (spec[token.name].kind === 'flag') return token.value !== undefined;
    return token.value === undefined || (!token.inlineValue && token.value.startsWith('-'));
  });
}

function unexpectedArgument(arg: string, positionals: number): UsageError {
  const what =
    positionals === 0
      ? 'options look like --name value or --name=value'
      : `expected at most ${positionals} argument${positionals > 1 ? 's' : ''} besides the options`;
  return new UsageError(`unexpected argument ${JSON.stringify(arg)}; ${what}`);
}

function checkRequired(spec: OptionsSpec, values: Record<string, unknown>): void {
  const missing = Object.entries(spec).filter(([name, option]) => option.required && values[name] === undefined);
  if (missing.length === 0) return;
  const list = missing.map(([name, option]) => `${flagName(name)} <${describeKind(option)}>`).join(', ');
  throw new UsageError(`missing required option${missing.length > 1 ? 's' : ''} ${list}`);
}

/** Translates `parseArgs`' errors into messages naming the option and what it expects. */
function explainParseError(error: unknown, argv: string[], spec: OptionsSpec): UsageError {
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const token = offendingToken(argv, spec, code);
  if (token?.kind !== 'option') return new UsageError(message.split('\n')[0]);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return unknownOption(spec, token.rawName);
  const option = spec[token.name];
  if (option.kind === 'flag')
    return new UsageError(`option ${token.rawName} takes no value, got ${JSON.stringify(token.value)}`);
  const dash =
    token.value !== undefined && !token.value.startsWith('--')
      ? `; a value starting with "-" is written ${token.rawName}=${token.value}`
      : '';
  return new UsageError(`option ${token.rawName} needs a value (${describeKind(option)})${dash}`);
}

export interface CommandLine<Spec extends OptionsSpec> {
  options: ParsedOptions<Spec>;
  /** Arguments that are not options, in order (at most the number allowed). */
  positionals: string[];
}

/**
 * Parses `argv` with Node's `util.parseArgs` (strict: unknown options, missing values and values
 * given to flags are errors), then converts and checks each value against `spec`. Later
 * occurrences of an option override earlier ones; `--` ends the options. Up to `positionals`
 * non-option arguments are allowed; unless `--help` is given, `checkPositionals` sees them before
 * required options are checked (so "missing task" comes before "missing --estimators").
 */
export function parseCommandLine<Spec extends OptionsSpec>(
  argv: readonly string[],
  spec: Spec,
  positionals = 0,
  checkPositionals?: (positionals: readonly string[]) => void,
): CommandLine<Spec> {
  const args = joinNegativeNumbers(argv, spec);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    // Positionals are counted below, so the message can say how many are allowed.
    parsed = parseArgs({ args, options: parseArgsConfig(spec), strict: true, allowPositionals: true });
  } catch (error) {
    throw explainParseError(error, args, spec);
  }
  if (parsed.positionals.length > positionals) throw unexpectedArgument(parsed.positionals[positionals], positionals);
  const out = defaults(spec);
  for (const [name, raw] of Object.entries(parsed.values)) {
    const option = spec[name];
    if (option.kind === 'flag') out[name] = raw === true;
    else if (option.kind === 'strings')
      out[name] = (raw as string[]).map((value) => parseValue(flagName(name), option, value));
    else out[name] = parseValue(flagName(name), option, String(raw));
  }
  // `--help` must work even when the rest of the command line is incomplete.
  if (out.help !== true) {
    checkPositionals?.(parsed.positionals);
    checkRequired(spec, out);
  }
  return { options: out as ParsedOptions<Spec>, positionals: parsed.positionals };
}

/** Parses `argv` that has options only (no positional arguments); see `parseCommandLine`. */
export function parseOptions<Spec extends OptionsSpec>(argv: readonly string[], spec: Spec): ParsedOptions<Spec> {
  return parseCommandLine(argv, spec, 0).options;
}

/** What values an option takes, e.g. "integer >= 1". */
export function describeKind(option: OptionSpec): string {
  switch (option.kind) {
    case 'number':
      return option.positive ? 'positive number' : 'number';
    case 'integer':
      return integerRange(option);
    case 'list':
      return 'comma-separated list';
    case 'choice':
      return option.choices.join('|');
    case 'string':
    case 'strings':
      return option.placeholder ?? 'text';
    case 'flag':
      return 'flag';
  }
}

function describeDefault(option: OptionSpec): string {
  if (option.required) return ' (required)';
  if (option.kind === 'strings') return ' (repeatable)';
  if (option.kind === 'flag' || option.default === undefined) return '';
  const value = Array.isArray(option.default) ? option.default.join(',') : String(option.default);
  return ` (default ${value})`;
}

/** The options section of a usage text, one line per option. */
export function optionsHelp(spec: OptionsSpec): string {
  const heads = Object.entries(spec).map(([name, option]) => {
    const names = option.short ? `-${option.short}, ${flagName(name)}` : flagName(name);
    return option.kind === 'flag' ? names : `${names} <${describeKind(option)}>`;
  });
  const width = Math.max(...heads.map((head) => head.length));
  return Object.values(spec)
    .map((option, i) => `  ${heads[i].padEnd(width)}  ${option.help}${describeDefault(option)}`)
    .join('\n');
}
