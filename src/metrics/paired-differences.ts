/**
 * Paired differences between two settings over seeds: for each seed s (and each x), the
 * difference `d_s = A_s − B_s` (or the ratio `A_s / B_s`) of a metric between the run with setting
 * A and the run with setting B of that seed, then `mean ± se` of the `d_s` (`se = sd/√n`). Runs of one seed share
 * their initial parameters and minibatches, so the paired difference is a sharper comparison
 * than the difference of the two means.
 *
 * ```ts
 * // rows of a sweep's history.csv: { estimators: 'disarm', seed: 1, step: 1000, elbo: -250.1 }, …
 * const gap = pairedDifferences(rows, { metric: 'elbo', by: 'estimators', a: 'disarm', b: 'arm' });
 * // [{ x: 0, n: 2, mean: 0, se: 0, differences: [0, 0] }, { x: 1000, n: 2, mean: 0.41, se: 0.12, … }, …]
 * ```
 */
import { ArgumentError } from '../errors';
import { checkRows, finiteNumber, rowsWhere, type Row } from './rows';
import { meanAndSe } from './seed-bands';

export interface PairedDifferenceOptions {
  metric: string;
  /** The column that holds the two settings, e.g. `estimators`. */
  by: string;
  /** The settings compared: `a − b`. */
  a: string;
  b: string;
  /** The column that pairs runs (default `seed`). */
  pair?: string;
  /** The column of the points compared at (default `step`); rows without it form one point. */
  x?: string;
  /** Only rows whose columns equal these values count, e.g. `{ kind: 'linear' }`. */
  where?: Readonly<Record<string, unknown>>;
  /** `difference` (default): `A_s − B_s`; `ratio`: `A_s / B_s` (e.g. of two variances). */
  compare?: 'difference' | 'ratio';
}

/** `a − b` (or `a / b`) at one x: the per-pair differences (in pair order), their mean and standard error. */
export interface PairedDifference {
  /** The x, or null for rows without an x column. */
  x: number | null;
  /** Pairs with a finite value on both sides. */
  n: number;
  mean: number | null;
  se: number | null;
  /** `{ pair, difference }` for every pair with both values. */
  differences: { pair: string; difference: number }[];
}

function checkOptions(rows: unknown, options: PairedDifferenceOptions): void {
  checkRows(rows);
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected { metric, by, a, b }');
  for (const key of ['metric', 'by', 'a', 'b'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '')
      throw new ArgumentError(`options.${key}`, 'expected a non-empty string');
  }
  if (options.a === options.b)
    throw new ArgumentError('options.b', `expected a setting other than a (${JSON.stringify(options.a)})`);
  if (options.compare !== undefined && options.compare !== 'difference' && options.compare !== 'ratio') {
    throw new ArgumentError(
      'options.compare',
      `expected "difference" or "ratio", got ${JSON.stringify(options.compare)}`,
    );
  }
}

/** value[x][pair] of one setting; two rows at one (x, pair) are an error. */
function valuesOf(
  rows: readonly Row[],
  setting: string,
  options: Required<Omit<PairedDifferenceOptions, 'where'>>,
): Map<number | null, Map<string, number | undefined>> {
  const out = new Map<number | null, Map<string, number | undefined>>();
  for (const row of rows) {
    if (String(row[options.by]) !== setting) continue;
    const at = options.x in row ? (finiteNumber(row[options.x]) ?? null) : null;
    const pair = String(row[options.pair]);
    const byPair = out.get(at) ?? new Map<string, number | undefined>();
    out.set(at, byPair);
    if (byPair.has(pair)) {
      throw new ArgumentError(
        'options.where',
        `${options.by} = ${setting} has two rows at ${options.x} = ${at} for ${options.pair} = ${pair}; narrow the rows with where`,
      );
    }
    byPair.set(pair, finiteNumber(row[options.metric]));
  }
  return out;
}

/** `a − b` per x over the pairs present on both sides; see the module comment. x ascending. */
export function pairedDifferences(rows: readonly Row[], options: PairedDifferenceOptions): PairedDifference[] {
  checkOptions(rows, options);
  const settings = { pair: 'seed', x: 'step', ...options } as Required<PairedDifferenceOptions>;
  const ratio = options.compare === 'ratio';
  const kept = rowsWhere(rows, options.where);
  const a = valuesOf(kept, options.a, settings);
  const b = valuesOf(kept, options.b, settings);
  if (a.size === 0) throw new ArgumentError('options.a', `no rows with ${options.by} = ${JSON.stringify(options.a)}`);
  if (b.size === 0) throw new ArgumentError('options.b', `no rows with ${options.by} = ${JSON.stringify(options.b)}`);
  const xs = [...a.keys()].filter((at) => b.has(at)).sort((p, q) => (p ?? 0) - (q ?? 0));
  return xs.map((at) => {
    const differences = [...a.get(at)!.entries()].flatMap(([pair, value]) => {
      const other = b.get(at)!.get(pair);
      return value !== undefined && other !== undefined
        ? [{ pair, difference: ratio ? value / other : value - other }]
        : [];
    });
    const { n, mean, se } = meanAndSe(differences.map((d) => d.difference));
    return { x: at, n, mean, se, differences };
  });
}
