/**
 * Standard normal quantiles: for z-score bounds with a stated false-alarm rate (scalars), and
 * elementwise on tensors, to turn seeded uniforms into Gaussian noise (the noisy rectifier).
 */
import * as tf from '@tensorflow/tfjs';

// Acklam's rational approximation of the inverse normal CDF (relative error < 1.2e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;
/** The largest float32 below 1. */
const LARGEST_BELOW_ONE = 1 - 2 ** -24;

function tail(q: number): number {
  return (
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  );
}

/** `Φ^{-1}(p)` for p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must lie in (0, 1), got ${p}`);
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/** `Σ_k c_k x^{m−k}` by Horner's rule, elementwise. */
function horner(coefficients: readonly number[], x: tf.Tensor): tf.Tensor {
  let acc: tf.Tensor = tf.add(tf.mul(x, coefficients[0]), coefficients[1]);
  for (let k = 2; k < coefficients.length; k++) acc = tf.add(tf.mul(acc, x), coefficients[k]);
  return acc;
}

/**
 * `Φ^{-1}(p)` elementwise for a tensor with every entry in (0, 1): the same rational
 * approximation as `normalQuantile`, evaluated in float32 and, in the central region, refined by
 * one Newton step (error below about 1e-5 · max(1, |x|)). Entries are clamped to [1e-37, 1 − 2^−24]
 * so that any float32 probability strictly below 1 is accepted.
 */
export function normalQuantileTensor(p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const clamped = tf.clipByValue(p, 1e-37, LARGEST_BELOW_ONE);
    const q = tf.sub(clamped, 0.5);
    const r = tf.square(q);
    // In float32 the central rational function cancels badly near its ends (errors ~1e-4);
    // one Newton step on Φ(x) = p, with Φ from tf.erf (absolute error ~1e-7), repairs it.
    const rough = tf.div(tf.mul(horner(A, r), q), horner([...B, 1], r));
    const residual = tf.sub(tf.mul(0.5, tf.add(1, tf.erf(tf.mul(rough, Math.SQRT1_2)))), clamped);
    const density = tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(rough))));
    const central = tf.sub(rough, tf.div(residual, density));
    const tailOf = (t: tf.Tensor) => tf.div(horner(C, t), horner([...D, 1], t));
    const low = tailOf(tf.sqrt(tf.mul(-2, tf.log(clamped))));
    const high = tf.neg(tailOf(tf.sqrt(tf.mul(-2, tf.log1p(tf.neg(clamped))))));
    return tf.where(tf.less(clamped, P_LOW), low, tf.where(tf.greater(clamped, 1 - P_LOW), high, central));
  });
}

/**
 * The two-sided |z| bound that `comparisons` independent z-scores all stay under with
 * probability at least `1 − falseAlarm` when every null hypothesis holds (Bonferroni).
 */
export function zBound(falseAlarm: number, comparisons: number): number {
  return normalQuantile(1 - falseAlarm / (2 * comparisons));
}

/**
 * `Φ(x)`, the standard normal CDF: `erfc(−x/√2) / 2` with the Chebyshev fit of erfc from
 * Numerical Recipes (fractional error below 1.2e-7 everywhere).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('normalCdf: x must be a number, got NaN');
  const z = Math.abs(x) * Math.SQRT1_2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const upper = 0.5 * t * Math.exp(poly); // Φ(−|x|)
  return x >= 0 ? 1 - upper : upper;
}
