/**
 * `untaped(compute)`: runs `compute` without recording it on the gradient tape, and returns its
 * result as a constant (tfjs has no `stopGradient`). The computation runs as the forward pass of
 * a `tf.customGrad` op with no inputs: tfjs records no kernel inside it and no edge into it, so
 * comparisons (sampling) inside are allowed and no gradient ever flows back through the result.
 * `compute` must not itself call `tf.grad` (nothing is recorded inside).
 */
import * as tf from '@tensorflow/tfjs';

export function untaped<T extends tf.Tensor>(compute: () => T): T {
  return tf.customGrad(() => ({ value: compute(), gradFunc: () => [] }))() as T;
}
