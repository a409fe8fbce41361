/**
 * Statistics of N gradient estimates (rows) against the exact gradient: the measures of
 * docs/estimators.md, "How stochgrad measures an estimator". Computed in float64 from the
 * estimates read back once.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';

export interface GradientStats {
  samples: number;
  mean: number[];
  /** Unbiased per-coordinate sample variance. */
  variance: number[];
  /** `Σ_i Var(ĝ_i)`. */
  totalVariance: number;
  /** Standard error of each mean, `sd / √N`. */
  standardError: number[];
  /** Signal-to-noise ratio `|mean_i| / sd_i` (Infinity when sd_i = 0 and mean_i ≠ 0). */
  snr: number[];
  /** The following are present when the exact gradient is given. */
  exact?: number[];
  /** `mean − exact`, per coordinate. */
  bias?: number[];
  /** `‖mean − exact‖`. */
  biasNorm?: number;
  /** `(mean_i − exact_i) / se_i`; 0 when both the difference and se are 0. */
  zScores?: number[];
  maxAbsZ?: number;
  /** Cosine between the mean estimate and the exact gradient. */
  cosine?: number;
  /** Average cosine between a single estimate and the exact gradient. */
  sampleCosine?: number;
}

type Matrix = tf.Tensor2D | number[][];
type Vector = tf.Tensor1D | ArrayLike<number>;

function readMatrix(perSample: Matrix): { values: ArrayLike<number>; rows: number; cols: number } {
  if (perSample instanceof tf.Tensor) {
    if (perSample.rank !== 2) throw new ArgumentError('perSample', messages.shape('[samples, d]', perSample.shape));
    return { values: perSample.dataSync(), rows: perSample.shape[0], cols: perSample.shape[1] };
  }
  if (!Array.isArray(perSample) || perSample.length === 0)
    throw new ArgumentError('perSample', 'expected a Tensor2D or a non-empty array of rows');
  const cols = perSample[0].length;
  if (!perSample.every((row) => row.length === cols))
    throw new ArgumentError('perSample', 'rows must all have the same length');
  return { values: perSample.flat(), rows: perSample.length, cols };
}

function readVector(exact: Vector, length: number): number[] {
  const values = Array.from(exact instanceof tf.Tensor ? exact.dataSync() : exact);
  if (values.length !== length) throw new ArgumentError('exact', messages.shape(`[${length}]`, [values.length]));
  if (!values.every(Number.isFinite)) throw new ArgumentError('exact', messages.nonFinite('every entry'));
  return values;
}

const dot = (a: number[], b: ArrayLike<number>, offset = 0) => a.reduce((s, x, i) => s + x * b[offset + i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

function moments(values: ArrayLike<number>, rows: number, cols: number) {
  const mean = new Array(cols).fill(0);
  for (let k = 0; k < rows; k++) for (let i = 0; i < cols; i++) mean[i] += values[k * cols + i] / rows;
  const variance = new Array(cols).fill(0);
  for (let k = 0; k < rows; k++) {
    for (let i = 0; i < cols; i++) variance[i] += (values[k * cols + i] - mean[i]) ** 2 / Math.max(rows - 1, 1);
  }
  return { mean, variance };
}

function sampleCosine(values: ArrayLike<number>, rows: number, cols: number, exact: number[]): number {
  const exactNorm = norm(exact);
  let sum = 0;
  for (let k = 0; k < rows; k++) {
    const row = Array.from({ length: cols }, (_, i) => values[k * cols + i]);
    const denominator = norm(row) * exactNorm;
    sum += denominator > 0 ? dot(row, exact) / denominator : 0;
  }
  return sum / rows;
}

function comparison(
  mean: number[],
  standardError: number[],
  exact: number[],
  matrix: { values: ArrayLike<number>; rows: number; cols: number },
) {
  const bias = mean.map((m, i) => m - exact[i]);
  const zScores = bias.map((b, i) => (b === 0 ? 0 : b / standardError[i]));
  const denominator = norm(mean) * norm(exact);
  return {
    exact,
    bias,
    biasNorm: norm(bias),
    zScores,
    maxAbsZ: Math.max(...zScores.map(Math.abs)),
    cosine: denominator > 0 ? dot(mean, exact) / denominator : 0,
    sampleCosine: sampleCosine(matrix.values, matrix.rows, matrix.cols, exact),
  };
}

/** Mean, variance, SNR and, given `exact`, bias, z-scores and cosines of the estimates. */
export function gradientStats(perSample: Matrix, exact?: Vector): GradientStats {
  const matrix = readMatrix(perSample);
  const { rows, cols } = matrix;
  if (!Array.from(matrix.values).every(Number.isFinite))
    throw new ArgumentError('perSample', messages.nonFinite('every estimate'));
  const { mean, variance } = moments(matrix.values, rows, cols);
  const sd = variance.map(Math.sqrt);
  const standardError = sd.map((s) => s / Math.sqrt(rows));
  const snr = mean.map((m, i) => (sd[i] > 0 ? Math.abs(m) / sd[i] : m === 0 ? 0 : Infinity));
  const base = {
    samples: rows,
    mean,
    variance,
    totalVariance: variance.reduce((a, b) => a + b, 0),
    standardError,
    snr,
  };
  if (exact === undefined) return base;
  return { ...base, ...comparison(mean, standardError, readVector(exact, cols), matrix) };
}
