/** Top and bottom halves of 28×28 images, for structured output prediction (predict bottom from top). */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';
import { checkImages } from './binarize';
import { IMAGE_PIXELS } from './split';

/** Pixels per half image: 14 rows of 28. */
export const HALF_PIXELS = IMAGE_PIXELS / 2;

/** `top` = rows 0–13 (`[n, 392]`), `bottom` = rows 14–27 (`[n, 392]`) of `[n, 784]` row-major images. */
export function splitHalves(images: tf.Tensor2D): { top: tf.Tensor2D; bottom: tf.Tensor2D } {
  checkImages('images', images);
  if (images.shape[1] !== IMAGE_PIXELS) throw new ArgumentError('images', messages.shape('[n, 784]', images.shape));
  return {
    top: tf.slice(images, [0, 0], [-1, HALF_PIXELS]),
    bottom: tf.slice(images, [0, HALF_PIXELS], [-1, HALF_PIXELS]),
  };
}
