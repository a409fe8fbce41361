/**
 * REBAR (Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein 2017): the relaxed control variate
 * with `c = η f(σ(·/τ))`, the objective itself at the Concrete relaxation. Unbiased; three
 * evaluations of f (one hard, two relaxed) and a backward pass. η and τ are fixed here
 * (`options.eta`, `options.temperature`); tuning them to minimise variance is the caller's.
 */
import * as tf from '@tensorflow/tfjs';
import { relaxedControlVariate } from './relaxed-control-variate';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

export const rebar: EstimatorSpec = {
  title: 'REBAR',
  reference: 'Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein 2017',
  unbiased: true,
  needsGradient: true,
  evaluationsPerSample: 3,
  minSamples: 1,
  family: 'relaxed-control-variate',
  // REBAR needs f differentiable in a relaxation of every later layer; a network whose later
  // layers are sampled is piecewise constant there, so its control variate would be biased.
  inNetworks: false,
  run(context: EstimatorContext): EstimatorOutput {
    const surrogate = (relaxed: tf.Tensor2D) => tf.mul(context.eta, context.f(relaxed)) as tf.Tensor1D;
    return { perSample: relaxedControlVariate(context, surrogate, 'f') };
  },
};
