/**
 * One rule for every verdict on a published claim "A beats B" (docs/findings.md states it):
 *
 * 1. Each run is read as the mean of its last `last` evaluations (`tailMeans`, default 5), or by
 *    a final number (the test bound); runs of one seed are paired, `d_s = A_s − B_s`.
 * 2. The paired t-test (two-sided p from Student's t with n − 1 degrees of freedom) and the exact
 *    sign test (two-sided binomial p of the signs of `d_s`, zeros dropped) are computed side by side.
 * 3. The t-test's p-values of all the claims judged together (one chapter's) are Holm-corrected.
 * 4. The finding, in four words:
 *    - `reproduced`: Holm-corrected p ≤ α and the mean difference has the claim's sign;
 *    - `not reproduced`: Holm-corrected p ≤ α and the opposite sign;
 *    - `within noise`: Holm-corrected p > α;
 *    - `not testable at this budget`: fewer than two pairs (a sign at one seed is reported, no
 *      test), or the caller marks the claim so (e.g. it is about a training length we did not run).
 *    The sign test does not decide; where its majority contradicts the t-test's sign, `signAgrees`
 *    is false and the finding must be read with that caveat.
 *
 * ```ts
 * const results = testClaims([
 *   { claim: 'DisARM > ARM (ELBO)', differences: [0.4, 0.2, 0.5, 0.1, 0.3], expected: 1 },
 *   { claim: 'DisARM > LOO (ELBO)', differences: [-0.2, 0.1, -0.4], expected: 1 },
 * ]);
 * results[0].finding;   // 'reproduced'
 * ```
 */
import { ArgumentError, checkInteger } from '../errors';
import { checkRows, finiteNumber, groupName, type Row } from './rows';
import { studentTCdf } from './student-t';

export type Finding = 'reproduced' | 'not reproduced' | 'within noise' | 'not testable at this budget';
export const FINDINGS: readonly Finding[] = [
  'reproduced',
  'not reproduced',
  'within noise',
  'not testable at this budget',
];

export interface ClaimInput {
  /** What the paper claims, in words. */
  claim: string;
  /** Per-pair differences `A_s − B_s` (NaN-free). */
  differences: readonly number[];
  /** The claim's sign of the difference: +1 (A above B) or −1. */
  expected: 1 | -1;
  /** Why the claim cannot be tested with these runs, when it cannot (e.g. "the paper's 10^6 steps"). */
  untestable?: string;
}

export interface ClaimResult {
  claim: string;
  n: number;
  mean: number | null;
  se: number | null;
  /** Paired t statistic `mean / se` (null below two pairs). */
  t: number | null;
  /** Two-sided p of the paired t-test, and after Holm's correction across the claims. */
  p: number | null;
  pHolm: number | null;
  /** Pairs above and below zero, and the sign test's two-sided p. */
  positive: number;
  negative: number;
  pSign: number | null;
  /** Whether the sign test's majority has the mean's sign (true when either is undecided). */
  signAgrees: boolean;
  finding: Finding;
  /** Why the claim was not testable. */
  reason?: string;
}

/** Two-sided exact binomial p of `positive` against `negative` signs under p = ½ (null with no signs). */
export function signTest(positive: number, negative: number): number | null {
  const n = positive + negative;
  if (n === 0) return null;
  const k = Math.min(positive, negative);
  let tail = 0;
  let term = 0.5 ** n; // C(n, 0) / 2^n
  for (let i = 0; i <= k; i++) {
    tail += term;
    term *= (n - i) / (i + 1);
  }
  return Math.min(1, 2 * tail);
}

/** Holm's step-down adjustment of `p` (nulls stay null and are not counted). */
export function holm(p: readonly (number | null)[]): (number | null)[] {
  const order = p.map((value, i) => ({ value, i })).filter((e): e is { value: number; i: number } => e.value !== null);
  order.sort((a, b) => a.value - b.value);
  const adjusted: (number | null)[] = p.map(() => null);
  let running = 0;
  order.forEach(({ value, i }, rank) => {
    running = Math.max(running, Math.min(1, (order.length - rank) * value));
    adjusted[i] = running;
  });
  return adjusted;
}

function checkClaim(claim: ClaimInput, k: number): void {
  if (claim == null || typeof claim.claim !== 'string')
    throw new ArgumentError(`claims[${k}]`, 'expected { claim, differences, expected }');
  if (!Array.isArray(claim.differences) || !claim.differences.every(Number.isFinite)) {
    throw new ArgumentError(`claims[${k}].differences`, 'expected an array of finite numbers');
  }
  if (claim.expected !== 1 && claim.expected !== -1)
    throw new ArgumentError(`claims[${k}].expected`, `expected 1 or -1, got ${String(claim.expected)}`);
}

