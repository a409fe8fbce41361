/**
 * Conditional computation (Bengio, Léonard & Courville 2013, section 5): a classifier whose
 * hidden units are switched on and off, per input, by stochastic gates from a small gater network.
 *
 * - Main network: `h = relu(x · main.h.w + main.h.b)` (`main.h.w` `[input, hidden]`), gated
 *   `h ⊙ g`, then `logits = (h ⊙ g) · main.out.w + main.out.b` (`main.out.w` `[hidden, classes]`)
 *   and a softmax.
 * - Gater: gate pre-activations `a = tanh(x · gater.h.w + gater.h.b) · gater.w + gater.b`
 *   (`gater.h.w` `[input, gaterHidden]`, `gater.w` `[gaterHidden, hidden]`); with
 *   `gaterHidden = 0` it is linear, `a = x · gater.w + gater.b` (`gater.w` `[input, hidden]`).
 *   tanh keeps the gater's hidden layer bounded, so a few large inputs cannot saturate every gate.
 * - Gates `g ∈ [0, 1]^hidden`: binary `g = 1[u < σ(a)]` for the network estimators (REINFORCE
 *   family, straight-through, MuProp, ARM, DisARM, …; relaxed in (0, 1) for concrete), or the unit
 *   types of `src/core/units.ts`: `sts` (`g = b · sqrt(σ(a))`) and `noisy-rectifier`
 *   (`g = max(0, a + ε)`, values in [0, ∞)).
 *
 * Objective per example (maximised): `F = log softmax(logits)[y] − λ · mean_j g_j`, the sparsity
 * penalty λ (`sparsity`) charging the fraction of open gates. As a chain with one stochastic layer
 * (logits `a`, term `F`), the main network's parameters get the ordinary gradient of `F` at the
 * sampled gates and the gater's parameters the estimator's.
 *
 * `gater.b` starts at `gaterBias` (+2, σ(2) ≈ 0.88): with closed gates the main network receives
 * no gradient through its hidden units and every gate's learning signal is the same constant, so
 * training starts with most gates open and lets the penalty close them.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { randomSeed, uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { DEFAULT_NOISE, isUnitName, UNIT_NAMES, UNIT_TYPES, type UnitSettings } from '../core/units';
import { ArgumentError, checkInteger, messages } from '../errors';
import {
  DEFAULT_SETTINGS,
  NETWORK_ESTIMATOR_NAMES,
  networkEstimator,
  type EstimatorSettings,
  type NetworkEstimator,
} from '../estimators/layer';
import { isEstimatorName } from '../estimators/registry';
import { tileRows, type Chain } from './chain';
import { chainGradients } from './chain-gradients';
import { chainExact } from './chain-exact';
import type { GradientOptions, GradientResult, JsonValue, Model, NestedArray } from './model';
import { createBaselineStore } from './baseline-store';
import { checkPixels } from './check-pixels';
import { assignParameters, createParameters, dense, denseSpecs, disposeParameters, type Parameters, type ParameterSpec } from './parameters';

/** Every name `gradients`, `predict` and `evaluate` accept: the network estimators, then the unit types. */
export const GATING_ESTIMATOR_NAMES: readonly string[] = [...NETWORK_ESTIMATOR_NAMES, ...UNIT_NAMES];

/** Resolves a network estimator or unit type for the gates, or throws listing every valid name. */
export function gatingEstimator(name: unknown, argument = 'estimator'): NetworkEstimator {
  if (isUnitName(name)) return { kind: 'pathwise', name, sample: UNIT_TYPES[name] };
  if (isEstimatorName(name)) return networkEstimator(name, argument);
  throw new ArgumentError(argument, messages.unknownName('estimator', String(name), GATING_ESTIMATOR_NAMES));
}

export interface GatingConfig {
  /** Input features (784 for 28×28 digits). */
  input?: number;
  /** Main hidden units, one gate each (default 200). */
  hidden?: number;
  classes?: number;
  /** Hidden tanh units of the gater (default 50); 0 makes the gater linear. */
  gaterHidden?: number;
  /** λ ≥ 0 of the penalty `λ · mean_j g_j` (default `DEFAULT_SPARSITY`). */
  sparsity?: number;
  /** Initial value of every `gater.b` entry (default 2: gates start mostly open). */
  gaterBias?: number;
  /** Standard deviation of the noisy rectifier's noise (default 1). */
  noise?: number;
  /** Seed of the initial parameters. */
  seed?: number;
  /** Estimator settings (temperature, slope, decay, eta); defaults as `estimate`. */
  settings?: Partial<EstimatorSettings>;
}

export interface GatingBatch {
  /** Inputs `[n, input]`, float32. */
  images: tf.Tensor2D;
  /** Class labels `[n]`, int32 in `[0, classes)`. */
  labels: tf.Tensor1D;
}

