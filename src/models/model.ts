/**
 * What every trainable model of stochgrad offers the training loop (`src/train`): named
 * parameters and a gradient estimate of its objective for one batch.
 *
 * Sign convention: models *maximise* their objective (an ELBO, a log-likelihood bound, a
 * negative loss). `gradients` returns the direction of ascent; optimisers step along it.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkEstimator } from '../estimators/layer';
import type { ResolvedEstimator } from '../estimators/registry';

/**
 * What `gradients` takes: a registered name, or the estimator its caller resolved once
 * (`networkEstimator`, `resolveEstimator`), so a training loop does not look the name up at every step.
 */
export type EstimatorArgument = string | NetworkEstimator | ResolvedEstimator;

/** A nested array of numbers (what `tensor.arraySync()` returns). */
export type NestedArray = number | NestedArray[];

export interface GradientOptions {
  /** Draws of the stochastic units per example (default 1; reinforce-loo needs >= 2). */
  samples?: number;
  /** Seed of every uniform drawn for this call; equal seeds give identical results. */
  seed?: number;
}

export interface GradientResult {
  /** The batch objective the gradients belong to (mean over examples and samples), a scalar. */
  objective: tf.Scalar;
  /** One tensor per parameter name, the same shape as the parameter: the ascent direction. */
  gradients: Record<string, tf.Tensor>;
  /**
   * With a variance-normalised estimator (nvil, muprop-c-vn): stochastic layer l's divisor
   * `s_l ≥ 1`; the gradients of the parameters of layer l's logits are the unbiased estimate over s_l.
   */
  scales?: number[];
}

/** A JSON value: what `getState` returns and checkpoints store. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A model the training loop can fit. `Batch` is what one step consumes. */
export interface Model<Batch> {
  /**
   * Names the kind of model and its configuration (e.g. `toy p0=0.49 units=1`); a checkpoint
   * refuses to resume into a model whose signature (or parameter names and shapes) differ.
   */
  readonly signature?: string;
  /** Every trainable parameter by its documented name. */
  readonly parameters: Readonly<Record<string, tf.Variable>>;
  /**
   * Parameters the estimator owns rather than the objective (a learned input-dependent baseline):
   * the objective does not depend on them, and their "gradient" is the estimator's own training step.
   */
  readonly estimatorParameters?: readonly string[];
  /** Overwrites parameters by name; every shape is checked and errors name the parameter. */
  setParameters(values: Readonly<Record<string, tf.Tensor | NestedArray>>): void;
  /** Estimated gradient of the batch objective with `estimator`; the caller disposes the result. */
  gradients(estimator: EstimatorArgument, batch: Batch, options?: GradientOptions): GradientResult;
  /**
   * State other than parameters that `gradients` carries from call to call (e.g. the moving
   * averages of reinforce-ema's baseline), as plain JSON; checkpoints save and restore it.
   */
  getState?(): JsonValue;
  /** Restores what `getState` returned; a malformed state is an ArgumentError. */
  setState?(state: JsonValue): void;
  /** Called by the training loop after every optimiser step, e.g. to project parameters onto a constraint (max-norm). */
  afterStep?(): void;
}
