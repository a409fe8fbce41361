/** The shape of a data set: three splits of flattened 28×28 images in [0, 1] with integer labels. */
import * as tf from '@tensorflow/tfjs';

/** Pixels per image (28 × 28). */
export const IMAGE_PIXELS = 784;
/** Side of the square image in pixels. */
export const IMAGE_SIDE = 28;

/** Images `[n, 784]` float32 in [0, 1] (row-major 28×28) and labels `[n]` int32. */
export interface Split {
  images: tf.Tensor2D;
  labels: tf.Tensor1D;
}

export interface Dataset {
  train: Split;
  valid: Split;
  test: Split;
}

/** Items `start … start + count − 1` of byte pixels and labels as a Split, pixels scaled by 1/255. */
export function splitFromBytes(pixels: Uint8Array, labels: Uint8Array, start: number, count: number): Split {
  const values = new Float32Array(count * IMAGE_PIXELS);
  const offset = start * IMAGE_PIXELS;
  for (let i = 0; i < values.length; i++) values[i] = pixels[offset + i] / 255;
  return {
    images: tf.tensor2d(values, [count, IMAGE_PIXELS], 'float32'),
    labels: tf.tensor1d(Int32Array.from(labels.subarray(start, start + count)), 'int32'),
  };
}

/** Disposes every tensor of `dataset`. */
export function disposeDataset(dataset: Dataset): void {
  for (const split of [dataset.train, dataset.valid, dataset.test]) tf.dispose([split.images, split.labels]);
}
