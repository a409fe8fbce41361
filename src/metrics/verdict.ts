/**
 * The verdict on a published claim that one setting beats another, from our paired differences
 * over seeds (`pairedDifferences`): the claim says the difference has a sign; with n pairs, mean m
 * and standard error se, the one-sided t statistic `t = sign · m / se` is compared with Student's
 * quantile `t_{level}(n − 1)`:
 *
 * - `reproduced`: t ≥ the quantile (the paper's sign, beyond noise at that level);
 * - `opposite`: t ≤ −the quantile (the other sign, beyond noise);
 * - `within noise`: in between;
 * - `one seed`: n < 2, no standard error: only the sign of m is known (`sign` tells it).
 *
 * ```ts
 * const [last] = pairedDifferences(rows, { metric: 'elbo', by: 'estimators', a: 'disarm', b: 'arm' }).slice(-1);
 * claimVerdict(last, 1);    // { verdict: 'within noise', t: 1.3, threshold: 2.92, sign: 1, n: 3 }
 * ```
 */
import { ArgumentError } from '../errors';
import { studentTQuantile } from './student-t';

export type Verdict = 'reproduced' | 'opposite' | 'within noise' | 'one seed';

export interface ClaimVerdict {
  verdict: Verdict;
  /** Pairs compared. */
  n: number;
  /** `sign · mean / se`; null below two pairs. */
  t: number | null;
  /** The one-sided quantile it is compared with; null below two pairs. */
  threshold: number | null;
  /** The sign of the mean difference (0 when it is 0 or unknown). */
  sign: number;
}

/** The verdict on "the difference is `expected` (+1: positive, −1: negative)"; see the module comment. */
export function claimVerdict(
  difference: { n: number; mean: number | null; se: number | null },
  expected: 1 | -1,
  options: { level?: number } = {},
): ClaimVerdict {
  if (difference == null || typeof difference.n !== 'number')
    throw new ArgumentError('difference', 'expected { n, mean, se } (a paired difference)');
  if (expected !== 1 && expected !== -1)
    throw new ArgumentError('expected', `expected 1 or -1, got ${String(expected)}`);
  const level = options.level ?? 0.95;
  if (!(level > 0.5 && level < 1))
    throw new ArgumentError('options.level', `expected a level in (0.5, 1), got ${level}`);
  const { n, mean, se } = difference;
  const sign = mean === null || mean === 0 ? 0 : Math.sign(mean);
  if (n < 2 || mean === null || se === null) return { verdict: 'one seed', n, t: null, threshold: null, sign };
  const threshold = studentTQuantile(level, n - 1);
  const t = se === 0 ? (mean === 0 ? 0 : expected * sign * Infinity) : (expected * mean) / se;
  const verdict: Verdict = t >= threshold ? 'reproduced' : t <= -threshold ? 'opposite' : 'within noise';
  return { verdict, n, t, threshold, sign };
}
