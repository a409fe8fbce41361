/**
 * Student's t distribution with ν degrees of freedom, for tests on a handful of seeds:
 * `P(T ≤ t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½)` for t ≥ 0 (I the regularised incomplete beta function,
 * by its continued fraction), and the quantile by bisection on it.
 *
 * ```ts
 * studentTQuantile(0.975, 2);   // 4.3027: a 95% two-sided interval of a mean of 3 seeds is ± 4.30 se
 * ```
 */
import { ArgumentError } from '../errors';

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13). */
function logGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.61503916999186,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < c.length; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of I_x(a, b) (Lentz's method), for x < (a + 1)/(a + b + 2). */
function betaFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (const numerator of [
      (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
      (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
    ]) {
      d = 1 + numerator * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + numerator / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

function checkDegrees(dof: number): void {
  if (!(typeof dof === 'number' && dof > 0 && Number.isFinite(dof)))
    throw new ArgumentError('dof', `expected degrees of freedom > 0, got ${dof}`);
}

/** `P(T ≤ t)` for T ~ Student's t with `dof` degrees of freedom. */
export function studentTCdf(t: number, dof: number): number {
  checkDegrees(dof);
  if (Number.isNaN(t)) throw new ArgumentError('t', 'expected a number, got NaN');
  const tail = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The t with `P(T ≤ t) = p`, for p in (0, 1). */
export function studentTQuantile(p: number, dof: number): number {
  checkDegrees(dof);
  if (!(p > 0 && p < 1)) throw new ArgumentError('p', `expected a probability in (0, 1), got ${p}`);
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, dof) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, high); i++) {
    const middle = (low + high) / 2;
    if (studentTCdf(middle, dof) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
