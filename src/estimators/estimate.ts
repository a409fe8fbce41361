/**
 * `estimate(name, f, logits, options)`: gradient estimates of `∇_φ E_{z ~ Bernoulli(σ(φ))}[f(z)]`.
 *
 * Noise convention (common random numbers across estimators given the same `u`):
 * samples are `z = 1[u < σ(φ)]`; ARM's pair is `1[u > σ(−φ)]` and `1[u < σ(φ)]`; DisARM's is
 * `1[u < σ(φ)]` and `1[1 − u < σ(φ)]`; relaxed samples use the logistic noise
 * `L = log u − log(1 − u)`, as `σ((φ + L)/τ)`, and the hard samples of gumbel-st, rebar and
 * relax are its threshold `1[φ + L > 0]`.
 *
 * ```ts
 * const f = (z: tf.Tensor2D) => tf.sum(tf.square(tf.sub(z, 0.49)), 1) as tf.Tensor1D;
 * const { mean, perSample } = estimate('arm', f, tf.tensor1d([0]), { samples: 1000, seed: 1 });
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { randomSeed, uniformNoise } from '../core/random';
import { ArgumentError, checkInteger, checkOpenUnit, checkPositive } from '../errors';
import { DEFAULT_SETTINGS } from './settings';
import { checkedObjective, type Objective } from './objective';
import { lookupEstimator, type EstimatorName } from './registry';
import type { Estimate, EstimateOptions, EstimatorContext, EstimatorSpec } from './types';
import { checkLogits, checkNoise } from './validate';

// The conditional noise stream is derived from the seed so that it is independent of `u`.
const CONDITIONAL_STREAM = 0x9e3779b9;

function checkOptions(spec: EstimatorSpec, name: string, options: EstimateOptions): void {
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected an object with samples');
  checkInteger('options.samples', options.samples, 1);
  if (options.groups !== undefined) checkInteger('options.groups', options.groups, 1);
  if (options.samples < spec.minSamples) {
    throw new ArgumentError(
      'options.samples',
      `estimator ${JSON.stringify(name)} needs samples >= ${spec.minSamples}, got ${options.samples}`,
    );
  }
  if (options.seed !== undefined) checkInteger('options.seed', options.seed, 0);
  if (options.temperature !== undefined) checkPositive('options.temperature', options.temperature);
  if (options.slope !== undefined) checkPositive('options.slope', options.slope);
  if (options.eta !== undefined && !Number.isFinite(options.eta))
    throw new ArgumentError('options.eta', 'expected a finite number');
  if (options.decay !== undefined) checkOpenUnit('options.decay', options.decay);
  if (options.inputBaseline !== undefined && !Number.isFinite(options.inputBaseline)) {
    throw new ArgumentError('options.inputBaseline', `expected a finite number, got ${String(options.inputBaseline)}`);
  }
}

function makeContext(name: string, f: Objective, logits: tf.Tensor1D, options: EstimateOptions): EstimatorContext {
  const { samples } = options;
  const groups = options.groups ?? 1;
  const rows = samples * groups;
  const d = logits.shape[0];
  const seed = options.seed ?? randomSeed();
  const u = options.noise ? checkNoise('options.noise', options.noise, rows, d) : uniformNoise(rows, d, seed);
  const given = options.conditionalNoise;
  if (given) checkNoise('options.conditionalNoise', given, rows, d);
  return {
    name,
    f: checkedObjective(f),
    differentiable: f.differentiable !== false,
    logits,
    u,
    samples,
    examples: groups,
    rows,
    d,
    temperature: options.temperature ?? DEFAULT_SETTINGS.temperature,
    slope: options.slope ?? DEFAULT_SETTINGS.slope,
    decay: options.decay ?? DEFAULT_SETTINGS.decay,
    eta: options.eta ?? DEFAULT_SETTINGS.eta,
    baseline: options.baseline,
    surrogate: options.surrogate,
    steinFunction: options.steinFunction,
    ...(lookupEstimator(name).learned === 'input-baseline'
      ? { inputBaseline: tf.fill([rows], options.inputBaseline ?? 0) as tf.Tensor1D }
      : {}),
    conditionalNoise: () => given ?? uniformNoise(rows, d, (seed ^ CONDITIONAL_STREAM) >>> 0),
  };
}

/**
 * Runs estimator `name`; the returned tensors belong to the caller (dispose them, `stein`'s too,
 * which rodeo returns when `options.steinFunction` is given).
 */
export function estimate(name: EstimatorName, f: Objective, logits: tf.Tensor1D, options: EstimateOptions): Estimate {
  const spec = lookupEstimator(name);
  checkLogits(logits);
  checkOptions(spec, name, options);
  let baseline: Estimate['baseline'];
  let scale: number | undefined;
  let evaluations = 0;
  const { perSample, stein } = tf.tidy(() => {
    const context = makeContext(name, f, logits, options);
    const output = spec.run(context);
    baseline = output.baseline;
    scale = output.scale;
    evaluations = context.f.evaluations;
    // The learned function's training tensors only for a caller who supplied a function to train
    // (with the default zero function there is nothing to step, and callers need not dispose them).
    const trains = output.stein && options.steinFunction !== undefined;
    const kept = { perSample: output.perSample, ...(trains ? { stein: output.stein } : {}) };
    return kept as unknown as tf.TensorContainer;
  }) as unknown as { perSample: tf.Tensor2D; stein?: Estimate['stein'] };
  const mean = tf.tidy(() => tf.mean(perSample, 0) as tf.Tensor1D);
  return {
    perSample,
    mean,
    evaluations,
    ...(baseline ? { baseline } : {}),
    ...(scale !== undefined ? { scale } : {}),
    ...(stein ? { stein } : {}),
  };
}

/**
 * One estimate per group, `[groups, d]`: the mean of each group's `samples` rows of `perSample`
 * (row r belongs to group `r mod groups`). For a multi-sample estimator these rows are the
 * independent estimates whose spread is its variance. The caller owns the result.
 */
export function groupMeans(perSample: tf.Tensor2D, groups: number): tf.Tensor2D {
  checkInteger('groups', groups, 1);
  const [rows, d] = perSample.shape;
  if (rows % groups !== 0)
    throw new ArgumentError('groups', `expected a divisor of perSample's ${rows} rows, got ${groups}`);
  return tf.tidy(() => tf.mean(tf.reshape(perSample, [rows / groups, groups, d]), 0) as tf.Tensor2D);
}

/**
 * How to draw `estimates` independent estimates of `spec`'s estimator: as many draws for a
 * one-draw estimator, or as many groups of its k coupled draws (`samples`, default `minSamples`;
 * k > 1: leave-one-out and the estimators after ARM). Pass the result to `estimate`; `groupMeans(perSample, groups)`
 * then gives the estimates when `groups` is set.
 */
export function estimateGrouping(
  spec: Pick<EstimatorSpec, 'minSamples'>,
  estimates: number,
  samples = spec.minSamples,
): { samples: number; groups?: number } {
  const k = Math.max(1, samples);
  return k > 1 ? { samples: k, groups: estimates } : { samples: estimates };
}
