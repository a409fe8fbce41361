/**
 * Sweep plans: a JSON file naming a `stochgrad train` task, `base` options shared by every run
 * and a `grid` of option values; the runs are the grid's cartesian product, one estimator each.
 *
 * ```json
 * { "name": "vae-fashion-linear", "about": "DisARM paper, linear SBN VAE on Fashion-MNIST",
 *   "task": "vae",
 *   "base": { "dataset": "fashion-mnist", "steps": 50000, "batch": 50, "lr": 1e-4, "eval-every": 1000 },
 *   "grid": { "estimators": ["reinforce-loo", "arm", "disarm"], "seed": [1, 2] } }
 * ```
 *
 * Keys of `base` and `grid` are `stochgrad train` option names without `--` (every key of
 * `TRAIN_OPTIONS` but those the sweep sets itself: out, resume, report, json, help), with the
 * same meaning and defaults: a run's options become a `stochgrad train` command line and go
 * through `parseTrainArgs`, so a run is exactly what that command does. Runs are numbered
 * 0…N−1 row-major, the last grid key varying fastest (above: 0 = reinforce-loo seed 1,
 * 1 = reinforce-loo seed 2, 2 = arm seed 1, …).
 *
 * Every refusal happens here, before anything runs, as a `PlanError` (an ArgumentError, exit
 * code 2) whose `key` is the offending key and whose message names where it is, e.g.
 * `grid.lr[1]: expects a positive number, got "-1"`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '../errors';
import { describeKind, parseValue, type OptionSpec } from '../terminal/options';
import { parseTrainArgs, TRAIN_OPTIONS } from '../experiments/train-options';
import { TASK_NAMES, type ExperimentConfig, type TaskName } from '../experiments/experiment-types';

/** A value of a plan key: a number, a string, a flag, or a list (e.g. `"latent": [200, 200]`). */
export type PlanValue = string | number | boolean | (string | number)[];

/** The plan file, checked. */
export interface SweepPlan {
  /** Names the sweep (report title, Slurm job name); default: the file name without `.json`. */
  name: string;
  /** What the plan reproduces. */
  about?: string;
  task: TaskName;
  /** One value per key, shared by every run. */
  base: Record<string, PlanValue>;
  /** Several values per key (non-empty arrays); the runs are their cartesian product. */
  grid: Record<string, PlanValue[]>;
}

/** One run of a plan. */
export interface PlannedRun {
  index: number;
  /** This run's grid values by key, as the plan writes them. */
  options: Record<string, PlanValue>;
  /** Its grid values in a file name, e.g. `arm_seed-2` (`run` for an empty grid). */
  slug: string;
  /** `<index>-<slug>`: its directory under `DIR/runs/`. */
  dirName: string;
  /** The `stochgrad train` arguments of this run (task first), without `--out`. */
  trainArgv: string[];
  /** What `stochgrad train` would run (without an output directory). */
  config: ExperimentConfig;
}

/** The top-level keys of a plan file. */
export const PLAN_KEYS = ['name', 'about', 'task', 'base', 'grid'] as const;

/** `stochgrad train` options that the sweep sets itself, so plans may not. */
export const SWEEP_OWNED_OPTIONS = ['out', 'resume', 'report', 'json', 'help'] as const;

/** A bad plan: `key` is the offending key, the message says where (`grid.seed[1]`) and what was expected. */
export class PlanError extends ArgumentError {
  constructor(
    readonly key: string,
    where: string,
    detail: string,
  ) {
    super(where, detail);
    this.name = 'PlanError';
  }
}

const TRAIN_SPECS: Record<string, OptionSpec> = TRAIN_OPTIONS;

/** Every key a plan's `base` and `grid` accept: the train options the sweep does not set. */
export function planOptionNames(): string[] {
  return Object.keys(TRAIN_OPTIONS).filter((name) => !(SWEEP_OWNED_OPTIONS as readonly string[]).includes(name));
}

