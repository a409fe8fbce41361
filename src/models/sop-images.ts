/**
 * What a structured-output model (sop.ts) predicts, as images. For the observed top half `x` of a
 * digit it draws the stochastic layers from the model, `z_1 ~ p(z_1 | x)`, …, `z_L ~ p(z_L | z_{L−1})`,
 * and takes the pixel means of the bottom half given that draw, `E[y | x, z] = σ(out(z_L))`.
 * With `draws: K` it averages those means over K independent draws of z: K = 1 (the default) is
 * the prediction of one draw; as K grows the average tends to the model's predictive mean
 * `E[y | x] = Σ_z p(z | x) σ(out(z_L))`. Pixel means, not binary draws, as the papers show them.
 *
 * `sopCompletions` puts the prediction under the given top half, unchanged, to make whole digits.
 * Both are seeded (one stream of uniforms per layer) and return a new tensor with values in [0, 1].
 *
 * ```ts
 * const mean = sopCompletions(model, digits, { draws: 100, seed: 1 });  // ≈ top half over E[y | x]
 * const one = sopCompletions(model, digits, { seed: 2 });               // top half over E[y | x, z], one z
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { ArgumentError, checkInteger, messages } from '../errors';
import { mlp } from './mlp';
import type { Sop } from './sop';

export interface SopImageOptions {
  /** Independent draws of z whose predictions are averaged (default 1). */
  draws?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
}

function checkRows(argument: string, t: unknown, width: number, what: string): tf.Tensor2D {
  if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[1] !== width || t.shape[0] < 1) {
    throw new ArgumentError(argument, messages.shape(`[n, ${what} = ${width}]`, t instanceof tf.Tensor ? t.shape : []));
  }
  return t as tf.Tensor2D;
}

function checkOptions(options: SopImageOptions): { draws: number; seed: number } {
  if (options == null || typeof options !== 'object') throw new ArgumentError('options', 'expected { draws?, seed? }');
  return {
    draws: checkInteger('options.draws', options.draws ?? 1, 1),
    seed: checkInteger('options.seed', options.seed ?? 0, 0),
  };
}

/**
 * The predicted bottom halves `[n, output]` for the top halves `x` `[n, input]`: `E[y | x, z]`
 * averaged over `options.draws` draws of z from the model (see the module comment).
 */
export function sopPrediction(sop: Sop, x: tf.Tensor2D, options: SopImageOptions = {}): tf.Tensor2D {
  const { input, output, latent, kind } = sop.config;
  checkRows('x', x, input, 'input');
  const { draws, seed } = checkOptions(options);
  const n = x.shape[0];
  return tf.tidy(() => {
    let z = draws === 1 ? x : (tf.tile(x, [draws, 1]) as tf.Tensor2D);
    latent.forEach((units, l) => {
      const logits = mlp(sop.parameters, `s${l + 1}`, kind, z);
      z = bernoulliFromNoise(logits, uniformNoise(n * draws, units, deriveSeed(seed, l)));
    });
    const means = tf.sigmoid(mlp(sop.parameters, 'out', kind, z));
    return tf.mean(tf.reshape(means, [draws, n, output]), 0) as tf.Tensor2D;
  });
}

/**
 * Whole digits `[n, input + output]`: the first `input` values of each row of `images`, unchanged,
 * followed by the model's prediction of the rest (`sopPrediction` of that top half).
 */
export function sopCompletions(sop: Sop, images: tf.Tensor2D, options: SopImageOptions = {}): tf.Tensor2D {
  const { input, output } = sop.config;
  checkRows('images', images, input + output, 'input + output');
  checkOptions(options);
  return tf.tidy(() => {
    const top = tf.slice(images, [0, 0], [-1, input]) as tf.Tensor2D;
    return tf.concat([top, sopPrediction(sop, top, options)], 1) as tf.Tensor2D;
  });
}
