/**
 * Learning curves averaged over seeds, with their standard errors: the bands of the papers'
 * figures. For the values `v_1..v_n` of a metric at one step over the n seeds of a group,
 * `mean = (1/n) Σ v_s` and `se = sd / √n` with `sd² = Σ (v_s − mean)² / (n − 1)` (null for one
 * seed).
 *
 * ```ts
 * // rows: history rows with their run's settings, e.g. a sweep's history.csv
 * // { estimators: 'arm', seed: 1, step: 100, elbo: -181.2 }, …
 * const bands = seedBands(rows, { metric: 'elbo', by: ['estimators'] });
 * // [{ name: 'arm', group: { estimators: 'arm' }, x: [0, 100, …], mean: […], se: […], n: [3, 3, …] }, …]
 * showFigure(bandChart(bands, { yTitle: 'ELBO' }));
 * ```
 */
import { ArgumentError } from '../errors';
import { checkRows, finiteNumber, groupName, type Row } from './rows';

/** Mean and standard error of some values; `se` is null below two values, `mean` with none. */
export interface MeanSe {
  /** Values counted (the finite ones). */
  n: number;
  mean: number | null;
  se: number | null;
}

/** `mean ± se` of the finite values among `values` (null, undefined, NaN and ±∞ are skipped). */
export function meanAndSe(values: readonly (number | null | undefined)[]): MeanSe {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = finite.length;
  if (n === 0) return { n, mean: null, se: null };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, se: null };
  const variance = finite.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { n, mean, se: Math.sqrt(variance / n) };
}

export interface SeedBandOptions {
  /** The column averaged, e.g. `elbo`. */
  metric: string;
  /** Columns that tell the curves apart (one band per combination of their values), e.g. `['estimators']`. */
  by: readonly string[];
  /** The column averaged over (default `seed`). */
  over?: string;
  /** The x column (default `step`). */
  x?: string;
}

/** One group's curve: the mean over seeds at each x, its standard error and the seeds counted. */
export interface SeedBand {
  /** The group's values of `by`, joined: `arm`, or `estimators=arm, lr=0.001` for several keys. */
  name: string;
  group: Record<string, unknown>;
  x: number[];
  mean: number[];
  se: (number | null)[];
  n: number[];
}

function checkOptions(rows: unknown, options: SeedBandOptions): void {
  checkRows(rows);
  if (options == null || typeof options.metric !== 'string' || options.metric === '')
    throw new ArgumentError('options.metric', 'expected a column name');
  if (!Array.isArray(options.by) || options.by.some((key) => typeof key !== 'string'))
    throw new ArgumentError('options.by', 'expected an array of column names');
}

/** The x → value map of every seed of one group; two rows at one x for one seed are an error. */
function valuesBySeed(
  rows: readonly Row[],
  metric: string,
  over: string,
  x: string,
  name: string,
): Map<string, Map<number, number | undefined>> {
  const seeds = new Map<string, Map<number, number | undefined>>();
  for (const row of rows) {
    const at = finiteNumber(row[x]);
    if (at === undefined) continue;
    const seed = String(row[over]);
    const curve = seeds.get(seed) ?? new Map<number, number | undefined>();
    seeds.set(seed, curve);
    if (curve.has(at)) {
      throw new ArgumentError(
        'options.by',
        `group ${JSON.stringify(name)} has two rows at ${x} = ${at} for ${over} = ${seed}; add the column that tells them apart to by`,
      );
    }
    curve.set(at, finiteNumber(row[metric]));
  }
  return seeds;
}

/**
 * Groups `rows` by the values of `by` and averages `metric` over `over` (seeds) at each x. A
 * point is kept where every seed of the group has a finite value (steps some seeds never
 * reached, e.g. after a divergence, and metrics measured only at some steps drop out). Groups
 * come in order of first appearance; x ascending. Strings that hold numbers count as numbers,
 * so rows read from CSV work as they are.
 */
export function seedBands(rows: readonly Row[], options: SeedBandOptions): SeedBand[] {
  checkOptions(rows, options);
  const { metric, by } = options;
  const over = options.over ?? 'seed';
  const x = options.x ?? 'step';
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = JSON.stringify(by.map((column) => row[column] ?? null));
    const members = groups.get(key);
    if (members) members.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((own) => {
    const group = Object.fromEntries(by.map((column) => [column, own[0][column]]));
    const name = groupName(by, group);
    const seeds = [...valuesBySeed(own, metric, over, x, name).values()];
    const xs = [...new Set(seeds.flatMap((curve) => [...curve.keys()]))]
      .filter((at) => seeds.every((curve) => curve.get(at) !== undefined))
      .sort((a, b) => a - b);
    const stats = xs.map((at) => meanAndSe(seeds.map((curve) => curve.get(at))));
    return {
      name,
      group,
      x: xs,
      mean: stats.map((s) => s.mean!),
      se: stats.map((s) => s.se),
      n: stats.map((s) => s.n),
    };
  });
}
