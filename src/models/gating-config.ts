/**
 * The gated classifier's configuration and inputs, checked: defaults, ranges and shapes, each bad
 * value an ArgumentError naming it; its parameter shapes; and the estimators its gates accept.
 */
import * as tf from '@tensorflow/tfjs';
import { randomSeed } from '../core/random';
import { ArgumentError, checkFlag, checkInteger, messages } from '../errors';
import {
  checkEstimatorObjective,
  isNetworkEstimator,
  NETWORK_ESTIMATOR_NAMES,
  networkEstimator,
  type NetworkEstimator,
} from '../estimators/layer';
import { estimators, isEstimatorName } from '../estimators/registry';
import { objectiveOf } from '../estimators/types';
import { checkGenerativeDraws } from './chain-gradients';
import { DEFAULT_NOISE, isUnitName, UNIT_NAMES, UNIT_TYPES } from './units';
import { denseSpecs, type ParameterSpec } from './parameters';
import { PENALTY_KINDS } from './sparsity';
import { EXPERT_KINDS, type GatingBatch, type GatingConfig, type ResolvedGatingConfig } from './gating-types';

/** The network estimators of an expectation (the gated classifier's objective), then the unit types. */
export const GATING_ESTIMATOR_NAMES: readonly string[] = [
  ...NETWORK_ESTIMATOR_NAMES.filter((name) => objectiveOf(estimators[name]) === 'expectation'),
  ...UNIT_NAMES,
];

/**
 * Resolves a network estimator or unit type for the gates, or throws listing every valid name; an
 * estimator of another objective than an expectation (vimco's k-sample bound) is refused.
 */
export function gatingEstimator(name: unknown, argument = 'estimator'): NetworkEstimator {
  if (isUnitName(name)) return { kind: 'pathwise', name, sample: UNIT_TYPES[name] };
  if (isNetworkEstimator(name) || isEstimatorName(name) || (typeof name === 'object' && name !== null)) {
    const resolved = networkEstimator(name, argument);
    checkEstimatorObjective(
      resolved,
      'expectation',
      "the gating network (a classifier's expected log-likelihood)",
      argument,
    );
    return resolved;
  }
  throw new ArgumentError(
    argument,
    messages.unknownName('estimator or unit type', String(name), GATING_ESTIMATOR_NAMES),
  );
}

/**
 * λ: closing every gate is worth this many nats of log-likelihood per example. With 0.5, 1000
 * Adam steps (lr 1e-3, batches of 100) on 8000 digits leave 13–77% of the gates open at 6.5–8%
 * test error, depending on the estimator; λ = 2 closes most gates at a cost of 1–3 points.
 */
export const DEFAULT_SPARSITY = 0.5;
/** The paper's target: a gate is non-zero 10% of the time. */
export const DEFAULT_TARGET = 0.1;

type CheckedNumbers = Omit<ResolvedGatingConfig, 'generativeDraws' | 'inputBaseline' | 'steinFunction'>;

