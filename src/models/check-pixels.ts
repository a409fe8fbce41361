/**
 * The models' data check: inputs are pixels in [0, 1] (binary, or grey levels before
 * binarisation). A batch holding NaN or values outside [0, 1] would otherwise train silently
 * on garbage (a NaN batch turns every parameter into NaN within a step).
 *
 * Cost: one reduction and one read of a single float per call, `m = max |x − ½|`, which is
 * `≤ ½` exactly when every entry lies in [0, 1] and NaN when any entry is NaN (the comparison
 * `m ≤ ½` fails for NaN too). Measured on wasm for a [50, 784] batch, in alternating rounds with
 * a training step: ≈ 0.7% of a linear SBN VAE's step (gradients and Adam).
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../errors';

const checkedBackends = new Map<string, boolean>();

/** Whether this backend's `max` returns NaN for a tensor holding NaN (wasm and cpu do); checked once per backend. */
function maxPropagatesNaN(): boolean {
  const backend = tf.getBackend();
  let propagates = checkedBackends.get(backend);
  if (propagates === undefined) {
    propagates = tf.tidy(() => Number.isNaN(tf.max(tf.tensor1d([0, NaN, 0])).dataSync()[0]));
    checkedBackends.set(backend, propagates);
  }
  return propagates;
}

/** `max |x − ½|`, NaN when any entry is NaN. */
function halfDistance(x: tf.Tensor): number {
  const nanAware = maxPropagatesNaN();
  return tf.tidy(() => {
    const distance = tf.max(tf.abs(tf.sub(x, 0.5)));
    // A backend whose max skips NaN gets the sum's NaN added (× 0 keeps finite sums out of it).
    return (nanAware ? distance : tf.add(distance, tf.mul(tf.sum(x), 0))).dataSync()[0];
  });
}

/** What is wrong with `x`, read only after the check failed. */
function describeBad(x: tf.Tensor): string {
  const values = x.dataSync();
  const bad = values.find((v) => !(v >= 0 && v <= 1));
  return Number.isNaN(bad) ? 'NaN' : String(bad);
}

/**
 * Throws an ArgumentError on `argument` unless every entry of `x` lies in [0, 1] (NaN and ±∞
 * fail), e.g. `x: expected pixels in [0, 1], got NaN`.
 */
export function checkPixels(argument: string, x: tf.Tensor): void {
  if (halfDistance(x) <= 0.5) return;
  throw new ArgumentError(argument, `expected pixels in [0, 1] (no NaN), got ${describeBad(x)}`);
}
