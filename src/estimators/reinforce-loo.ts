/**
 * REINFORCE with the leave-one-out baseline over K draws (Kool et al. 2019; Mnih & Rezende
 * 2016): `b_k = (Σ_j f(z_j) − f(z_k)) / (K − 1)`. Each row stays unbiased because `b_k` uses
 * the other, independent draws only. Needs K >= 2; one evaluation of f per draw.
 */
import * as tf from '@tensorflow/tfjs';
import { scoreFunction } from './reinforce';

export const reinforceLoo = scoreFunction(
  'REINFORCE, leave-one-out baseline',
  'Kool, van Hoof & Welling 2019',
  2,
  (context, values) => ({
    baseline: tf.div(tf.sub(tf.sum(values), values), context.samples - 1).expandDims(1),
  }),
);
