/**
 * Divergence of a training run: a step whose objective or gradient holds NaN or ±∞. Applying
 * such a step would make every parameter NaN, so `train` stops before it.
 *
 * Per step, `s = objective + Σ_k Σ g_k` is computed and read: any NaN or ±∞ entry makes `s`
 * non-finite. Small tensors (the objective, biases, the toy's logits) are read and summed in
 * JavaScript — reading a few floats costs ~2 µs on wasm, a tfjs op ~10 µs — and large ones
 * are summed on the device into one scalar, read once (wasm and cpu compute synchronously, so a
 * read stalls nothing). A sum that overflows float32 (|s| > 3.4·10³⁸) reads as divergence too —
 * gradients that large have diverged in all but name. Which part was bad is found only then.
 * Measured with `npm run bench -- --backends wasm --models linear --estimators disarm --steps 40
 * --peer off` (train ms, which runs this check as `train` does): see docs/performance.md.
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

/** Tensors up to this many entries are summed in JavaScript. */
const SMALL = 4096;

/** Why this step's objective or gradients are not finite, or undefined when they are. */
export function nonFiniteStep(result: GradientResult): string | undefined {
  let total = result.objective.dataSync()[0];
  const large: tf.Tensor[] = [];
  for (const gradient of Object.values(result.gradients)) {
    if (gradient.size > SMALL) large.push(gradient);
    else for (const value of gradient.dataSync()) total += value;
  }
  if (large.length > 0)
    total += tf.tidy(
      () => (large.length === 1 ? tf.sum(large[0]) : tf.addN(large.map((g) => tf.sum(g)))).dataSync()[0],
    );
  return Number.isFinite(total) ? undefined : describe(result);
}
