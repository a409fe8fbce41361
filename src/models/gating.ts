/**
 * Conditional computation (Bengio, Léonard & Courville 2013, section 5): a classifier whose
 * hidden units ("experts") are switched on and off, per input, by stochastic gates from a gater
 * network.
 *
 * - Main network: experts `h = act(x · main.h.w + main.h.b)` (`main.h.w` `[input, hidden]`), with
 *   `act` relu (`expert: 'relu'`, the default) or the identity (`'linear'`, the paper's), gated
 *   `h ⊙ g`, then `logits = (h ⊙ g) · main.out.w + main.out.b` (`main.out.w` `[hidden, classes]`)
 *   and a softmax.
 * - Gater: gate pre-activations `a = tanh(x · gater.h.w + gater.h.b) · gater.w + gater.b`
 *   (`gater.h.w` `[input, gaterHidden]`, `gater.w` `[gaterHidden, hidden]`); with
 *   `gaterHidden = 0` it is linear, `a = x · gater.w + gater.b` (`gater.w` `[input, hidden]`).
 *   tanh keeps the gater's hidden layer bounded, so a few large inputs cannot saturate every gate.
 * - Gates `g ∈ [0, ∞)^hidden`: binary `g = 1[u < σ(a)]` for the network estimators (REINFORCE
 *   family, straight-through, MuProp, ARM, DisARM, …; relaxed in (0, 1) for concrete), or the unit
 *   types of `src/models/units.ts`: `sts` (`g = b · sqrt(σ(a))`), `noisy-rectifier`
 *   (`g = max(0, a + ε)`) and `rectifier` (`g = max(0, a)`). At test time the gates may instead be
 *   deterministic (`options.threshold`, see gates.ts): a gate is on when its pre-activation exceeds
 *   a threshold chosen so that a target fraction is on (`threshold()`), and then takes its mean
 *   value when open, `E[g | g > 0, a]` (1 for binary gates).
 *
 * Objective (maximised): `log softmax(logits)[y]` per example minus a sparsity penalty
 * (sparsity.ts): `λ · mean_j g_j` with a fixed λ (`penalty: 'l1'`, the default) or an adaptive
 * one (`'adaptive-l1'`, moved after each step to keep a fraction `target` of the gates open), or
 * the batch's `β · Σ_j KL(target ‖ mean_i p_ij)` with p the sigmoid probability `σ(a)` (`'kl'`);
 * `'paper'` uses KL for
 * sigmoid-probability gates and adaptive L1 for rectifier gates. As a chain with one stochastic
 * layer (logits `a`), the main network's parameters get the ordinary gradient at the sampled gates,
 * the gater's the estimator's; the KL term is a deterministic function of the gater and gets its
 * exact gradient. `maxNorm` bounds the norm of every unit's incoming weights (each column of every
 * `.w`), projected after each training step (`afterStep`).
 *
 * The paper's settings (experiments/gating-mnist.json; docs/models-and-training.md, "Bengio et
 * al.'s conditional computation at the paper's settings"): `hidden` 2000, `gaterHidden` 400, `expert: 'linear'`,
 * `penalty: 'paper'`, `target` 0.1, `maxNorm` 2, `noise` 1. Not stated by the paper, our choices:
 * the KL's weight and the adaptive λ's start (`sparsity`), its step (`lambdaRate`, 1%), the KL on
 * the sigmoid probability (sparsity.ts), the test-time gates' values (gates.ts), max-norm on every
 * weight matrix and on no bias.
 *
 * `gater.b` starts at `gaterBias` (+2, σ(2) ≈ 0.88): with closed gates the main network receives
 * no gradient through its experts and every gate's learning signal is the same constant, so
 * training starts with most gates open and lets the penalty close them.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { randomSeed, uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { DEFAULT_NOISE, isUnitName, UNIT_NAMES, UNIT_TYPES, type UnitSettings } from '../models/units';
import { ArgumentError, checkFlag, checkInteger, messages } from '../errors';
import {
  DEFAULT_SETTINGS,
  NETWORK_ESTIMATOR_NAMES,
  networkEstimator,
  type EstimatorSettings,
  type NetworkEstimator,
} from '../estimators/layer';
import { isEstimatorName } from '../estimators/registry';
import { tileRows, type Chain } from './chain';
import { chainGradients, checkGenerativeDraws, type GenerativeDraws } from './chain-gradients';
import { chainExact } from './chain-exact';
import {
  gateKind,
  openProbability,
  penaltyProbability,
  testGates,
  thresholdFor,
  topKGates,
  type GateKind,
} from './gates';
import type { GradientOptions, GradientResult, JsonValue, Model, NestedArray } from './model';
import { createBaselineStore } from './baseline-store';
import { checkPixels } from './check-pixels';
import { inputBaseline, inputBaselineNames, inputBaselineSpecs } from './input-baseline';
import {
  assignParameters,
  createParameters,
  dense,
  denseSpecs,
  disposeParameters,
  type Parameters,
  type ParameterSpec,
} from './parameters';
import { adaptedLambda, klToTarget, PENALTY_KINDS, penaltyFor, type PenaltyKind } from './sparsity';

export const GATING_ESTIMATOR_NAMES: readonly string[] = [...NETWORK_ESTIMATOR_NAMES, ...UNIT_NAMES];

/** Resolves a network estimator or unit type for the gates, or throws listing every valid name. */
export function gatingEstimator(name: unknown, argument = 'estimator'): NetworkEstimator {
  if (isUnitName(name)) return { kind: 'pathwise', name, sample: UNIT_TYPES[name] };
  if (isEstimatorName(name)) return networkEstimator(name, argument);
  throw new ArgumentError(argument, messages.unknownName('estimator', String(name), GATING_ESTIMATOR_NAMES));
}

