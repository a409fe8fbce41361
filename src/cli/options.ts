/**
 * Parses `--name value` and `--name=value` options against a typed spec. Every failure is a
 * `UsageError` naming the option and saying what was expected.
 *
 * ```ts
 * const spec = { samples: { kind: 'integer', min: 1, default: 1000, help: 'draws' } } as const;
 * parseOptions(['--samples=500'], spec); // { samples: 500 }
 * ```
 */
import { UsageError } from './usage-error';

interface BaseOption {
  /** One line for the usage text. */
  readonly help: string;
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

export interface FlagOption extends BaseOption {
  readonly kind: 'flag';
}

export type OptionSpec = NumberOption | IntegerOption | ListOption | ChoiceOption | FlagOption;
export type OptionsSpec = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends NumberOption | IntegerOption
  ? number
  : S extends ListOption
    ? string[]
    : S extends ChoiceOption
      ? string
      : boolean;

/** Parsed options: options with a default (and flags) are always present. */
export type ParsedOptions<Spec extends OptionsSpec> = {
  [K in keyof Spec as Spec[K] extends { default: unknown } | FlagOption ? K : never]: ValueOf<Spec[K]>;
} & {
  [K in keyof Spec as Spec[K] extends { default: unknown } | FlagOption ? never : K]?: ValueOf<Spec[K]>;
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
  if (entries.some((entry) => entry === '')) throw expected(option, 'a comma-separated list of names without empty entries', raw);
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
    case 'flag':
      throw new UsageError(`option ${option} takes no value, got ${JSON.stringify(raw)}`);
  }
}

function lookup(spec: OptionsSpec, name: string): OptionSpec {
  if (!Object.prototype.hasOwnProperty.call(spec, name)) {
    const valid = Object.keys(spec).map(flagName).join(', ');
    throw new UsageError(`unknown option ${flagName(name)}; valid options are ${valid}`);
  }
  return spec[name];
}

function defaults(spec: OptionsSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec)) {
    if (option.kind === 'flag') out[name] = false;
    else if (option.default !== undefined) out[name] = Array.isArray(option.default) ? [...option.default] : option.default;
  }
  return out;
}

/** Parses `argv` (no positional arguments allowed); later occurrences override earlier ones. */
export function parseOptions<Spec extends OptionsSpec>(argv: readonly string[], spec: Spec): ParsedOptions<Spec> {
  const out = defaults(spec);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`unexpected argument ${JSON.stringify(arg)}; options look like --name value or --name=value`);
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
    const option = lookup(spec, name);
    const flag = flagName(name);
    if (option.kind === 'flag' && equals < 0) {
      out[name] = true;
      continue;
    }
    if (equals < 0 && (k + 1 >= argv.length || argv[k + 1].startsWith('--'))) {
      throw new UsageError(`option ${flag} needs a value (${describeKind(option)})`);
    }
    out[name] = parseValue(flag, option, equals < 0 ? argv[++k] : arg.slice(equals + 1));
  }
  return out as ParsedOptions<Spec>;
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
    case 'flag':
      return 'flag';
  }
}

function describeDefault(option: OptionSpec): string {
  if (option.kind === 'flag' || option.default === undefined) return '';
  const value = Array.isArray(option.default) ? option.default.join(',') : String(option.default);
  return ` (default ${value})`;
}

/** The options section of a usage text, one line per option. */
export function optionsHelp(spec: OptionsSpec): string {
  const heads = Object.entries(spec).map(([name, option]) =>
    option.kind === 'flag' ? flagName(name) : `${flagName(name)} <${describeKind(option)}>`,
  );
  const width = Math.max(...heads.map((head) => head.length));
  return Object.values(spec)
    .map((option, i) => `  ${heads[i].padEnd(width)}  ${option.help}${describeDefault(option)}`)
    .join('\n');
}
