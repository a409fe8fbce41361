/**
 * The papers' experiments as shipped data (`data/results/<plan>/`): what `stochgrad sweep` merged
 * for one plan of `experiments/`, with the manifest of how and where it ran. Chapters read them
 * through this loader and never parse the files themselves.
 *
 * ```ts
 * const linear = loadResults('vae-fashion-linear');
 * linear.plan.grid.estimators;                // ['reinforce-loo', 'arm', 'disarm', 'muprop', 'st']
 * linear.history.filter((row) => row.step === 50000);   // one row per run: index, grid values, metrics
 * seedBands(linear.history, { metric: 'elbo', by: ['estimators'] });
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../data/locate';
import { ArgumentError, MissingPackageError } from '../errors';
import { parseCsv } from '../data/csv';
import type { MergedRun } from '../sweep/merge';
import { parsePlan, type SweepPlan } from '../sweep/plan';
import { dfd, type DataFrame } from '../viz/danfo';

/** The shipped results' folder: `data/results/` of the stochgrad checkout or installed package. */
export function resultsDir(): string {
  const root = projectRoot();
  if (!root)
    throw new ArgumentError(
      'options.dir',
      'no stochgrad package.json above this module; pass the folder of the results',
    );
  return path.join(root, 'data', 'results');
}

/** The files of one plan's folder. */
export const RESULT_FILES = {
  plan: 'plan.json',
  manifest: 'manifest.json',
  results: 'results.json',
  resultsCsv: 'results.csv',
  history: 'history.csv',
} as const;

/** A cell of results.csv or history.csv: a number where it holds one, null where empty, else text. */
export type Cell = string | number | null;
export type ResultRow = Record<string, Cell>;

/** How and where a plan ran (`manifest.json`); see `scripts/paper-run.js`. */
export interface ResultsManifest {
  plan: string;
  command: string;
  commit: string;
  stochgrad: string;
  backend: string;
  node: string;
  cpu: string;
  cores: number;
  loadAverage: { start: number[]; end: number[] };
  started: string;
  finished: string;
  wallSeconds: number;
  runs: { index: number; status: string; wallSeconds: number | null; trainSeconds: number | null }[];
  [key: string]: unknown;
}

export interface ShippedResults {
  name: string;
  /** The folder it was read from. */
  dir: string;
  plan: SweepPlan;
  manifest: ResultsManifest;
  /** results.json's runs: index, grid options, status, the train summary row, error. */
  runs: MergedRun[];
  /** results.csv: one row per run (index, grid values, status, summary columns). */
  results: ResultRow[];
  /** history.csv: every evaluation row of every run, with its index and grid values. */
  history: ResultRow[];
  /** history as a danfojs DataFrame, when danfojs is installed (an optional peer dependency). */
  readonly frame: DataFrame | undefined;
}

/** The plans with shipped results in `dir`. */
export function shippedResults(dir: string = resultsDir()): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, RESULT_FILES.results)))
    .sort();
}

function readFile(dir: string, file: string): string {
  const full = path.join(dir, file);
  if (!fs.existsSync(full))
    throw new ArgumentError(
      'name',
      `${full} is missing: the shipped results of a plan hold ${Object.values(RESULT_FILES).join(', ')}`,
    );
  return fs.readFileSync(full, 'utf8');
}

function readJson(dir: string, file: string): unknown {
  const text = readFile(dir, file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ArgumentError('name', `${path.join(dir, file)} is not valid JSON (${(error as Error).message})`);
  }
}

const cell = (text: string): Cell =>
  text === ''
    ? null
    : /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) || /^[-+]?Infinity$|^NaN$/.test(text)
      ? Number(text)
      : text;

/** CSV text as rows of cells keyed by column. */
export function csvRows(text: string): ResultRow[] {
  const { columns, rows } = parseCsv(text);
  return rows.map((cells) => Object.fromEntries(columns.map((column, i) => [column, cell(cells[i] ?? '')])));
}

function frameOf(rows: readonly ResultRow[]): DataFrame | undefined {
  if (rows.length === 0) return undefined;
  try {
    const columns = Object.keys(rows[0]);
    return new dfd.DataFrame(Object.fromEntries(columns.map((c) => [c, rows.map((row) => row[c] ?? NaN)])), {
      columns,
    });
  } catch (error) {
    if (error instanceof MissingPackageError) return undefined;
    throw error;
  }
}

/** Reads the shipped results of plan `name` (from `options.dir`, default `resultsDir()`). */
export function loadResults(name: string, options: { dir?: string } = {}): ShippedResults {
  const root = options.dir ?? resultsDir();
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name))
    throw new ArgumentError('name', `expected a plan name, got ${JSON.stringify(name)}`);
  const dir = path.join(root, name);
  if (!fs.existsSync(dir)) {
    const known = shippedResults(root);
    throw new ArgumentError(
      'name',
      `no shipped results named ${JSON.stringify(name)} in ${root}; there are: ${known.length ? known.join(', ') : 'none'}`,
    );
  }
  const plan = parsePlan(readJson(dir, RESULT_FILES.plan), path.join(dir, RESULT_FILES.plan));
  const manifest = readJson(dir, RESULT_FILES.manifest) as ResultsManifest;
  const merged = readJson(dir, RESULT_FILES.results) as { runs: MergedRun[] };
  const history = csvRows(readFile(dir, RESULT_FILES.history));
  let frame: DataFrame | undefined | null = null;
  return {
    name,
    dir,
    plan,
    manifest,
    runs: merged.runs,
    results: csvRows(readFile(dir, RESULT_FILES.resultsCsv)),
    history,
    get frame() {
      if (frame === null) frame = frameOf(history);
      return frame;
    },
  };
}
