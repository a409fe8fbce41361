/**
 * `detach(x)`: a copy of `x` that the gradient tape does not connect to anything, tfjs's missing
 * `stopGradient`. The copy is made inside a `tf.customGrad` op with no inputs, so tfjs records
 * no edge from `x` to it: later comparisons (sampling) on the copy never need a gradient, and no
 * gradient is propagated back through it.
 */
import * as tf from '@tensorflow/tfjs';

export function detach<T extends tf.Tensor>(x: T): T {
  return tf.customGrad(() => ({ value: tf.clone(x), gradFunc: () => [] }))() as T;
}