/** The configuration checked, every default filled in; a bad value is an ArgumentError naming it. */
export function resolveGatingConfig(config: GatingConfig): ResolvedGatingConfig {
  if (config == null || typeof config !== 'object')
    throw new ArgumentError('config', 'expected an object { input, hidden, classes, … }');
  const number = (name: keyof GatingConfig, fallback: number, min: number, max = Infinity, finite = true) => {
    const value = config[name] ?? fallback;
    const ok =
      typeof value === 'number' &&
      !Number.isNaN(value) &&
      (!finite || Number.isFinite(value)) &&
      value >= min &&
      value <= max;
    if (!ok) {
      const range = max < Infinity ? `in [${min}, ${max}]` : min === -Infinity ? '' : `>= ${min}`;
      throw new ArgumentError(
        `config.${name}`,
        `expected a ${finite ? 'finite ' : ''}number${range ? ` ${range}` : ''}, got ${String(value)}`,
      );
    }
    return value as number;
  };
  const choice = <T extends string>(name: keyof GatingConfig, fallback: T, valid: readonly T[]): T => {
    const value = config[name] ?? fallback;
    if (!valid.includes(value as T))
      throw new ArgumentError(`config.${name}`, messages.unknownName(name, String(value), valid));
    return value as T;
  };
  const target = number('target', DEFAULT_TARGET, 0, 1);
  if (target === 0 || target === 1)
    throw new ArgumentError('config.target', `expected a fraction strictly between 0 and 1, got ${target}`);
  const resolved: CheckedNumbers = {
    input: checkInteger('config.input', config.input ?? 784, 1),
    hidden: checkInteger('config.hidden', config.hidden ?? 200, 1),
    classes: checkInteger('config.classes', config.classes ?? 10, 2),
    gaterHidden: checkInteger('config.gaterHidden', config.gaterHidden ?? 50, 0),
    expert: choice('expert', 'relu', EXPERT_KINDS),
    penalty: choice('penalty', 'l1', PENALTY_KINDS),
    sparsity: number('sparsity', DEFAULT_SPARSITY, 0),
    target,
    tolerance: number('tolerance', 0.01, 0, target),
    lambdaRate: number('lambdaRate', 0.01, 0),
    maxNorm: number('maxNorm', Infinity, 0, Infinity, false),
    gaterBias: number('gaterBias', 2, -Infinity),
    noise: number('noise', DEFAULT_NOISE, 0),
    seed: checkInteger('config.seed', config.seed ?? randomSeed(), 0),
  };
  if (resolved.maxNorm === 0)
    throw new ArgumentError('config.maxNorm', 'expected a number > 0 (Infinity for no bound), got 0');
  const adaptive = resolved.penalty === 'adaptive-l1' || resolved.penalty === 'paper';
  if (adaptive && (resolved.sparsity === 0 || resolved.lambdaRate === 0)) {
    throw new ArgumentError(
      'config.sparsity',
      `penalty ${resolved.penalty} moves λ by factors, so it needs sparsity > 0 and lambdaRate > 0`,
    );
  }
  return {
    ...resolved,
    generativeDraws: checkGenerativeDraws('config.generativeDraws', config.generativeDraws),
    inputBaseline: checkFlag('config.inputBaseline', config.inputBaseline) ?? false,
    steinFunction: checkFlag('config.steinFunction', config.steinFunction) ?? false,
  };
}

/** The parameters: the main network's experts and output layer, and the gater. */
export function gatingSpecs(input: number, hidden: number, classes: number, gaterHidden: number): ParameterSpec[] {
  const gater =
    gaterHidden > 0
      ? [...denseSpecs('gater.h', input, gaterHidden), ...denseSpecs('gater', gaterHidden, hidden)]
      : denseSpecs('gater', input, hidden);
  return [...denseSpecs('main.h', input, hidden), ...denseSpecs('main.out', hidden, classes), ...gater];
}

/** `images` as a float32 `[n, input]` tensor, or an ArgumentError naming `argument`. */
export function checkImages(argument: string, images: unknown, input: number): tf.Tensor2D {
  if (!(images instanceof tf.Tensor))
    throw new ArgumentError(argument, `expected a tf.Tensor2D [n, ${input}], got ${typeof images}`);
  if (images.rank !== 2 || images.shape[1] !== input || images.shape[0] < 1)
    throw new ArgumentError(argument, messages.shape(`[n, ${input}]`, images.shape));
  if (images.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(images.dtype));
  return images as tf.Tensor2D;
}

/** A batch of float32 images `[n, input]` and int32 labels `[n]` in `[0, classes)`. */
export function checkBatch(batch: GatingBatch, input: number, classes: number): void {
  if (batch == null || typeof batch !== 'object') throw new ArgumentError('batch', 'expected { images, labels }');
  const images = checkImages('batch.images', batch.images, input);
  const labels: unknown = batch.labels;
  const n = images.shape[0];
  if (!(labels instanceof tf.Tensor))
    throw new ArgumentError('batch.labels', `expected an int32 tf.Tensor1D [${n}], got ${typeof labels}`);
  if (labels.rank !== 1 || labels.shape[0] !== n)
    throw new ArgumentError('batch.labels', messages.shape(`[${n}]`, labels.shape));
  if (labels.dtype !== 'int32') throw new ArgumentError('batch.labels', `expected dtype int32, got ${labels.dtype}`);
  const bad = (labels.dataSync() as Int32Array).find((y) => y < 0 || y >= classes);
  if (bad !== undefined)
    throw new ArgumentError('batch.labels', `expected class indices in [0, ${classes}), got ${bad}`);
}
