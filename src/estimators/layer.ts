/**
 * Estimators inside networks: the gradient of one stochastic layer's logits.
 *
 * A network asks for `ĝ_φ`, the estimated gradient of its objective with respect to the logits
 * `φ` of one layer, one row per draw, and backpropagates it into the layer's parameters (the
 * surrogate `stop(ĝ_φ) · φ`). The estimator sees the layer as one batched problem: `f` is the
 * network's completion from this layer on (its later layers sampled), so every estimator's
 * formula stays in its own module.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';
import { checkedObjective } from './objective';
import { ESTIMATOR_NAMES, estimators, isEstimatorName, resolveEstimator, type EstimatorName } from './registry';
import {
  objectiveOf,
  type BaselineState,
  type EstimatorContext,
  type EstimatorObjective,
  type EstimatorSpec,
  type PathwiseSample,
  type SteinFunction,
  type SteinTraining,
  type TaylorExpansion,
} from './types';

export { DEFAULT_SETTINGS, type EstimatorSettings } from './settings';
import type { EstimatorSettings } from './settings';

/** How an estimator runs inside a network. */
export type NetworkEstimator =
  | { kind: 'signal'; name: EstimatorName; spec: EstimatorSpec }
  | { kind: 'pathwise'; name: string; spec?: EstimatorSpec; sample: PathwiseSample };

/** The estimators usable inside networks (their registry entries' `inNetworks`). */
export const NETWORK_ESTIMATOR_NAMES = ESTIMATOR_NAMES.filter((name) => estimators[name].inNetworks);

/**
 * Resolves `name` for use in a network, or throws naming the valid ones. Models take the result as
 * well as a name, so a caller that resolves once (the experiment runner) hands this down.
 */
export function networkEstimator(name: unknown, argument = 'estimator'): NetworkEstimator {
  if (isNetworkEstimator(name)) return name;
  const { name: valid, spec } = resolveEstimator(name, argument);
  if (!spec.inNetworks) {
    throw new ArgumentError(
      argument,
      `${JSON.stringify(valid)} is not available inside networks (its relaxed control variate needs every later ` +
        `layer relaxed too); use one of ${NETWORK_ESTIMATOR_NAMES.join(', ')}`,
    );
  }
  if (spec.pathwise) return { kind: 'pathwise', name: valid, spec, sample: spec.pathwise };
  return { kind: 'signal', name: valid, spec: estimators[valid] };
}

/** Whether `value` is an estimator already resolved for networks (what `networkEstimator` returns). */
export function isNetworkEstimator(value: unknown): value is NetworkEstimator {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<NetworkEstimator>;
  if (candidate.kind === 'signal')
    return isEstimatorName(candidate.name) && candidate.spec === estimators[candidate.name];
  return candidate.kind === 'pathwise' && typeof candidate.name === 'string' && typeof candidate.sample === 'function';
}

export interface LayerProblem {
  /** Logits of the layer, `[rows, d]`, one row per draw (constants). */
  logits: tf.Tensor2D;
  /** The uniforms that drew the layer, `[rows, d]`. */
  u: tf.Tensor2D;
  /** The network's objective as a function of this layer: `[k·rows, d] → [k·rows]`. */
  f: (z: tf.Tensor2D) => tf.Tensor1D;
  /** Draws per example; `rows = samples × examples`, row r belongs to example r mod examples. */
  samples: number;
  examples: number;
  settings: EstimatorSettings;
  /** The layer's sampled `1[u < σ(φ)]` (the network's path), at which `f`'s value may be cached. */
  sample?: tf.Tensor2D;
  /** The group's draws share these logits (the first stochastic layer): see `EstimatorContext.sharedLogits`. */
  sharedLogits?: boolean;
  /** MuProp's expansion point, from the network's mean-field pass. */
  expansion?: TaylorExpansion;
  /** `∂f/∂z` at `sample`, `[rows, d]`, from the network's backward pass (`networkGradient: 'draws'`: double-cv, rodeo). */
  sampleSlope?: tf.Tensor2D;
  /** Moving-average baseline state of this layer (reinforce-ema, reinforce-optimal, the centred ones). */
  baseline?: BaselineState;
  /** The learned input-dependent baseline's value per row, `[rows]` (estimators with `learned: 'input-baseline'`). */
  inputBaseline?: tf.Tensor1D;
  /** The model's learned function (estimators with `learned: 'stein-function'`: rodeo). */
  steinFunction?: SteinFunction;
  /** Seed of any further noise the estimator draws. */
  seed: number;
}

