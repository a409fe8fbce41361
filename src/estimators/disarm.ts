/**
 * DisARM (Dong, Mnih & Tucker 2020): with `b = 1[u < σ(φ)]`, `b̃ = 1[1 − u < σ(φ)]`,
 * `ĝ_i = ½ (f(b) − f(b̃)) (−1)^{b̃_i} 1[b_i ≠ b̃_i] σ(|φ_i|)`.
 * ARM with the augmenting uniform integrated out: unbiased, never more variance than ARM.
 * Two evaluations of f; f need not be differentiable.
 */
import * as tf from '@tensorflow/tfjs';
import { antithetic } from './antithetic';

export const disarm = antithetic('DisARM', 'Dong, Mnih & Tucker 2020', (context, { b, twin, fB, fTwin }) => {
  const half = tf.mul(0.5, tf.sub(fB, fTwin)).expandDims(1);
  const sign = tf.sub(1, tf.mul(2, twin)); //             (−1)^{b̃_i}
  const differ = tf.abs(tf.sub(b, twin)); //              1[b_i ≠ b̃_i]
  const weight = tf.sigmoid(tf.abs(context.logits)); //   σ(|φ_i|)
  return tf.mul(half, tf.mul(tf.mul(sign, differ), weight));
});