const describe = (value: unknown) => JSON.stringify(value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  value != null && typeof value === 'object' && !Array.isArray(value);

function checkOptionName(key: string, where: string): void {
  if ((SWEEP_OWNED_OPTIONS as readonly string[]).includes(key)) {
    throw new PlanError(
      key,
      where,
      `is set by the sweep itself (--out DIR, --report, --json); remove it from the plan`,
    );
  }
  if (!Object.prototype.hasOwnProperty.call(TRAIN_SPECS, key)) {
    throw new PlanError(
      key,
      where,
      `unknown option; plan keys are stochgrad train options: ${planOptionNames().join(', ')}`,
    );
  }
}

/** The command-line text of one plan value (undefined: a false flag, left out). */
function rawValue(key: string, where: string, spec: OptionSpec, value: unknown): string | undefined {
  const wrong = (what: string) =>
    new PlanError(key, where, `expected ${what} (${describeKind(spec)}), got ${describe(value)}`);
  switch (spec.kind) {
    case 'number':
    case 'integer':
      if (typeof value !== 'number') throw wrong('a number');
      return String(value);
    case 'choice':
    case 'string':
      if (typeof value !== 'string') throw wrong('a string');
      return value;
    case 'flag':
      if (typeof value !== 'boolean') throw wrong('true or false');
      return value ? '' : undefined;
    case 'list':
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      if (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((entry) => typeof entry === 'string' || typeof entry === 'number')
      )
        return value.join(',');
      throw wrong('a string, a number or a non-empty array of them');
    case 'strings':
      throw new Error('unreachable: repeatable options are read by repeatedValues');
  }
}

/** A repeatable option's values: one string, or an array of strings (one occurrence each). */
function repeatedValues(key: string, where: string, value: unknown): string[] {
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(values) || values.some((entry) => typeof entry !== 'string' || entry.trim() === '')) {
    throw new PlanError(key, where, `expected a non-empty string or an array of them, got ${describe(value)}`);
  }
  return values.map((entry) => `--${key}=${entry}`);
}

/** Checks one value against its train option; returns its `--key=value` argument (none for a false flag). */
function checkValue(key: string, where: string, value: unknown): string[] {
  const spec = TRAIN_SPECS[key];
  if (spec.kind === 'strings') return repeatedValues(key, where, value);
  const raw = rawValue(key, where, spec, value);
  if (raw === undefined) return [];
  if (spec.kind === 'flag') return [`--${key}`];
  try {
    parseValue(`--${key}`, spec, raw);
  } catch (error) {
    throw new PlanError(key, where, (error as Error).message.replace(/^option --[\w-]+:? /, ''));
  }
  if (key === 'estimators' && raw.includes(',')) {
    throw new PlanError(
      key,
      where,
      `a run trains one estimator, got ${describe(value)}; list several in grid.estimators (one run each)`,
    );
  }
  return [`--${key}=${raw}`];
}

function checkText(raw: Record<string, unknown>, key: 'name' | 'about'): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new PlanError(key, key, `expected a non-empty string, got ${describe(value)}`);
  return value;
}

function checkTask(raw: Record<string, unknown>): TaskName {
  const task = raw.task;
  if (task === undefined) throw new PlanError('task', 'task', `missing; one of ${TASK_NAMES.join(', ')}`);
  if (!(TASK_NAMES as readonly unknown[]).includes(task))
    throw new PlanError('task', 'task', `expected one of ${TASK_NAMES.join(', ')}, got ${describe(task)}`);
  return task as TaskName;
}

function checkBase(raw: unknown): Record<string, PlanValue> {
  if (raw === undefined) return {};
  if (!isRecord(raw)) throw new PlanError('base', 'base', `expected an object of option: value, got ${describe(raw)}`);
  for (const [key, value] of Object.entries(raw)) {
    checkOptionName(key, `base.${key}`);
    checkValue(key, `base.${key}`, value);
  }
  return raw as Record<string, PlanValue>;
}

function checkGrid(raw: unknown, base: Record<string, PlanValue>): Record<string, PlanValue[]> {
  if (raw === undefined) return {};
  if (!isRecord(raw))
    throw new PlanError('grid', 'grid', `expected an object of option: [values], got ${describe(raw)}`);
  for (const [key, values] of Object.entries(raw)) {
    const where = `grid.${key}`;
    checkOptionName(key, where);
    if (Object.prototype.hasOwnProperty.call(base, key)) {
      throw new PlanError(key, where, 'is also in base; a key goes in base (one value) or in grid (several), not both');
    }
    if (!Array.isArray(values) || values.length === 0)
      throw new PlanError(key, where, `expected a non-empty array of values, got ${describe(values)}`);
    values.forEach((value, i) => checkValue(key, `${where}[${i}]`, value));
    const texts = values.map((value) => describe(value));
    const twice = texts.findIndex((text, i) => texts.indexOf(text) !== i);
    if (twice >= 0)
      throw new PlanError(key, `${where}[${twice}]`, `lists ${texts[twice]} twice; each value makes its own runs`);
  }
  return raw as Record<string, PlanValue[]>;
}

