/**
 * REINFORCE with a moving-average baseline (Bengio et al. 2013, 1a):
 * `ĝ_i = (f(z) − b) (z_i − σ(φ_i))`, `b` the moving average of f over earlier draws
 * (and earlier calls, through `options.baseline`). Unbiased; one evaluation of f.
 */
import * as tf from '@tensorflow/tfjs';
import { checkBaseline, runningRatio } from './baselines';
import { centredScore, scoreFunctionTerms } from './reinforce';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

export const reinforceEma: EstimatorSpec = {
  title: 'REINFORCE, moving-average baseline',
  reference: 'Bengio, Léonard & Courville 2013',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 1,
  run(context: EstimatorContext): EstimatorOutput {
    const { values, score } = scoreFunctionTerms(context);
    const f = values.dataSync();
    const start = checkBaseline(context.baseline, 1);
    const { baselines, state } = runningRatio(context.samples, start, context.decay, (k) => f[k], () => 1);
    const b = tf.tensor2d(baselines, [context.samples, 1]);
    return { perSample: centredScore(values, b, score), baseline: state };
  },
};