/** What each estimator objective is called where a model names the quantity it trains. */
const OBJECTIVE_NAMES: Record<EstimatorObjective, string> = {
  expectation: 'an expectation E[f] (the ELBO inside a VAE)',
  'k-sample-bound': 'the k-sample bound E[log (1/k) Σ_j exp f(z_j)]',
};

/**
 * Throws unless `estimator` estimates the gradient of `objective`, the one the model trains (its
 * registry entry's `objective`; unit types and every estimator but vimco: an expectation). `where`
 * says which model and option ask, e.g. `the SBN VAE with objective 'elbo'`.
 */
export function checkEstimatorObjective(
  estimator: { readonly name: string; readonly spec?: EstimatorSpec },
  objective: EstimatorObjective,
  where: string,
  argument = 'estimator',
): void {
  const own = objectiveOf(estimator.spec);
  if (own === objective) return;
  throw new ArgumentError(
    argument,
    `${JSON.stringify(estimator.name)} estimates the gradient of ${OBJECTIVE_NAMES[own]}, but ${where} trains ` +
      `${OBJECTIVE_NAMES[objective]}`,
  );
}

/** Throws unless `samples` draws per example are enough for `estimator` (e.g. leave-one-out's 2). */
export function checkLayerSamples(estimator: Extract<NetworkEstimator, { kind: 'signal' }>, samples: number): void {
  const { spec, name } = estimator;
  if (samples < spec.minSamples) {
    throw new ArgumentError(
      'options.samples',
      `estimator ${JSON.stringify(name)} needs samples >= ${spec.minSamples}, got ${samples}`,
    );
  }
}

/** `ĝ_φ` for one layer, `[rows, d]`, the updated baseline state and, with a learned baseline, its residual. */
export function layerGradient(
  estimator: Extract<NetworkEstimator, { kind: 'signal' }>,
  problem: LayerProblem,
): { gradient: tf.Tensor2D; baseline?: BaselineState; residual?: tf.Tensor1D; scale?: number; stein?: SteinTraining } {
  const { spec, name } = estimator;
  checkLayerSamples(estimator, problem.samples);
  const [rows, d] = problem.u.shape;
  if (rows !== problem.samples * problem.examples) {
    throw new ArgumentError(
      'u',
      messages.shape(`[samples × examples, d] = [${problem.samples * problem.examples}, ${d}]`, problem.u.shape),
    );
  }
  const context: EstimatorContext = {
    name,
    f: checkedObjective(problem.f),
    differentiable: true,
    logits: problem.logits,
    u: problem.u,
    samples: problem.samples,
    examples: problem.examples,
    rows,
    d,
    ...problem.settings,
    baseline: problem.baseline,
    expansion: problem.expansion,
    sample: problem.sample,
    sharedLogits: problem.sharedLogits === true,
    sampleSlope: problem.sampleSlope,
    inputBaseline: problem.inputBaseline,
    steinFunction: problem.steinFunction,
    conditionalNoise: () => {
      throw new ArgumentError('estimator', `${name} needs conditional noise, which networks do not provide`);
    },
  };
  const output = spec.run(context);
  return {
    gradient: output.perSample,
    ...(output.baseline ? { baseline: output.baseline } : {}),
    ...(output.residual ? { residual: output.residual } : {}),
    ...(output.scale !== undefined ? { scale: output.scale } : {}),
    ...(output.stein ? { stein: output.stein } : {}),
  };
}
