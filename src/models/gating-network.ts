/**
 * The gated classifier's forward pass and its training objective (gating.ts has the model it
 * makes): the parameters, the gater's pre-activations, the gated experts and class logits, the
 * objective as a chain with one stochastic layer of gates (for `chainGradients` and `chainExact`),
 * and the sparsity penalties with their λ.
 */
import { estimatorParameterNames } from './estimator-parameters';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../errors';
import { DEFAULT_SETTINGS, type EstimatorSettings } from '../estimators/layer';
import { createBaselineStore } from './baseline-store';
import { tileRows, type Chain } from './chain';
import { gatingSpecs } from './gating-config';
import type { GatingBatch, GatingConfig, ResolvedGatingConfig } from './gating-types';
import { openProbability, penaltyProbability, type GateKind } from './gates';
import { inputBaseline, inputBaselineSpecs } from './input-baseline';
import { steinFunction, steinFunctionSpecs } from './stein-function';
import { createParameters, dense, type Parameters } from './parameters';
import { adaptedLambda, klToTarget, penaltyFor, type PenaltyKind } from './sparsity';
import type { UnitSettings } from './units';

/** The parts of one gated classifier that its gradients, evaluation and enumeration share. */
export interface GatingNetwork {
  resolved: ResolvedGatingConfig;
  settings: EstimatorSettings & UnitSettings;
  parameters: Parameters;
  /** The penalty weight: λ of the L1 penalties (moved by adaptive-l1), β of the KL. */
  lambda: tf.Variable;
  /** The moving-average baselines of the gater's estimators. */
  baselines: ReturnType<typeof createBaselineStore>;
  /** The weight matrices that max-norm bounds (the network's, not the estimator's baseline). */
  weightNames: string[];
  gaterLogits(x: tf.Tensor2D): tf.Tensor2D;
  classLogits(x: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor2D;
  /** The model as a chain over `batch`, with the L1 term when `l1`; `sts` enumerates STS gates' coins. */
  chainOf(batch: GatingBatch, l1: boolean, sts?: boolean): Chain;
  /** Which penalty trains gates of `kind` (an ArgumentError when the KL cannot). */
  penaltyOf(kind: GateKind): Exclude<PenaltyKind, 'paper'>;
  /** `objective − penalty` and `gradients − ∇penalty` (the inputs disposed or replaced). */
  subtractPenalty<T extends tf.Tensor>(
    objective: T,
    gradients: Record<string, tf.Tensor>,
    images: tf.Tensor2D,
    kind: GateKind,
  ): { objective: T; gradients: Record<string, tf.Tensor> };
  /** adaptive-l1: λ moved by the batch's fraction of open gates. */
  adaptLambda(images: tf.Tensor2D, kind: GateKind): void;
  dispose(): void;
}

/** Creates the parameters and the forward pass of a gated classifier with settings `resolved`. */
export function createGatingNetwork(resolved: ResolvedGatingConfig, config: GatingConfig): GatingNetwork {
  const { input, hidden, classes, gaterHidden, expert, penalty, sparsity, target, tolerance, lambdaRate } = resolved;
  const { gaterBias, noise, seed } = resolved;
  const settings: EstimatorSettings & UnitSettings = { ...DEFAULT_SETTINGS, ...config.settings, noise };
  const learned = resolved.inputBaseline;
  const parameters: Parameters = createParameters(
    [
      ...gatingSpecs(input, hidden, classes, gaterHidden),
      ...(learned ? inputBaselineSpecs(1, input) : []),
      ...(resolved.steinFunction ? steinFunctionSpecs(1) : []),
    ],
    seed,
  );
  tf.tidy(() => parameters['gater.b'].assign(tf.fill([hidden], gaterBias)));
  const gaterNames = Object.keys(parameters).filter((name) => name.startsWith('gater'));
  // Max-norm bounds the network's units, not the estimator's baseline.
  const ownNames = new Set(estimatorParameterNames(parameters));
  const weightNames = Object.keys(parameters).filter((name) => name.endsWith('.w') && !ownNames.has(name));
  const lambda = tf.tidy(() => tf.variable(tf.scalar(sparsity), false));

  const gaterLogits = (x: tf.Tensor2D): tf.Tensor2D =>
    dense(parameters, 'gater', gaterHidden > 0 ? (tf.tanh(dense(parameters, 'gater.h', x)) as tf.Tensor2D) : x);
  const experts = (x: tf.Tensor2D): tf.Tensor2D => {
    const h = dense(parameters, 'main.h', x);
    return expert === 'relu' ? tf.relu(h) : h;
  };
  const classLogits = (x: tf.Tensor2D, gates: tf.Tensor2D): tf.Tensor2D =>
    dense(parameters, 'main.out', tf.mul(experts(x), gates) as tf.Tensor2D);

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
   * `gateOf(z, parent)` turns the layer's draw into gate values (the draw itself, or STS's
   * `z · sqrt(σ(a))` for enumeration); the L1 term charges λ per gate.
   */
  const chainOf = ({ images, labels }: GatingBatch, l1: boolean, sts = false): Chain => ({
    ...(learned ? { baseline: () => inputBaseline(parameters, 0, images) } : {}),
    ...(resolved.steinFunction
      ? { stein: (l: number, inputs: tf.Tensor2D) => steinFunction(parameters, l, inputs) }
      : {}),
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

  const adaptLambda = (images: tf.Tensor2D, kind: GateKind) =>
    tf.tidy(() => {
      const fraction = tf.mean(openProbability(kind, gaterLogits(images), noise)) as tf.Scalar;
      lambda.assign(adaptedLambda(lambda, fraction, target, tolerance, lambdaRate));
    });

  return {
    resolved,
    settings,
    parameters,
    lambda,
    baselines: createBaselineStore(),
    weightNames,
    gaterLogits,
    classLogits,
    chainOf,
    penaltyOf,
    subtractPenalty,
    adaptLambda,
    dispose: () => lambda.dispose(),
  };
}
