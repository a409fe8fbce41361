/**
 * REINFORCE with Bengio's minimum-variance per-unit baseline (Bengio et al. 2013, eq. 9):
 * `b_i = E[(z_i − σ_i)^2 f(z)] / E[(z_i − σ_i)^2]`, both expectations moving averages over
 * earlier draws only (using the current draw would bias it). `ĝ_i = (f(z) − b_i)(z_i − σ_i)`.
 * Unbiased; one evaluation of f.
 */
import * as tf from '@tensorflow/tfjs';
import { checkBaseline, runningRatio } from './baselines';
import { scoreFunction } from './reinforce';

export const reinforceOptimal = scoreFunction(
  'REINFORCE, minimum-variance per-unit baseline',
  'Bengio, Léonard & Courville 2013',
  1,
  (context, values, score) => {
    const f = values.dataSync();
    const s = score.dataSync();
    const d = context.d;
    const squared = (k: number, i: number) => s[k * d + i] * s[k * d + i];
    const start = checkBaseline(context.baseline, d);
    const { baselines, state } = runningRatio(
      context.rows,
      start,
      context.decay,
      (k, i) => squared(k, i) * f[k],
      squared,
    );
    return { baseline: tf.tensor2d(baselines, [context.rows, d]), state };
  },
);