/** Checks a parsed plan file; `source` (the file name) gives the default name. */
export function parsePlan(raw: unknown, source = 'plan'): SweepPlan {
  if (!isRecord(raw))
    throw new PlanError('plan', 'plan', `expected a JSON object with ${PLAN_KEYS.join(', ')}, got ${describe(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!(PLAN_KEYS as readonly string[]).includes(key))
      throw new PlanError(key, key, `unknown plan key; valid keys are ${PLAN_KEYS.join(', ')}`);
  }
  const task = checkTask(raw);
  const base = checkBase(raw.base);
  const grid = checkGrid(raw.grid, base);
  if (!('estimators' in base) && !('estimators' in grid)) {
    throw new PlanError(
      'estimators',
      'grid.estimators',
      'missing; name the estimators in grid.estimators (one run each) or one in base.estimators',
    );
  }
  const about = checkText(raw, 'about');
  const name = checkText(raw, 'name') ?? path.basename(source).replace(/\.json$/i, '');
  return { name, ...(about !== undefined ? { about } : {}), task, base, grid };
}

/** Reads and checks a plan file. */
export function loadPlan(file: string): SweepPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ArgumentError(
      'PLAN',
      `cannot read plan file ${describe(file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArgumentError('PLAN', `${file} is not valid JSON (${(error as Error).message})`);
  }
  return parsePlan(raw, file);
}

/** The grid's combinations in run order: row-major, the last key varying fastest. */
function combinations(grid: Record<string, PlanValue[]>): Record<string, PlanValue>[] {
  let rows: Record<string, PlanValue>[] = [{}];
  for (const [key, values] of Object.entries(grid))
    rows = rows.flatMap((row) => values.map((value) => ({ ...row, [key]: value })));
  return rows;
}

const text = (value: PlanValue) => (Array.isArray(value) ? value.join('-') : String(value));

/** `arm_seed-2`: estimators by name, other keys as key-value, joined by `_`, safe in file names. */
export function runSlug(options: Record<string, PlanValue>): string {
  const parts = Object.entries(options).map(([key, value]) =>
    key === 'estimators' ? text(value) : `${key}-${text(value)}`,
  );
  const slug = parts
    .join('_')
    .replace(/[^A-Za-z0-9.+_-]+/g, '-')
    .slice(0, 100);
  return slug === '' ? 'run' : slug;
}

/** The option keys a `parseTrainArgs` error names, mapped to where they are in the plan. */
function trainError(plan: SweepPlan, index: number, options: Record<string, PlanValue>, error: Error): PlanError {
  const named = /--([a-z0-9-]+)/.exec(
    error instanceof ArgumentError ? `${error.argument} ${error.message}` : error.message,
  )?.[1];
  const key = named !== undefined && (named in plan.grid || named in plan.base) ? named : 'plan';
  const where = key in plan.grid ? `grid.${key}` : key in plan.base ? `base.${key}` : 'plan';
  const values = Object.entries(options)
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(', ');
  return new PlanError(key, where, `run ${index}${values ? ` (${values})` : ''}: ${error.message}`);
}

/** Every run of the plan, in order, each checked by `parseTrainArgs` (errors name the key). */
export function expandPlan(plan: SweepPlan): PlannedRun[] {
  const base = Object.entries(plan.base).flatMap(([key, value]) => checkValue(key, `base.${key}`, value));
  return combinations(plan.grid).map((options, index) => {
    const trainArgv = [
      plan.task,
      ...base,
      ...Object.entries(options).flatMap(([key, value]) => checkValue(key, `grid.${key}`, value)),
    ];
    let parsed: ReturnType<typeof parseTrainArgs>;
    try {
      // Every run writes into its own directory; a stand-in lets options that need one (checkpoint-every) pass.
      parsed = parseTrainArgs([...trainArgv, '--out=DIR']);
    } catch (error) {
      throw trainError(plan, index, options, error as Error);
    }
    if (parsed.help) throw new PlanError('help', 'plan', 'help is not a plan option');
    const { out: _out, ...config } = parsed.config;
    const slug = runSlug(options);
    return { index, options, slug, dirName: `${index}-${slug}`, trainArgv, config };
  });
}

/** Steps between checkpoints: the plan's `checkpoint-every`, else 5% of the steps (at least 1). */
export function checkpointEvery(run: PlannedRun): number {
  return run.config.checkpointEvery ?? Math.max(1, Math.round(run.config.steps * 0.05));
}