export type ExpertKind = 'relu' | 'linear';
export const EXPERT_KINDS: readonly ExpertKind[] = ['relu', 'linear'];

export interface GatingConfig {
  /** Input features (784 for 28×28 digits). */
  input?: number;
  /** Experts of the main network, one gate each (default 200; the paper 2000). */
  hidden?: number;
  classes?: number;
  /** Hidden tanh units of the gater (default 50; the paper 400); 0 makes the gater linear. */
  gaterHidden?: number;
  /** The experts' activation: relu (default) or linear (the paper). */
  expert?: ExpertKind;
  /** The sparsity penalty (sparsity.ts): l1 (default), kl, adaptive-l1 or paper. */
  penalty?: PenaltyKind;
  /** Weight ≥ 0 of the penalty: λ of l1 (the start of adaptive-l1's λ), β of kl (default `DEFAULT_SPARSITY`). */
  sparsity?: number;
  /** Target fraction of open gates, in (0, 1), of kl, adaptive-l1 and `threshold()` (default 0.1). */
  target?: number;
  /** Half-width of adaptive-l1's band around the target (default 0.01). */
  tolerance?: number;
  /** adaptive-l1 multiplies or divides λ by `1 + lambdaRate` at each step outside the band (default 0.01). */
  lambdaRate?: number;
  /** Largest norm of any unit's incoming weight vector, enforced after each step (default Infinity: none; the paper 2). */
  maxNorm?: number;
  /** Initial value of every `gater.b` entry (default 2: gates start mostly open). */
  gaterBias?: number;
  /** Standard deviation of the noisy rectifier's noise (default 1). */
  noise?: number;
  /** Seed of the initial parameters. */
  seed?: number;
  /** Estimator settings (temperature, slope, decay, eta); defaults as `estimate`. */
  settings?: Partial<EstimatorSettings>;
  /**
   * Which draw of the gates the main network's gradient comes from under a score-function-family
   * gater estimator: `'independent'` (default; one draw of its own) or `'shared'` (the estimator's).
   */
  generativeDraws?: GenerativeDraws;
  /** A learned input-dependent baseline `b(x)` for the gater (input-baseline.ts), which nvil and muprop-c-idb need. Default false. */
  inputBaseline?: boolean;
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
  /** Deterministic test-time gates of that kind, on where `a > threshold` (gates.ts), instead of sampled ones. */
  threshold?: number;
  /**
   * Deterministic test-time gates with each example's own top `round(topFraction · hidden)`
   * pre-activations on (at least one), instead of one threshold for all (gates.ts `topKGates`).
   */
  topFraction?: number;
}

export interface GatingEvaluation {
  /** Fraction of examples misclassified with these gates. */
  error: number;
  /** Fraction of gate values > 0. */
  gatesOpen: number;
  /** Mean negative log-likelihood `−log p(y | x, g)` (no penalty). */
  nll: number;
  /** Fraction of examples with no gate > 0. */
  zeroGates: number;
}