export interface GatingSampleOptions {
  /** Seed of the gates' uniforms (stream 0 of it, as in `gradients` with one sample). */
  seed?: number;
  /** Which gates: a binary network estimator's name gives `1[u < σ(a)]`; a unit type its own forward. Default `reinforce`. */
  estimator?: string;
}

export interface GatingEvaluation {
  /** Fraction of examples misclassified with sampled gates. */
  error: number;
  /** Fraction of gate values > 0. */
  gatesOpen: number;
}

export interface GatingNet extends Model<GatingBatch> {
  readonly config: Readonly<Required<Omit<GatingConfig, 'settings'>>>;
  /** Exact expected objective per example `[n]` and its gradients, enumerating binary gates (`hidden ≤ 20`). */
  exact(batch: GatingBatch): { objective: tf.Tensor1D; gradients: Record<string, tf.Tensor> };
  /** Gate values `[n, hidden]` for `images`. */
  gates(images: tf.Tensor2D, options?: GatingSampleOptions): tf.Tensor2D;
  /** Predicted classes `[n]` (int32) with sampled gates. */
  predict(images: tf.Tensor2D, options?: GatingSampleOptions): tf.Tensor1D;
  evaluate(batch: GatingBatch, options?: GatingSampleOptions): GatingEvaluation;
  /** Moving-average baseline states of the baseline estimators. */
  getState(): JsonValue;
  setState(state: JsonValue): void;
  dispose(): void;
}

/**
 * λ: closing every gate is worth this many nats of log-likelihood per example. With 0.5, 1000
 * Adam steps (lr 1e-3, batches of 100) on 8000 digits leave 13–77% of the gates open at 6.5–8%
 * test error, depending on the estimator; λ = 2 closes most gates at a cost of 1–3 points.
 */
export const DEFAULT_SPARSITY = 0.5;

function checkConfig(config: GatingConfig): Required<Omit<GatingConfig, 'settings'>> {
  if (config == null || typeof config !== 'object') throw new ArgumentError('config', 'expected an object { input, hidden, classes, … }');
  const number = (name: keyof GatingConfig, fallback: number, min: number) => {
    const value = config[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      const expected = min === -Infinity ? 'a finite number' : `a finite number >= ${min}`;
      throw new ArgumentError(`config.${name}`, `expected ${expected}, got ${String(value)}`);
    }
    return value;
  };
  return {
    input: checkInteger('config.input', config.input ?? 784, 1),
    hidden: checkInteger('config.hidden', config.hidden ?? 200, 1),
    classes: checkInteger('config.classes', config.classes ?? 10, 2),
    gaterHidden: checkInteger('config.gaterHidden', config.gaterHidden ?? 50, 0),
    sparsity: number('sparsity', DEFAULT_SPARSITY, 0),
    gaterBias: number('gaterBias', 2, -Infinity),
    noise: number('noise', DEFAULT_NOISE, 0),
    seed: checkInteger('config.seed', config.seed ?? randomSeed(), 0),
  };
}

function gatingSpecs(input: number, hidden: number, classes: number, gaterHidden: number): ParameterSpec[] {
  const gater =
    gaterHidden > 0 ? [...denseSpecs('gater.h', input, gaterHidden), ...denseSpecs('gater', gaterHidden, hidden)] : denseSpecs('gater', input, hidden);
  return [...denseSpecs('main.h', input, hidden), ...denseSpecs('main.out', hidden, classes), ...gater];
}

function checkImages(argument: string, images: unknown, input: number): tf.Tensor2D {
  if (!(images instanceof tf.Tensor)) throw new ArgumentError(argument, `expected a tf.Tensor2D [n, ${input}], got ${typeof images}`);
  if (images.rank !== 2 || images.shape[1] !== input || images.shape[0] < 1) throw new ArgumentError(argument, messages.shape(`[n, ${input}]`, images.shape));
  if (images.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(images.dtype));
  return images as tf.Tensor2D;
}

function checkBatch(batch: GatingBatch, input: number, classes: number): void {
  if (batch == null || typeof batch !== 'object') throw new ArgumentError('batch', 'expected { images, labels }');
  const images = checkImages('batch.images', batch.images, input);
  const labels: unknown = batch.labels;
  const n = images.shape[0];
  if (!(labels instanceof tf.Tensor)) throw new ArgumentError('batch.labels', `expected an int32 tf.Tensor1D [${n}], got ${typeof labels}`);
  if (labels.rank !== 1 || labels.shape[0] !== n) throw new ArgumentError('batch.labels', messages.shape(`[${n}]`, labels.shape));
  if (labels.dtype !== 'int32') throw new ArgumentError('batch.labels', `expected dtype int32, got ${labels.dtype}`);
  const bad = (labels.dataSync() as Int32Array).find((y) => y < 0 || y >= classes);
  if (bad !== undefined) throw new ArgumentError('batch.labels', `expected class indices in [0, ${classes}), got ${bad}`);
}

