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
 *
 * The model is assembled here from gating-config.ts (settings and input checks),
 * gating-network.ts (the forward pass, the chain and the penalties), gating-evaluation.ts (gates
 * outside training and the evaluation) and gating-exact.ts (enumeration).
 */
import { estimatorParameterNames } from './estimator-parameters';
import * as tf from '@tensorflow/tfjs';
import { randomSeed } from '../core/random';
import { ArgumentError, checkInteger } from '../errors';
import { chainGradients } from './chain-gradients';
import { checkBatch, checkImages, gatingEstimator, resolveGatingConfig } from './gating-config';
import { exactGating } from './gating-exact';
import { evaluateGates, gateThreshold, sampleGates } from './gating-evaluation';
import { createGatingNetwork } from './gating-network';
import type { GatingBatch, GatingConfig, GatingNet, GatingSampleOptions } from './gating-types';
import { gateKind } from './gates';
import { checkPixels } from './check-pixels';
import type { EstimatorArgument, GradientOptions, GradientResult, JsonValue, NestedArray } from './model';
import { assignParameters, disposeParameters } from './parameters';

export { DEFAULT_SPARSITY, DEFAULT_TARGET, GATING_ESTIMATOR_NAMES, gatingEstimator } from './gating-config';
export { EXPERT_KINDS } from './gating-types';
export type {
  ExpertKind,
  GatingBatch,
  GatingConfig,
  GatingEvaluation,
  GatingNet,
  GatingSampleOptions,
} from './gating-types';

/** `W ← W · min(1, c / ‖W[:, j]‖)` for every column j: each unit's incoming weights within norm c. */
function projectColumns(w: tf.Variable, c: number): void {
  tf.tidy(() => {
    const norms = tf.sqrt(tf.sum(tf.square(w), 0));
    w.assign(tf.mul(w, tf.minimum(1, tf.div(c, tf.maximum(norms, c * 1e-12)))));
  });
}

/** Creates a gated classifier; see the module comment for the parameter names and shapes. */
export function createGatingNet(config: GatingConfig = {}): GatingNet {
  const resolved = resolveGatingConfig(config);
  const { input, classes, penalty, sparsity, target, tolerance, lambdaRate, maxNorm, noise, expert } = resolved;
  const network = createGatingNetwork(resolved, config);
  const { parameters, lambda, baselines } = network;
  const signature =
    `gating expert=${expert} penalty=${penalty} sparsity=${sparsity} target=${target} tolerance=${tolerance} ` +
    `lambdaRate=${lambdaRate} maxNorm=${maxNorm} noise=${noise} generative=${resolved.generativeDraws}`;

  return {
    config: resolved,
    estimatorParameters: estimatorParameterNames(parameters),
    signature,
    parameters,
    setParameters: (values: Readonly<Record<string, tf.Tensor | NestedArray>>) => assignParameters(parameters, values),
    gradients(estimator: EstimatorArgument, batch: GatingBatch, options: GradientOptions = {}): GradientResult {
      const gater = gatingEstimator(estimator);
      checkBatch(batch, input, classes);
      checkPixels('x', batch.images);
      const samples = checkInteger('options.samples', options.samples ?? 1, 1);
      if (options.seed !== undefined) checkInteger('options.seed', options.seed, 0);
      const kind = gateKind(gater.name);
      const used = network.penaltyOf(kind);
      const result = chainGradients(network.chainOf(batch, used !== 'kl'), gater, parameters, {
        samples,
        seed: options.seed ?? randomSeed(),
        settings: network.settings,
        baselines: baselines.layers(gater.name, 1),
        generativeDraws: resolved.generativeDraws,
      });
      if (used === 'adaptive-l1') network.adaptLambda(batch.images, kind);
      return used === 'kl' ? network.subtractPenalty(result.objective, result.gradients, batch.images, kind) : result;
    },
    exact(batch: GatingBatch, options: { estimator?: string } = {}) {
      checkBatch(batch, input, classes);
      return exactGating(network, batch, options.estimator);
    },
    preActivations(images: tf.Tensor2D) {
      checkImages('images', images, input);
      return tf.tidy(() => network.gaterLogits(images));
    },
    threshold(images: tf.Tensor2D, fraction = target) {
      checkImages('images', images, input);
      return gateThreshold(network, images, fraction);
    },
    gates(images: tf.Tensor2D, options: GatingSampleOptions = {}) {
      checkImages('images', images, input);
      return sampleGates(network, images, options);
    },
    predict(images: tf.Tensor2D, options: GatingSampleOptions = {}) {
      checkImages('images', images, input);
      const gates = sampleGates(network, images, options);
      const predicted = tf.tidy(() => tf.argMax(network.classLogits(images, gates), 1) as tf.Tensor1D);
      gates.dispose();
      return predicted;
    },
    evaluate(batch: GatingBatch, options: GatingSampleOptions = {}) {
      checkBatch(batch, input, classes);
      return evaluateGates(network, batch, options);
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
      for (const name of network.weightNames) projectColumns(parameters[name], maxNorm);
    },
    dispose: () => {
      disposeParameters(parameters);
      network.dispose();
    },
  };
}
