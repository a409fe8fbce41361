/**
 * A published claim "A beats B" read from shipped results by the rule of docs/findings.md: each
 * run by the mean of its last 5 evaluations of a history metric (`reading: 'tail'`) or by a final
 * number of its summary (`reading: 'final'`), paired by seed, as the input of `testClaims`.
 *
 * ```ts
 * const linear = loadResults('vae-fashion-linear');
 * const claim = claimFromResults(linear, { claim: 'DisARM ELBO > ARM', metric: 'elbo', a: 'disarm', b: 'arm', expected: 1 });
 * testClaims([claim])[0].finding;   // 'reproduced', 'not reproduced', 'within noise' or 'not testable at this budget'
 * ```
 */
import { ArgumentError } from '../errors';
import type { ClaimInput } from '../metrics/claim-tests';
import { tailMeans } from '../metrics/claim-tests';
import { finiteNumber } from '../metrics/rows';
import type { Cell, ResultRow, ShippedResults } from './load-results';

export interface ClaimSpec {
  claim: string;
  metric: string;
  /** The settings compared (values of the `by` column): the claim is about `a − b`. */
  a: string;
  b: string;
  /** +1: the paper says a is above b; −1: below. */
  expected: 1 | -1;
  /** `tail` (default): the mean of the last `last` evaluations of a history metric; `final`: the run's summary value. */
  reading?: 'tail' | 'final';
  /** Evaluations averaged by `tail` (default 5). */
  last?: number;
  /** The column naming the settings (default `estimators`) and the one pairing runs (default `seed`). */
  by?: string;
  pair?: string;
  /** Only runs whose columns equal these values, e.g. `{ lr: 0.001 }`. */
  where?: Readonly<Record<string, unknown>>;
  /** Only A's (or B's) runs whose columns equal these values, on top of `where`. */
  whereA?: Readonly<Record<string, unknown>>;
  whereB?: Readonly<Record<string, unknown>>;
  /**
   * Per side, only the runs at the value of `column` whose mean `metric` over the side's runs is
   * best (`goal` min or max): e.g. the learning rate chosen on validation, `{ column: 'lr',
   * metric: 'validNll', goal: 'min' }`. Read from the runs' summary rows; with `choose.where`, only
   * from those runs (e.g. `{ seed: 1 }`: the grid of seed 1 chooses, and the other seeds, run at the
   * chosen value only, are read but do not vote).
   */
  choose?: { column: string; metric: string; goal: 'min' | 'max'; where?: Readonly<Record<string, unknown>> };
  /** `tail` only: the evaluations at steps ≤ `until` (to compare runs of different lengths at one step). */
  until?: number;
  /** Mark the claim untestable with these runs, saying why. */
  untestable?: string;
}

const matches = (row: ResultRow, where: Readonly<Record<string, unknown>>) =>
  Object.entries(where).every(([key, value]) => row[key] === value);

/** The value of `choose.column` whose runs (already filtered by `where`) have the best mean `choose.metric`. */
function chosenValue(rows: readonly ResultRow[], choose: NonNullable<ClaimSpec['choose']>): Cell | undefined {
  const groups = new Map<Cell, number[]>();
  for (const row of rows) {
    const value = finiteNumber(row[choose.metric]);
    if (value === undefined) continue;
    const key = row[choose.column] ?? null;
    groups.set(key, [...(groups.get(key) ?? []), value]);
  }
  let best: { key: Cell; mean: number } | undefined;
  for (const [key, values] of groups) {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    if (!best || (choose.goal === 'min' ? mean < best.mean : mean > best.mean)) best = { key, mean };
  }
  return best?.key;
}

/** The filter of one side's runs: `where`, the side's own, and the chosen setting. */
function sideFilter(results: ShippedResults, spec: ClaimSpec, side: 'a' | 'b'): Record<string, unknown> {
  const by = spec.by ?? 'estimators';
  const where = { ...spec.where, ...(side === 'a' ? spec.whereA : spec.whereB), [by]: spec[side] };
  if (!spec.choose) return where;
  const voters = { ...where, ...spec.choose.where };
  const chosen = chosenValue(
    results.results.filter((r) => matches(r, voters)),
    spec.choose,
  );
  if (chosen === undefined)
    throw new ArgumentError('spec.choose', `no run of ${spec[side]} has a reading of ${spec.choose.metric}`);
  return { ...where, [spec.choose.column]: chosen };
}

/** A run's reading, and the steps it averages (`tail`; empty for `final`). */
interface Reading {
  value: number;
  steps: number[];
}

/** Per run of one side: its pairing value and its reading. */
function readings(results: ShippedResults, spec: ClaimSpec, side: 'a' | 'b'): Map<string, Reading> {
  const pair = spec.pair ?? 'seed';
  const where = sideFilter(results, spec, side);
  const out = new Map<string, Reading>();
  if ((spec.reading ?? 'tail') === 'final') {
    for (const row of results.results.filter((r) => matches(r, where))) {
      const value = finiteNumber(row[spec.metric]);
      if (value !== undefined) out.set(String(row[pair]), { value, steps: [] });
    }
    return out;
  }
  const until = spec.until ?? Infinity;
  const rows = results.history.filter((r) => matches(r, where) && Number(r.step) <= until);
  for (const run of tailMeans(rows, { metric: spec.metric, by: ['index', pair], last: spec.last ?? 5 })) {
    if (run.value !== null) out.set(String(run.group[pair]), { value: run.value, steps: run.points });
  }
  return out;
}

/** The claim's per-seed differences `A_s − B_s` (seeds with a reading on both sides, in seed order). */
export function claimFromResults(results: ShippedResults, spec: ClaimSpec): ClaimInput {
  if (results == null || !Array.isArray(results.history))
    throw new ArgumentError('results', 'expected what loadResults returns');
  if (spec == null || typeof spec.metric !== 'string' || typeof spec.a !== 'string' || typeof spec.b !== 'string') {
    throw new ArgumentError('spec', 'expected { claim, metric, a, b, expected }');
  }
  const a = readings(results, spec, 'a');
  const b = readings(results, spec, 'b');
  if (a.size === 0 || b.size === 0)
    throw new ArgumentError('spec', `no runs of ${a.size === 0 ? spec.a : spec.b} with a reading of ${spec.metric}`);
  const seeds = [...a.keys()].filter((s) => b.has(s)).sort((x, y) => Number(x) - Number(y));
  for (const s of seeds) {
    if (a.get(s)!.steps.join() !== b.get(s)!.steps.join()) {
      throw new ArgumentError(
        'spec',
        `${spec.a} and ${spec.b} (${spec.pair ?? 'seed'} ${s}) are read at different steps ` +
          `(${a.get(s)!.steps.join(', ')} against ${b.get(s)!.steps.join(', ')}): runs of different lengths; set until`,
      );
    }
  }
  return {
    claim: spec.claim,
    differences: seeds.map((s) => a.get(s)!.value - b.get(s)!.value),
    expected: spec.expected,
    ...(spec.untestable ? { untestable: spec.untestable } : {}),
  };
}