/** The paired t-test of one claim, before the correction. */
function pairedT(differences: readonly number[]): {
  mean: number | null;
  se: number | null;
  t: number | null;
  p: number | null;
} {
  const n = differences.length;
  if (n === 0) return { mean: null, se: null, t: null, p: null };
  const mean = differences.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, se: null, t: null, p: null };
  const sd = Math.sqrt(differences.reduce((sum, d) => sum + (d - mean) ** 2, 0) / (n - 1));
  const se = sd / Math.sqrt(n);
  if (se === 0) return { mean, se, t: mean === 0 ? 0 : Math.sign(mean) * Infinity, p: mean === 0 ? 1 : 0 };
  const t = mean / se;
  return { mean, se, t, p: 2 * (1 - studentTCdf(Math.abs(t), n - 1)) };
}

/** Why a claim with fewer than two pairs is not tested, with the sign it shows. */
function oneSeedReason(claim: ClaimInput): string {
  if (claim.differences.length === 0) return 'no pairs';
  const d = claim.differences[0];
  const sign = d === 0 ? 'no sign' : Math.sign(d) === claim.expected ? "the paper's sign" : 'the opposite sign';
  return `one seed, a sign and not a test: ${sign}`;
}

/** The verdicts on `claims` judged together; see the module comment. */
export function testClaims(claims: readonly ClaimInput[], options: { alpha?: number } = {}): ClaimResult[] {
  if (!Array.isArray(claims))
    throw new ArgumentError('claims', 'expected an array of { claim, differences, expected }');
  claims.forEach(checkClaim);
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new ArgumentError('options.alpha', `expected a level in (0, 1), got ${alpha}`);
  const tests = claims.map((claim) =>
    claim.untestable ? { mean: null, se: null, t: null, p: null } : pairedT(claim.differences),
  );
  const adjusted = holm(tests.map((test) => test.p));
  return claims.map((claim, k) => {
    const { mean, se, t, p } = tests[k];
    const positive = claim.differences.filter((d: number) => d > 0).length;
    const negative = claim.differences.filter((d: number) => d < 0).length;
    const majority = Math.sign(positive - negative);
    const signAgrees = mean === null || majority === 0 || mean === 0 || majority === Math.sign(mean);
    const base = {
      claim: claim.claim,
      n: claim.differences.length,
      mean,
      se,
      t,
      p,
      pHolm: adjusted[k],
      positive,
      negative,
      pSign: signTest(positive, negative),
      signAgrees,
    };
    if (claim.untestable) return { ...base, finding: 'not testable at this budget', reason: claim.untestable };
    if (p === null)
      return {
        ...base,
        finding: 'not testable at this budget',
        reason: oneSeedReason(claim),
      };
    const finding: Finding =
      adjusted[k]! > alpha ? 'within noise' : Math.sign(mean!) === claim.expected ? 'reproduced' : 'not reproduced';
    return { ...base, finding };
  });
}

export interface TailMeanOptions {
  metric: string;
  /** The columns that name a run (default `['index']`). */
  by?: readonly string[];
  /** Evaluations averaged, counted from the last (default 5). */
  last?: number;
  /** The column of the evaluation points (default `step`). */
  x?: string;
}

/** Per run, the mean of `metric` over its last `last` evaluations: `{ run, group, value, points }`. */
export function tailMeans(
  rows: readonly Row[],
  options: TailMeanOptions,
): { run: string; group: Record<string, unknown>; value: number | null; points: number[] }[] {
  checkRows(rows);
  if (options == null || typeof options.metric !== 'string')
    throw new ArgumentError('options.metric', 'expected a metric name');
  const by = options.by ?? ['index'];
  const last = checkInteger('options.last', options.last ?? 5, 1);
  const x = options.x ?? 'step';
  const runs = new Map<string, { group: Record<string, unknown>; points: { at: number; value: number }[] }>();
  for (const row of rows) {
    const group = Object.fromEntries(by.map((key) => [key, row[key]]));
    const name = groupName(by, group);
    const at = finiteNumber(row[x]);
    const value = finiteNumber(row[options.metric]);
    const entry = runs.get(name) ?? { group, points: [] };
    if (at !== undefined && value !== undefined) entry.points.push({ at, value });
    runs.set(name, entry);
  }
  return [...runs.entries()].map(([run, { group, points }]) => {
    const tail = points.sort((a, b) => a.at - b.at).slice(-last);
    const value = tail.length === last ? tail.reduce((sum, p) => sum + p.value, 0) / last : null;
    return { run, group, value, points: tail.map((p) => p.at) };
  });
}
