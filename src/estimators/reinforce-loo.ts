/**
 * REINFORCE with the leave-one-out baseline over K draws (Kool et al. 2019; Mnih & Rezende
 * 2016): `b_k = (Σ_j f(z_j) − f(z_k)) / (K − 1)`. Each row stays unbiased because `b_k` uses
 * the other, independent draws only. Needs K >= 2; one evaluation of f per draw.
 */
import * as tf from '@tensorflow/tfjs';
import { centredScore, scoreFunctionTerms } from './reinforce';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

export const reinforceLoo: EstimatorSpec = {
  title: 'REINFORCE, leave-one-out baseline',
  reference: 'Kool, van Hoof & Welling 2019',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 2,
  run(context: EstimatorContext): EstimatorOutput {
    const { values, score } = scoreFunctionTerms(context);
    const others = tf.div(tf.sub(tf.sum(values), values), context.samples - 1);
    return { perSample: centredScore(values, others.expandDims(1), score) };
  },
};
