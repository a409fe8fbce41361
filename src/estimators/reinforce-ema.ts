/**
 * REINFORCE with a moving-average baseline (Bengio et al. 2013, 1a):
 * `ĝ_i = (f(z) − b) (z_i − σ(φ_i))`, `b` the moving average of f over earlier draws
 * (and earlier calls, through `options.baseline`). Unbiased; one evaluation of f.
 */
import * as tf from '@tensorflow/tfjs';
import { checkBaseline, runningRatio } from './baselines';
import { scoreFunction } from './reinforce';

export const reinforceEma = scoreFunction(
  'REINFORCE, moving-average baseline',
  'Bengio, Léonard & Courville 2013',
  1,
  (context, values) => {
    const f = values.dataSync();
    const start = checkBaseline(context.baseline, 1);
    const { baselines, state } = runningRatio(
      context.rows,
      start,
      context.decay,
      (k) => f[k],
      () => 1,
    );
    return { baseline: tf.tensor2d(baselines, [context.rows, 1]), state };
  },
);
