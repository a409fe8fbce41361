/** Binarised images for models of binary pixels. */
import * as tf from '@tensorflow/tfjs';
import { uniformNoise } from '../core/random';
import { ArgumentError, checkInteger, messages } from '../errors';

const modes = {
  /** `x ~ Bernoulli(pixel)`: a fresh binary image per draw (Salakhutdinov & Murray 2008). */
  dynamic: true,
  /** `x = 1[pixel > 0.5]`: one fixed binary image. */
  threshold: true,
} as const;

export type BinarizeMode = keyof typeof modes;
export const BINARIZE_MODES = Object.keys(modes) as BinarizeMode[];

export interface BinarizeOptions {
  mode: BinarizeMode;
  /** Seed of the uniforms of `dynamic` mode (required there; ignored by `threshold`). */
  seed?: number;
}

/** `images` must be a float32 Tensor2D. */
export function checkImages(argument: string, images: unknown): tf.Tensor2D {
  if (!(images instanceof tf.Tensor)) throw new ArgumentError(argument, `expected a tf.Tensor2D, got ${typeof images}`);
  if (images.rank !== 2) throw new ArgumentError(argument, messages.shape('[n, pixels]', images.shape));
  if (images.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(images.dtype));
  return images as tf.Tensor2D;
}

/** Asserts `mode` is one of `valid`, naming them all otherwise. */
export function checkMode<T extends string>(argument: string, mode: unknown, valid: readonly T[]): T {
  if (!valid.includes(mode as T)) throw new ArgumentError(argument, messages.unknownName('mode', String(mode), valid));
  return mode as T;
}

/**
 * A new float32 tensor of 0/1 the shape of `images` (pixels in [0, 1]):
 * dynamic: `x = 1[u < pixel]` with seeded `u ~ U(0, 1)`, so `P(x = 1) = pixel`;
 * threshold: `x = 1[pixel > 0.5]`.
 *
 * @example binarize(images, { mode: 'dynamic', seed: 7 })
 */
export function binarize(images: tf.Tensor2D, options: BinarizeOptions): tf.Tensor2D {
  checkImages('images', images);
  const mode = checkMode('options.mode', options?.mode, BINARIZE_MODES);
  if (mode === 'threshold') return tf.tidy(() => tf.cast(tf.greater(images, 0.5), 'float32') as tf.Tensor2D);
  const seed = checkInteger('options.seed', options.seed, 0);
  const [n, d] = images.shape;
  return tf.tidy(() => tf.cast(tf.less(uniformNoise(n, d, seed >>> 0), images), 'float32') as tf.Tensor2D);
}