/** Creates a gated classifier; see the module comment for the parameter names and shapes. */
export function createGatingNet(config: GatingConfig = {}): GatingNet {
  const resolved = checkConfig(config);
  const { input, hidden, classes, gaterHidden, sparsity, gaterBias, noise, seed } = resolved;
  const settings: EstimatorSettings & UnitSettings = { ...DEFAULT_SETTINGS, ...config.settings, noise };
  const parameters: Parameters = createParameters(gatingSpecs(input, hidden, classes, gaterHidden), seed);
  tf.tidy(() => parameters['gater.b'].assign(tf.fill([hidden], gaterBias)));
  const baselines = createBaselineStore();

  const gaterLogits = (x: tf.Tensor2D): tf.Tensor2D =>
    dense(parameters, 'gater', gaterHidden > 0 ? (tf.tanh(dense(parameters, 'gater.h', x)) as tf.Tensor2D) : x);
  const classLogits = (x: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor2D =>
    dense(parameters, 'main.out', tf.mul(tf.relu(dense(parameters, 'main.h', x)), gates) as tf.Tensor2D);

  const chainOf = ({ images, labels }: GatingBatch): Chain => ({
    input: images,
    units: [hidden],
    logits: (_, parent) => gaterLogits(parent),
    term: (_, parent, gates) => {
      const rows = parent.shape[0];
      const targets = tf.oneHot(tileRows(labels, rows), classes);
      const logLikelihood = tf.sum(tf.mul(tf.logSoftmax(classLogits(parent, gates)), targets), 1);
      return tf.sub(logLikelihood, tf.mul(sparsity, tf.mean(gates, 1))) as tf.Tensor1D;
    },
  });

  const sampleGates = (images: tf.Tensor2D, options: GatingSampleOptions): tf.Tensor2D => {
    const name = options.estimator ?? 'reinforce';
    gatingEstimator(name, 'options.estimator');
    const drawSeed = options.seed ?? randomSeed();
    checkInteger('options.seed', drawSeed, 0);
    return tf.tidy(() => {
      const a = gaterLogits(images);
      const u = uniformNoise(images.shape[0], hidden, deriveSeed(drawSeed, 0));
      return isUnitName(name) ? UNIT_TYPES[name](a, u, settings) : bernoulliFromNoise(a, u);
    });
  };

  const predictWith = (images: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor1D =>
    tf.argMax(classLogits(images, gates), 1) as tf.Tensor1D;

  return {
    config: resolved,
    parameters,
    setParameters: (values: Readonly<Record<string, tf.Tensor | NestedArray>>) => assignParameters(parameters, values),
    gradients(estimator: string, batch: GatingBatch, options: GradientOptions = {}): GradientResult {
      const network = gatingEstimator(estimator);
      checkBatch(batch, input, classes);
      checkPixels('x', batch.images);
      const samples = checkInteger('options.samples', options.samples ?? 1, 1);
      if (options.seed !== undefined) checkInteger('options.seed', options.seed, 0);
      const layerBaselines = baselines.layers(estimator, 1);
      return chainGradients(chainOf(batch), network, parameters, {
        samples,
        seed: options.seed ?? randomSeed(),
        settings,
        baselines: layerBaselines,
      });
    },
    exact(batch: GatingBatch) {
      checkBatch(batch, input, classes);
      const { expectation, logMeanExp, gradients } = chainExact(chainOf(batch), parameters);
      logMeanExp.dispose();
      return { objective: expectation, gradients };
    },
    gates(images: tf.Tensor2D, options: GatingSampleOptions = {}) {
      checkImages('images', images, input);
      return sampleGates(images, options);
    },
    predict(images: tf.Tensor2D, options: GatingSampleOptions = {}) {
      checkImages('images', images, input);
      const gates = sampleGates(images, options);
      const predicted = tf.tidy(() => predictWith(images, gates));
      gates.dispose();
      return predicted;
    },
    evaluate(batch: GatingBatch, options: GatingSampleOptions = {}) {
      checkBatch(batch, input, classes);
      const gates = sampleGates(batch.images, options);
      const [wrong, open] = tf.tidy(() => [
        tf.mean(tf.cast(tf.notEqual(predictWith(batch.images, gates), batch.labels), 'float32')),
        tf.mean(tf.cast(tf.greater(gates, 0), 'float32')),
      ]);
      const result = { error: wrong.dataSync()[0], gatesOpen: open.dataSync()[0] };
      tf.dispose([gates, wrong, open]);
      return result;
    },
    getState: () => baselines.getState(),
    setState: (state: JsonValue) => baselines.setState(state),
    dispose: () => disposeParameters(parameters),
  };
}