export interface GatingNet extends Model<GatingBatch> {
  readonly config: Readonly<Required<Omit<GatingConfig, 'settings'>>>;
  readonly estimatorParameters: readonly string[];
  readonly signature: string;
  /**
   * Exact expected objective per example `[n]` (the penalty included) and its gradients,
   * enumerating the gates' coins (`hidden ≤ 20`): binary gates, or STS gates with
   * `estimator: 'sts'` (their Bernoulli parts; the smooth factor is deterministic).
   */
  exact(
    batch: GatingBatch,
    options?: { estimator?: string },
  ): { objective: tf.Tensor1D; gradients: Record<string, tf.Tensor> };
  /** The gates' pre-activations `a`, `[n, hidden]`. */
  preActivations(images: tf.Tensor2D): tf.Tensor2D;
  /** The test-time threshold with a fraction `fraction` (default `config.target`) of the gates of `images` on. */
  threshold(images: tf.Tensor2D, fraction?: number): number;
  /** Gate values `[n, hidden]` for `images`. */
  gates(images: tf.Tensor2D, options?: GatingSampleOptions): tf.Tensor2D;
  /** Predicted classes `[n]` (int32) with sampled (or test-time) gates. */
  predict(images: tf.Tensor2D, options?: GatingSampleOptions): tf.Tensor1D;
  evaluate(batch: GatingBatch, options?: GatingSampleOptions): GatingEvaluation;
  /** The penalty weight now: λ (moved by adaptive-l1 after every step), or β. */
  lambda(): number;
  /** Moving-average baseline states and the adaptive λ. */
  getState(): JsonValue;
  setState(state: JsonValue): void;
  /** The max-norm projection (nothing when `maxNorm` is Infinity). */
  afterStep(): void;
  dispose(): void;
}

/**
 * λ: closing every gate is worth this many nats of log-likelihood per example. With 0.5, 1000
 * Adam steps (lr 1e-3, batches of 100) on 8000 digits leave 13–77% of the gates open at 6.5–8%
 * test error, depending on the estimator; λ = 2 closes most gates at a cost of 1–3 points.
 */
export const DEFAULT_SPARSITY = 0.5;
/** The paper's target: a gate is non-zero 10% of the time. */
export const DEFAULT_TARGET = 0.1;
/** Rows per chunk of `evaluate`. */
const EVALUATION_ROWS = 250;

type ResolvedConfig = Required<Omit<GatingConfig, 'settings'>>;
type CheckedNumbers = Omit<ResolvedConfig, 'generativeDraws' | 'inputBaseline'>;

function checkConfig(config: GatingConfig): ResolvedConfig {
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
  };
}

function gatingSpecs(input: number, hidden: number, classes: number, gaterHidden: number): ParameterSpec[] {
  const gater =
    gaterHidden > 0
      ? [...denseSpecs('gater.h', input, gaterHidden), ...denseSpecs('gater', gaterHidden, hidden)]
      : denseSpecs('gater', input, hidden);
  return [...denseSpecs('main.h', input, hidden), ...denseSpecs('main.out', hidden, classes), ...gater];
}

function checkImages(argument: string, images: unknown, input: number): tf.Tensor2D {
  if (!(images instanceof tf.Tensor))
    throw new ArgumentError(argument, `expected a tf.Tensor2D [n, ${input}], got ${typeof images}`);
  if (images.rank !== 2 || images.shape[1] !== input || images.shape[0] < 1)
    throw new ArgumentError(argument, messages.shape(`[n, ${input}]`, images.shape));
  if (images.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(images.dtype));
  return images as tf.Tensor2D;
}

