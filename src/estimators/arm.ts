/**
 * ARM, augment-REINFORCE-merge (Yin & Zhou 2019):
 * `ĝ = [f(1[u > σ(−φ)]) − f(1[u < σ(φ)])] ⊙ (u − 1/2)`.
 * Unbiased; two evaluations of f sharing one u; f need not be differentiable.
 */
import * as tf from '@tensorflow/tfjs';
import { antithetic } from './antithetic';

export const arm = antithetic('ARM (augment-REINFORCE-merge)', 'Yin & Zhou 2019', (context, { fB, fTwin }) =>
  tf.mul(tf.sub(fTwin, fB).expandDims(1), tf.sub(context.u, 0.5)),
);
