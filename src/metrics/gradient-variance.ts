/**
 * The variance of a model's gradient estimate at fixed parameters, from repeated draws on one
 * batch: the quantity the ARM and DisARM papers plot for the encoder. Reported as the mean over
 * the selected coordinates of the per-coordinate variance.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../core/seeds';
import { checkInteger } from '../errors';
import type { EstimatorArgument, Model } from '../models/model';

export interface GradientVarianceOptions {
  /** Independent gradient estimates (default 20). */
  draws?: number;
  seed: number;
  samples?: number;
  /** Which parameters count (default all). */
  include?: (name: string) => boolean;
}

/** Sums and sums of squares of every selected coordinate over `draws` estimates. */
function moments<Batch>(
  model: Model<Batch>,
  estimator: EstimatorArgument,
  batch: Batch,
  names: string[],
  draws: number,
  options: GradientVarianceOptions,
) {
  let sum: Float64Array | undefined;
  let squares: Float64Array | undefined;
  for (let k = 0; k < draws; k++) {
    const result = model.gradients(estimator, batch, {
      seed: deriveSeed(options.seed, k),
      ...(options.samples ? { samples: options.samples } : {}),
    });
    // Read outside tf.tidy: a typed array returned from tidy is scanned element by element.
    const concatenated = tf.tidy(() => tf.concat(names.map((n) => result.gradients[n].reshape([-1]))));
    const flat = concatenated.dataSync();
    tf.dispose([concatenated, result.objective, ...Object.values(result.gradients)]);
    sum ??= new Float64Array(flat.length);
    squares ??= new Float64Array(flat.length);
    for (let i = 0; i < flat.length; i++) {
      sum[i] += flat[i];
      squares[i] += flat[i] * flat[i];
    }
  }
  return { sum: sum!, squares: squares! };
}

/** Mean over the included coordinates of `Var(ĝ)` across `draws` estimates on `batch`; the model's state is left as it was. */
export function gradientVariance<Batch>(
  model: Model<Batch>,
  estimator: EstimatorArgument,
  batch: Batch,
  options: GradientVarianceOptions,
): number {
  const draws = checkInteger('options.draws', options.draws ?? 20, 2);
  const names = Object.keys(model.parameters).filter(options.include ?? (() => true));
  const state = model.getState?.();
  let measured: { sum: Float64Array; squares: Float64Array };
  try {
    measured = moments(model, estimator, batch, names, draws, options);
  } finally {
    if (state !== undefined) model.setState!(state);
  }
  const { sum, squares } = measured;
  let total = 0;
  for (let i = 0; i < sum.length; i++) total += (squares[i] - (sum[i] * sum[i]) / draws) / (draws - 1);
  return total / sum.length;
}
