/**
 * Final tables of a grid of runs: per group of settings, `mean ± se` of each metric over the
 * seeds (`meanAndSe`), the best row of each group by a metric, and the first point from which a
 * curve stays on one side of zero.
 *
 * ```ts
 * // one row per run: { estimators: 'arm', seed: 1, elbo: -250.1, testBound: -244.7 }, …
 * groupSummary(rows, { by: ['estimators'], metrics: ['elbo', 'testBound'] });
 * // [{ name: 'arm', group: { estimators: 'arm' }, metrics: { elbo: { n: 3, mean, se }, … } }, …]
 * bestOfGroups(rows, { by: ['estimators'], metric: 'validNll', mode: 'min' });   // e.g. the learning rate
 * ```
 */
import { ArgumentError } from '../errors';
import { checkRows, finiteNumber, groupName, rowsWhere, type Row } from './rows';
import { meanAndSe, type MeanSe } from './seed-bands';

export interface GroupSummaryOptions {
  /** Columns that tell the groups apart, e.g. `['estimators']`. */
  by: readonly string[];
  /** Columns summarised. */
  metrics: readonly string[];
  /** Only rows whose columns equal these values count. */
  where?: Readonly<Record<string, unknown>>;
}

export interface GroupSummary {
  /** The group's values of `by`, joined as in `seedBands`. */
  name: string;
  group: Record<string, unknown>;
  /** `mean ± se` over the group's rows (its seeds) of each metric. */
  metrics: Record<string, MeanSe>;
}

function checkColumns(argument: string, columns: unknown): void {
  if (!Array.isArray(columns) || columns.some((column) => typeof column !== 'string' || column === ''))
    throw new ArgumentError(argument, 'expected an array of column names');
}

/** The rows that satisfy `where`, grouped by the values of `by` (groups in order of first appearance). */
function groups(rows: readonly Row[], by: readonly string[], where: Readonly<Record<string, unknown>> = {}): Row[][] {
  const out = new Map<string, Row[]>();
  for (const row of rowsWhere(rows, where)) {
    const key = JSON.stringify(by.map((column) => row[column] ?? null));
    const members = out.get(key);
    if (members) members.push(row);
    else out.set(key, [row]);
  }
  return [...out.values()];
}

/** `mean ± se` of every metric per group; see the module comment. */
export function groupSummary(rows: readonly Row[], options: GroupSummaryOptions): GroupSummary[] {
  checkRows(rows);
  checkColumns('options.by', options?.by);
  checkColumns('options.metrics', options.metrics);
  return groups(rows, options.by, options.where).map((own) => {
    const group = Object.fromEntries(options.by.map((column) => [column, own[0][column]]));
    const metrics = Object.fromEntries(
      options.metrics.map((metric) => [metric, meanAndSe(own.map((row) => finiteNumber(row[metric])))]),
    );
    return { name: groupName(options.by, group), group, metrics };
  });
}

export interface BestOfGroupsOptions {
  by: readonly string[];
  metric: string;
  mode: 'min' | 'max';
  where?: Readonly<Record<string, unknown>>;
}

/** Per group, the row with the lowest (`min`) or highest (`max`) finite `metric`; groups without one are left out. */
export function bestOfGroups<R extends Row>(rows: readonly R[], options: BestOfGroupsOptions): R[] {
  checkRows(rows);
  checkColumns('options.by', options?.by);
  if (typeof options.metric !== 'string' || options.metric === '')
    throw new ArgumentError('options.metric', 'expected a column name');
  if (options.mode !== 'min' && options.mode !== 'max')
    throw new ArgumentError('options.mode', `expected "min" or "max", got ${JSON.stringify(options.mode)}`);
  const sign = options.mode === 'min' ? 1 : -1;
  return groups(rows, options.by, options.where).flatMap((own) => {
    const scored = (own as R[]).filter((row) => finiteNumber(row[options.metric]) !== undefined);
    if (scored.length === 0) return [];
    return [
      scored.reduce((best, row) =>
        sign * finiteNumber(row[options.metric])! < sign * finiteNumber(best[options.metric])! ? row : best,
      ),
    ];
  });
}

/**
 * The first x from which `holds(value)` is true at that point and at every later one (points in
 * order of x; points whose value is null are skipped), or null when the last point fails.
 * E.g. the step from which straight-through stays behind: `sustainedFrom(gaps, (d) => d < 0)`.
 */
export function sustainedFrom(
  points: readonly { x: number | null; mean: number | null }[],
  holds: (value: number) => boolean,
): number | null {
  if (!Array.isArray(points)) throw new ArgumentError('points', 'expected an array of { x, mean }');
  if (typeof holds !== 'function') throw new ArgumentError('holds', 'expected a function of a value');
  const known = points.filter((p) => p.mean !== null && p.x !== null).sort((a, b) => a.x! - b.x!);
  let from: number | null = null;
  for (const point of known) {
    if (holds(point.mean!)) from ??= point.x;
    else from = null;
  }
  return from;
}
