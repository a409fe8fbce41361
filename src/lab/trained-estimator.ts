/**
 * `trainedEstimator`: an estimator whose control variate is learned online (double-cv's α, RODEO's
 * Stein function), trained on one fixed problem the way its paper trains it inside a model — one
 * step per estimate, on that estimate's own draws — and then measured like any other. Estimators
 * without learned parts pass through untouched, so a chapter can compare them all alike.
 *
 * - `double-cv`: α by Adam at 1e-3 on `mean(ĝ²)` (the estimator's own step, carried in its state).
 * - `rodeo`: the authors' network (models/stein-function.ts) by Adam at 1e-3 on `mean(ĝ²)`,
 *   starting from α = β = 0, where it is reinforce-loo.
 *
 * Training never biases the measurement: each estimate uses only parameters learned from earlier
 * draws, and the estimators are unbiased for any α or ψ.
 *
 * ```ts
 * const rodeo = trainedEstimator('rodeo', f, logits, { samples: 2, steps: 300, seed: 1 });
 * const stats = rodeo.measure(exact, { estimates: 20000, seed: 2 });
 * rodeo.dispose();
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../core/seeds';
import { ArgumentError, checkInteger, checkPositive } from '../errors';
import { doubleCvState } from '../estimators/double-cv';
import { estimate, estimateGrouping, groupMeans } from '../estimators/estimate';
import type { Objective } from '../estimators/objective';
import { lookupEstimator, type EstimatorName } from '../estimators/registry';
import { RODEO_LEARNING_RATE } from '../estimators/rodeo';
import type { BaselineState, EstimateOptions } from '../estimators/types';
import { gradientStats, type GradientStats } from '../metrics/gradient-stats';
import { createParameters } from '../models/parameters';
import { steinFunction, steinFunctionSpecs } from '../models/stein-function';
import { createOptimizer } from '../train/optimizer';

export interface TrainedEstimatorOptions {
  /** Draws per estimate, k (default: the estimator's fewest). */
  samples?: number;
  /** Training steps of the learned part (0 leaves it at its start). */
  steps: number;
  /** Estimates per training step (default 16). */
  groups?: number;
  /** Adam's rate for RODEO's function (default the authors' 1e-3). */
  lr?: number;
  seed: number;
}

export interface TrainedEstimator {
  name: EstimatorName;
  samples: number;
  /** What was learned: `alpha` for double-cv, `steps` for every estimator. */
  learned: { steps: number; alpha?: number };
  /** Extra options every later estimate takes (the learned state), read-only. */
  estimateOptions(): Partial<EstimateOptions>;
  /** `estimates` estimates (each of k draws) at the learned state, against `exact`. */
  measure(exact: readonly number[], options: { estimates: number; seed: number }): GradientStats;
  dispose(): void;
}

const STEIN_NAME = 'rodeo';
/** Estimates per `estimate` call when measuring. */
const MEASURE_CHUNK = 1000;

function rodeoTrainer(f: Objective, logits: tf.Tensor1D, k: number, groups: number, lr: number, seed: number) {
  const parameters = createParameters(steinFunctionSpecs(1), seed);
  const fn = (inputs: tf.Tensor2D) => steinFunction(parameters, 0, inputs);
  const adam = createOptimizer({ kind: 'adam', lr });
  return {
    fn,
    step(stepSeed: number) {
      const result = estimate(STEIN_NAME, f, logits, { samples: k, groups, seed: stepSeed, steinFunction: fn });
      const { inputs, outputGradient } = result.stein!;
      // The optimiser ascends: −∂L/∂ψ = −Σ ⟨∂L/∂N, ∂N/∂ψ⟩ with N the network's outputs.
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.sum(tf.mul(outputGradient, fn(inputs)))) as tf.Scalar,
        Object.values(parameters),
      );
      adam.step(parameters, Object.fromEntries(Object.entries(parameters).map(([n, v]) => [n, grads[v.name]])));
      tf.dispose([value, ...Object.values(grads), result.perSample, result.mean, inputs, outputGradient]);
    },
    dispose() {
      adam.dispose();
      Object.values(parameters).forEach((p) => p.dispose());
    },
  };
}

/** Trains `name`'s learned part on `f` at `logits` (see the module comment). */
export function trainedEstimator(
  name: EstimatorName,
  f: Objective,
  logits: tf.Tensor1D,
  options: TrainedEstimatorOptions,
): TrainedEstimator {
  const spec = lookupEstimator(name, 'name');
  const k = checkInteger('options.samples', options.samples ?? spec.minSamples, spec.minSamples);
  const steps = checkInteger('options.steps', options.steps, 0);
  const groups = checkInteger('options.groups', options.groups ?? 16, 1);
  const lr = checkPositive('options.lr', options.lr ?? RODEO_LEARNING_RATE);
  checkInteger('options.seed', options.seed, 0);
  if (spec.learned !== undefined && spec.learned !== 'stein-function')
    throw new ArgumentError('name', `${name} learns ${spec.learned}, which trainedEstimator does not train`);
  let state: BaselineState | undefined = name === 'double-cv' ? doubleCvState(0) : undefined;
  const rodeo = name === STEIN_NAME ? rodeoTrainer(f, logits, k, groups, lr, options.seed) : undefined;
  for (let step = 0; step < steps; step++) {
    const stepSeed = options.seed * 100003 + step + 1;
    if (rodeo) rodeo.step(stepSeed);
    else if (state !== undefined) {
      const result = estimate(name, f, logits, { samples: k, groups, seed: stepSeed, baseline: state });
      state = result.baseline;
      tf.dispose([result.perSample, result.mean]);
    }
  }
  const estimateOptions = (): Partial<EstimateOptions> => ({
    ...(state !== undefined ? { baseline: state } : {}),
    ...(rodeo ? { steinFunction: rodeo.fn } : {}),
  });
  return {
    name,
    samples: k,
    learned: {
      steps: spec.learned !== undefined || state !== undefined ? steps : 0,
      ...(state ? { alpha: state.numerator[0] } : {}),
    },
    estimateOptions,
    measure(exact, measureOptions) {
      const estimates = checkInteger('options.estimates', measureOptions.estimates, 2);
      const rows: number[][] = [];
      // In chunks: RODEO runs its function at k (k − 1)(d + 1) points per estimate.
      for (let start = 0; start < estimates; start += MEASURE_CHUNK) {
        const count = Math.min(MEASURE_CHUNK, estimates - start);
        const grouping = estimateGrouping(spec, count, k);
        const seed = deriveSeed(measureOptions.seed, start / MEASURE_CHUNK);
        const result = estimate(name, f, logits, { ...estimateOptions(), ...grouping, seed });
        const chunk = grouping.groups ? groupMeans(result.perSample, grouping.groups) : result.perSample;
        rows.push(...(chunk.arraySync() as number[][]));
        tf.dispose([result.perSample, result.mean, chunk, result.stein?.inputs, result.stein?.outputGradient]);
      }
      return gradientStats(rows, [...exact]);
    },
    dispose: () => rodeo?.dispose(),
  };
}