function checkBatch(batch: GatingBatch, input: number, classes: number): void {
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

/** `W ← W · min(1, c / ‖W[:, j]‖)` for every column j: each unit's incoming weights within norm c. */
function projectColumns(w: tf.Variable, c: number): void {
  tf.tidy(() => {
    const norms = tf.sqrt(tf.sum(tf.square(w), 0));
    w.assign(tf.mul(w, tf.minimum(1, tf.div(c, tf.maximum(norms, c * 1e-12)))));
  });
}

/** Creates a gated classifier; see the module comment for the parameter names and shapes. */
export function createGatingNet(config: GatingConfig = {}): GatingNet {
  const resolved = checkConfig(config);
  const {
    input,
    hidden,
    classes,
    gaterHidden,
    expert,
    penalty,
    sparsity,
    target,
    tolerance,
    lambdaRate,
    maxNorm,
    gaterBias,
    noise,
    seed,
    generativeDraws,
  } = resolved;
  const settings: EstimatorSettings & UnitSettings = { ...DEFAULT_SETTINGS, ...config.settings, noise };
  const learned = resolved.inputBaseline;
  const parameters: Parameters = createParameters(
    [...gatingSpecs(input, hidden, classes, gaterHidden), ...(learned ? inputBaselineSpecs(1, input) : [])],
    seed,
  );
  tf.tidy(() => parameters['gater.b'].assign(tf.fill([hidden], gaterBias)));
  const gaterNames = Object.keys(parameters).filter((name) => name.startsWith('gater'));
  // Max-norm bounds the network's units, not the estimator's baseline.
  const ownNames = new Set(inputBaselineNames(parameters));
  const weightNames = Object.keys(parameters).filter((name) => name.endsWith('.w') && !ownNames.has(name));
  const baselines = createBaselineStore();
  const lambda = tf.tidy(() => tf.variable(tf.scalar(sparsity), false));

  const gaterLogits = (x: tf.Tensor2D): tf.Tensor2D =>
    dense(parameters, 'gater', gaterHidden > 0 ? (tf.tanh(dense(parameters, 'gater.h', x)) as tf.Tensor2D) : x);
  const experts = (x: tf.Tensor2D): tf.Tensor2D => {
    const h = dense(parameters, 'main.h', x);
    return expert === 'relu' ? tf.relu(h) : h;
  };
  const classLogits = (x: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor2D =>
    dense(parameters, 'main.out', tf.mul(experts(x), gates) as tf.Tensor2D);

  /** Which penalty trains gates of `kind`; the KL needs a differentiable `P(g > 0)`. */
  const penaltyOf = (kind: GateKind) => {
    const resolvedPenalty = penaltyFor(penalty, kind);
    if (resolvedPenalty === 'kl' && (kind === 'rectifier' || (kind === 'noisy-rectifier' && noise === 0))) {
      throw new ArgumentError(
        'estimator',
        `the kl penalty needs gates whose P(g > 0) is differentiable; ${kind} gates need penalty l1, adaptive-l1 or paper`,
      );
    }
    return resolvedPenalty;
  };

  /**
   * The model as a chain over `batch`. `gateOf(z, parent)` turns the layer's draw into gate values
   * (the draw itself, or STS's `z · sqrt(σ(a))` for enumeration); the L1 term charges λ per gate.
   */
  const chainOf = ({ images, labels }: GatingBatch, l1: boolean, sts = false): Chain => ({
    ...(learned ? { baseline: () => inputBaseline(parameters, 0, images) } : {}),
    input: images,
    units: [hidden],
    logits: (_, parent) => {
      const a = gaterLogits(parent);
      if (!sts) return a;
      // b ~ Bernoulli(sqrt(σ(a))): logit of sqrt(σ(a)) = log p − log(1 − p) with log p = log σ(a) / 2
      // (not tf.logSigmoid: its gradient reads an input the tape has already freed).
      const logP = tf.mul(-0.5, tf.softplus(tf.neg(a)));
      return tf.sub(logP, tf.log1p(tf.neg(tf.exp(logP)))) as tf.Tensor2D;
    },
    term: (_, parent, z) => {
      const rows = parent.shape[0];
      const gates = sts ? (tf.mul(z, tf.sqrt(tf.sigmoid(gaterLogits(parent)))) as tf.Tensor2D) : z;
      const targets = tf.oneHot(tileRows(labels, rows), classes);
      const logLikelihood = tf.sum(tf.mul(tf.logSoftmax(classLogits(parent, gates)), targets), 1) as tf.Tensor1D;
      return l1 ? (tf.sub(logLikelihood, tf.mul(lambda, tf.mean(gates, 1))) as tf.Tensor1D) : logLikelihood;
    },
  });

  /** `β · Σ_j KL(ρ ‖ ρ̂_j)` of `images` and its gradient for the gater's parameters. */
  const klPenalty = (images: tf.Tensor2D, kind: GateKind) =>
    tf.variableGrads(
      () => tf.mul(sparsity, klToTarget(penaltyProbability(kind, gaterLogits(images), noise), target)) as tf.Scalar,
      gaterNames.map((name) => parameters[name]),
    );

  /** `objective − penalty` and `gradients − ∇penalty` (the penalty's tensors disposed, the inputs replaced). */
  const subtractPenalty = <T extends tf.Tensor>(
    objective: T,
    gradients: Record<string, tf.Tensor>,
    images: tf.Tensor2D,
    kind: GateKind,
  ) => {
    const { value, grads } = klPenalty(images, kind);
    const out = { objective: tf.sub(objective, value) as T, gradients: { ...gradients } };
    for (const name of gaterNames) {
      out.gradients[name] = tf.sub(gradients[name], grads[parameters[name].name]);
      gradients[name].dispose();
    }
    tf.dispose([objective, value, ...Object.values(grads)]);
    return out;
  };

  /** adaptive-l1: λ moved by the batch's fraction of open gates `mean P(g > 0 | a)`. */
  const adaptLambda = (images: tf.Tensor2D, kind: GateKind) =>
    tf.tidy(() => {
      const fraction = tf.mean(openProbability(kind, gaterLogits(images), noise)) as tf.Scalar;
      lambda.assign(adaptedLambda(lambda, fraction, target, tolerance, lambdaRate));
    });

  /** The gates' source: the test-time threshold, or the uniforms of every row (one seed for the whole batch). */
  const gateSource = (
    rows: number,
    options: GatingSampleOptions,
  ): { name: string; threshold?: number; topK?: number; u?: tf.Tensor2D } => {
    const name = options.estimator ?? 'reinforce';
    gatingEstimator(name, 'options.estimator');
    if (options.topFraction !== undefined) {
      const fraction = options.topFraction;
      if (options.threshold !== undefined)
        throw new ArgumentError('options.topFraction', 'give either threshold or topFraction, not both');
      if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1))
        throw new ArgumentError('options.topFraction', `expected a fraction in (0, 1], got ${String(fraction)}`);
      return { name, topK: Math.max(1, Math.round(fraction * hidden)) };
    }
    if (options.threshold !== undefined) {
      if (typeof options.threshold !== 'number' || Number.isNaN(options.threshold)) {
        throw new ArgumentError('options.threshold', `expected a number, got ${String(options.threshold)}`);
      }
      return { name, threshold: options.threshold };
    }
    const drawSeed = options.seed ?? randomSeed();
    checkInteger('options.seed', drawSeed, 0);
    return { name, u: uniformNoise(rows, hidden, deriveSeed(drawSeed, 0)) };
  };

  /** Gate values of `images` from a source (u: the rows' uniforms, as many rows as images). */
  const gatesFrom = (
    images: tf.Tensor2D,
    name: string,
    source: { threshold?: number; topK?: number },
    u: tf.Tensor2D | undefined,
  ): tf.Tensor2D =>
    tf.tidy(() => {
      const a = gaterLogits(images);
      if (source.topK !== undefined) return topKGates(gateKind(name), a, source.topK, noise);
      if (source.threshold !== undefined) return testGates(gateKind(name), a, source.threshold, noise);
      return isUnitName(name) ? UNIT_TYPES[name](a, u!, settings) : bernoulliFromNoise(a, u!);
    });

  const sampleGates = (images: tf.Tensor2D, options: GatingSampleOptions): tf.Tensor2D => {
    const { name, u, ...source } = gateSource(images.shape[0], options);
    const gates = gatesFrom(images, name, source, u);
    u?.dispose();
    return gates;
  };

  const predictWith = (images: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor1D =>
    tf.argMax(classLogits(images, gates), 1) as tf.Tensor1D;

  const signature =
    `gating expert=${expert} penalty=${penalty} sparsity=${sparsity} target=${target} tolerance=${tolerance} ` +
    `lambdaRate=${lambdaRate} maxNorm=${maxNorm} noise=${noise} generative=${generativeDraws}`;

  return {
    config: resolved,
    estimatorParameters: inputBaselineNames(parameters),
    signature,
    parameters,
    setParameters: (values: Readonly<Record<string, tf.Tensor | NestedArray>>) => assignParameters(parameters, values),
    gradients(estimator: string, batch: GatingBatch, options: GradientOptions = {}): GradientResult {
      const network = gatingEstimator(estimator);
      checkBatch(batch, input, classes);
      checkPixels('x', batch.images);
      const samples = checkInteger('options.samples', options.samples ?? 1, 1);
      if (options.seed !== undefined) checkInteger('options.seed', options.seed, 0);
      const kind = gateKind(estimator);
      const used = penaltyOf(kind);
      const layerBaselines = baselines.layers(estimator, 1);
      const result = chainGradients(chainOf(batch, used !== 'kl'), network, parameters, {
        samples,
        seed: options.seed ?? randomSeed(),
        settings,
        baselines: layerBaselines,
        generativeDraws,
      });
      if (used === 'adaptive-l1') adaptLambda(batch.images, kind);
      return used === 'kl' ? subtractPenalty(result.objective, result.gradients, batch.images, kind) : result;
    },
    exact(batch: GatingBatch, options: { estimator?: string } = {}) {
      checkBatch(batch, input, classes);
      const name = options.estimator ?? 'reinforce';
      gatingEstimator(name, 'options.estimator');
      const kind = gateKind(name);
      if (kind !== 'binary' && kind !== 'sts')
        throw new ArgumentError(
          'options.estimator',
          `${kind} gates are not binary: their expectation cannot be enumerated`,
        );
      const used = penaltyOf(kind);
      const { expectation, logMeanExp, gradients } = chainExact(
        chainOf(batch, used !== 'kl', kind === 'sts'),
        parameters,
      );
      logMeanExp.dispose();
      if (used !== 'kl') return { objective: expectation, gradients };
      const out = subtractPenalty(expectation, gradients, batch.images, kind);
      return { objective: out.objective, gradients: out.gradients };
    },
    preActivations(images: tf.Tensor2D) {
      checkImages('images', images, input);
      return tf.tidy(() => gaterLogits(images));
    },
    threshold(images: tf.Tensor2D, fraction = target) {
      checkImages('images', images, input);
      if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1))
        throw new ArgumentError('fraction', `expected a number in [0, 1], got ${String(fraction)}`);
      const a = tf.tidy(() => gaterLogits(images));
      const scores = a.dataSync();
      a.dispose();
      return thresholdFor(scores, fraction);
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
      const n = batch.images.shape[0];
      const { name, u, ...source } = gateSource(n, options);
      // In chunks of rows: a unit type's ops on 1,000 × 2,000 gates at once peak at half a gigabyte.
      const sums = { wrong: 0, open: 0, logLikelihood: 0, closed: 0 };
      try {
        for (let start = 0; start < n; start += EVALUATION_ROWS) {
          const rows = Math.min(EVALUATION_ROWS, n - start);
          const chunk = tf.tidy(() => {
            const images = tf.slice(batch.images, [start, 0], [rows, -1]) as tf.Tensor2D;
            const labels = tf.slice(batch.labels, [start], [rows]);
            const gates = gatesFrom(images, name, source, u && (tf.slice(u, [start, 0], [rows, -1]) as tf.Tensor2D));
            const logits = classLogits(images, gates);
            return tf.stack([
              tf.sum(tf.cast(tf.notEqual(tf.argMax(logits, 1), labels), 'float32')),
              tf.sum(tf.cast(tf.greater(gates, 0), 'float32')),
              tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, classes))),
              tf.sum(tf.cast(tf.equal(tf.max(gates, 1), 0), 'float32')),
            ]);
          });
          const [wrong, open, logLikelihood, closed] = chunk.dataSync();
          chunk.dispose();
          sums.wrong += wrong;
          sums.open += open;
          sums.logLikelihood += logLikelihood;
          sums.closed += closed;
        }
      } finally {
        u?.dispose();
      }
      return {
        error: sums.wrong / n,
        gatesOpen: sums.open / (n * hidden),
        nll: -sums.logLikelihood / n,
        zeroGates: sums.closed / n,
      };
    },
    lambda: () => lambda.dataSync()[0],
    getState: () => ({ ...(baselines.getState() as { baselines: JsonValue }), lambda: lambda.dataSync()[0] }),
    setState(state: JsonValue) {
      baselines.setState(state);
      const saved = (state as { lambda?: unknown }).lambda;
      if (saved === undefined) return;
      if (typeof saved !== 'number' || !Number.isFinite(saved) || saved < 0)
        throw new ArgumentError('state.lambda', `expected a finite number >= 0, got ${String(saved)}`);
      tf.tidy(() => lambda.assign(tf.scalar(saved)));
    },
    afterStep() {
      if (maxNorm === Infinity) return;
      for (const name of weightNames) projectColumns(parameters[name], maxNorm);
    },
    dispose: () => {
      disposeParameters(parameters);
      lambda.dispose();
    },
  };
}
