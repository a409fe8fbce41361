/**
 * Divergence of a training run: a step whose objective or gradient holds NaN or ±∞. Applying
 * such a step would make every parameter NaN, so `train` stops before it.
 *
 * Per step, one scalar `s = objective + Σ_k Σ g_k` is summed on the device and read (4 bytes;
 * wasm and cpu compute synchronously, so the read stalls nothing): any NaN or ±∞ entry makes `s`
 * non-finite. A sum that overflows float32 (|s| > 3.4·10³⁸) reads as divergence too — gradients
 * that large have diverged in all but name. Which part was bad is worked out only then.
 * Measured with `npm run bench -- --backends wasm --models linear --estimators disarm --steps 40
 * --peer off` (train ms, which runs this check as `train` does): see README, Training.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradientResult } from '../models/model';

/** Where a run diverged: `step` steps were completed; step `step` (0-based) was not applied. */
export interface Divergence {
  step: number;
  /** E.g. `objective is NaN` or `gradient of q1.w is not finite`. */
  reason: string;
}

const isFinite = (tensor: tf.Tensor) => tf.tidy(() => Number.isFinite(tf.sum(tensor).dataSync()[0]));

/** Names what is non-finite in `result` (called only after `nonFiniteStep` found something). */
function describe(result: GradientResult): string {
  const objective = result.objective.dataSync()[0];
  if (!Number.isFinite(objective)) return `objective is ${objective}`;
  const name = Object.keys(result.gradients).find((key) => !isFinite(result.gradients[key]));
  return name === undefined ? 'the gradients sum beyond float32' : `gradient of ${name} is not finite`;
}

/** Why this step's objective or gradients are not finite, or undefined when they are. */
export function nonFiniteStep(result: GradientResult): string | undefined {
  const total = tf.tidy(() => Object.values(result.gradients).reduce<tf.Tensor>((sum, g) => tf.add(sum, tf.sum(g)), result.objective).dataSync()[0]);
  return Number.isFinite(total) ? undefined : describe(result);
}
