/**
 * REINFORCE with the leave-one-out baseline over K draws (Kool et al. 2019; Mnih & Rezende
 * 2016): `b_k = (Σ_j f(z_j) − f(z_k)) / (K − 1)`. Each row stays unbiased because `b_k` uses
 * the other, independent draws only. Needs K >= 2; one evaluation of f per draw.
 * With several examples in one call, the K draws of each example form its own group.
 */
import * as tf from '@tensorflow/tfjs';
import { scoreFunction } from './reinforce';
import type { EstimatorContext } from './types';

/** `Σ_j f(z_j)` over the draws of each row's example, one value per row (`[rows]`). */
export function groupSums(context: EstimatorContext, values: tf.Tensor1D): tf.Tensor {
  const perExample = tf.sum(values.reshape([context.samples, context.examples]), 0);
  return tf.concat(new Array<tf.Tensor>(context.samples).fill(perExample)); // tf.tile, but fast on wasm
}

export const reinforceLoo = scoreFunction(
  'REINFORCE, leave-one-out baseline',
  'Kool, van Hoof & Welling 2019',
  2,
  (context, values) => ({
    baseline: tf.div(tf.sub(groupSums(context, values), values), context.samples - 1).expandDims(1),
  }),
);
