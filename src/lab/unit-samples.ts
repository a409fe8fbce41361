/**
 * Monte Carlo summaries of a gate unit type (`src/models/units.ts`) at fixed pre-activations:
 * draws `samples` outputs `h` of the op for each `a`, backpropagates through the op, and
 * reports the means (with standard errors) of `h`, of `1[h = 0]` and of the op's `∂h/∂a` —
 * the measured counterparts of `unitMoments`' closed forms.
 */
import * as tf from '@tensorflow/tfjs';
import { uniformNoise } from '../core/random';
import { lookupUnit, type UnitName } from '../models/units';
import { ArgumentError, checkInteger } from '../errors';

export interface MeanWithError {
  mean: number;
  /** Standard error of the mean, `sd / √samples`. */
  se: number;
}

export interface UnitSample {
  a: number;
  /** `h`. */
  value: MeanWithError;
  /** `1[h = 0]`: the fraction of exact zeros. */
  zero: MeanWithError;
  /** The op's backward pass `∂h/∂a`. */
  slope: MeanWithError;
}

export interface UnitSampleOptions {
  samples: number;
  seed: number;
  /** The noisy rectifier's s (default 1). */
  noise?: number;
}

function columnMean(values: ArrayLike<number>, rows: number, cols: number, j: number): MeanWithError {
  let sum = 0;
  let squares = 0;
  for (let k = 0; k < rows; k++) {
    const x = values[k * cols + j];
    sum += x;
    squares += x * x;
  }
  const mean = sum / rows;
  return { mean, se: Math.sqrt(Math.max(squares / rows - mean * mean, 0) / Math.max(rows - 1, 1)) };
}

/** Samples unit type `name` at every pre-activation in `a`; see the module comment. */
export function sampleUnit(name: UnitName, a: readonly number[], options: UnitSampleOptions): UnitSample[] {
  const op = lookupUnit(name, 'name');
  if (!Array.isArray(a) || a.length === 0 || !a.every(Number.isFinite))
    throw new ArgumentError('a', 'expected a non-empty array of finite numbers');
  const rows = checkInteger('options.samples', options?.samples, 2);
  const seed = checkInteger('options.seed', options.seed, 0);
  const settings = { temperature: 0.5, slope: 1, noise: options.noise };
  const cols = a.length;
  const [h, g] = tf.tidy(() => {
    const logits = tf.tile(tf.tensor2d([a as number[]]), [rows, 1]) as tf.Tensor2D;
    const u = uniformNoise(rows, cols, seed);
    const values = op(logits, u, settings);
    const slopes = tf.grad((x: tf.Tensor) => tf.sum(op(x as tf.Tensor2D, u, settings)))(logits);
    return [values, slopes];
  });
  const hv = h.dataSync();
  const gv = g.dataSync();
  tf.dispose([h, g]);
  const zeros = hv.map((x) => (x === 0 ? 1 : 0));
  return a.map((value, j) => ({
    a: value,
    value: columnMean(hv, rows, cols, j),
    zero: columnMean(zeros, rows, cols, j),
    slope: columnMean(gv, rows, cols, j),
  }));
}
