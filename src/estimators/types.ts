/** The contract shared by every estimator. */
import * as tf from '@tensorflow/tfjs';
import type { CheckedObjective } from './objective';

/**
 * Running state of a moving-average baseline, carried from one `estimate` call to the next
 * (a training loop passes the returned state back in). Plain numbers, no tensors.
 */
export interface BaselineState {
  /** Exponential moving average of the numerator (f, or `(z_i − σ_i)^2 f` per unit). */
  numerator: number[];
  /** Moving average of the denominator (1 for the plain mean, `(z_i − σ_i)^2` per unit). */
  denominator: number[];
  /** Moving average of the squared centred signal (variance normalisation: nvil, muprop-c-vn). */
  variance?: number[];
}

export interface EstimateOptions {
  /**
   * Draws per group (rows of `perSample` per group). Estimators that use one draw each give
   * `samples` independent estimates; multi-sample ones (leave-one-out, ARMS, …) couple the draws of
   * a group, and the mean of a group's rows is one estimate.
   */
  samples: number;
  /**
   * Independent groups of `samples` draws in this call (default 1): `perSample` has
   * `samples × groups` rows, row r belonging to group `r mod groups`, and `groupMeans` gives one
   * estimate per group. Baselines never mix groups (they are the examples of a network's batch).
   */
  groups?: number;
  /** Seed for the uniforms when `noise` is not given; equal seeds give identical results. */
  seed?: number;
  /** Explicit uniforms `u` in (0, 1), shape `[samples × groups, d]` (common random numbers). */
  noise?: tf.Tensor2D;
  /** REBAR's second set of uniforms `v`, shape `[samples, d]`; drawn from `seed` when absent. */
  conditionalNoise?: tf.Tensor2D;
  /** Relaxation temperature τ > 0 (concrete, gumbel-st, rebar). Default 0.5. */
  temperature?: number;
  /** Slope s > 0 of the annealed sigmoid `σ(s φ)` (st-annealed). Default 1. */
  slope?: number;
  /** Moving-average decay in (0, 1) of the baselines (reinforce-ema, reinforce-optimal). Default 0.9. */
  decay?: number;
  /** Baseline state from an earlier call (reinforce-ema, reinforce-optimal). */
  baseline?: BaselineState;
  /** Scale η of REBAR's control variate. Default 1. */
  eta?: number;
  /** RELAX's differentiable surrogate `c`, evaluated on relaxed samples `[n, d]` → `[n]`. */
  surrogate?: (relaxed: tf.Tensor2D) => tf.Tensor1D;
  /**
   * The learned input-dependent baseline's value b(x) for this problem (nvil, muprop-c-idb):
   * one number, the same for every draw (default 0). Inside networks the model supplies it.
   */
  inputBaseline?: number;
  /**
   * RODEO's learned function (estimators with `learned: 'stein-function'`): rows of inputs
   * `[P, 2]`, each `(∇f(x_j)ᵀ(y − x_j), f(x_j))` for a point y and another draw x_j of the same
   * group, mapped to `[P, 2]`: column 0 the scalar function whose Stein operator corrects the
   * leave-one-out baseline, column 1 the scale of the gradient's control variate (rodeo.ts).
   * Any fixed function keeps the estimator unbiased. Default: zero everywhere (the authors'
   * initial α = β = 0), where rodeo is reinforce-loo; train it with the returned `stein`.
   */
  steinFunction?: SteinFunction;
}

/** RODEO's learned function: `[P, 2]` inputs → `[P, 2]` values (see `EstimateOptions.steinFunction`). */
export type SteinFunction = (inputs: tf.Tensor2D) => tf.Tensor2D;

/**
 * What training RODEO's learned function needs from one estimate: the inputs it was evaluated at,
 * `[P, 2]`, and the gradient of the variance loss (the mean over groups and units of the squared
 * estimate) with respect to its outputs there, `[P, 2]`. The loss's gradient with respect to the
 * function's parameters ψ is `Σ ⟨outputGradient, ∂h_ψ(inputs)/∂ψ⟩`.
 */
export interface SteinTraining {
  inputs: tf.Tensor2D;
  outputGradient: tf.Tensor2D;
}

export interface Estimate {
  /** One gradient estimate per row (per draw), `[samples × groups, d]`. */
  perSample: tf.Tensor2D;
  /** Their average, `[d]` (the mean of the groups' estimates). */
  mean: tf.Tensor1D;
  /** Rows of `f` evaluated in all (a mean-field or relaxed evaluation counts as one row). */
  evaluations: number;
  /** Updated baseline state, for the baseline estimators. */
  baseline?: BaselineState;
  /** The variance normalisation's divisor `s ≥ 1` (nvil, muprop-c-vn): `scale · mean` is unbiased. */
  scale?: number;
  /**
   * RODEO with `options.steinFunction`: what training that function needs (the caller disposes
   * both tensors). Absent with the default zero function.
   */
  stein?: SteinTraining;
}

/**
 * MuProp's expansion point supplied from outside, e.g. by a network's mean-field pass: the
 * control variate is `value + slope ᵀ (z − point)`, with every tensor `[rows]` / `[rows, d]`
 * (or broadcastable) and independent of the draw z.
 */
export interface TaylorExpansion {
  readonly point: tf.Tensor;
  readonly value: tf.Tensor;
  readonly slope: tf.Tensor;
}

/**
 * What an estimator sees: validated inputs, the noise already drawn.
 *
 * Rows: `u` has `rows = samples × examples` rows; row r belongs to example `r mod examples`
 * (draw `⌊r / examples⌋` of it). `logits` is `[d]` (one problem, as in `estimate`) or
 * `[rows, d]` (a layer of a network, one row of logits per draw). `f` is called on `[k·rows, d]`
 * (k = 1, or 2 for stacked evaluations) and row j of its input belongs to row `j mod rows`.
 */
export interface EstimatorContext {
  readonly name: string;
  readonly f: CheckedObjective;
  readonly differentiable: boolean;
  readonly logits: tf.Tensor;
  /** Uniforms `[rows, d]`. */
  readonly u: tf.Tensor2D;
  /** Draws per example. */
  readonly samples: number;
  /** Independent examples sharing this call (1 for `estimate`); baselines never mix them. */
  readonly examples: number;
  readonly rows: number;
  readonly d: number;
  readonly temperature: number;
  readonly slope: number;
  readonly decay: number;
  readonly eta: number;
  readonly baseline?: BaselineState;
  readonly surrogate?: (relaxed: tf.Tensor2D) => tf.Tensor1D;
  /** The learned input-dependent baseline b(x), `[rows]`, independent of the draw (nvil, muprop-c-idb). */
  readonly inputBaseline?: tf.Tensor1D;
  /** RODEO's learned function (`learned: 'stein-function'`). */
  readonly steinFunction?: SteinFunction;
  /**
   * The draw `1[u < σ(φ)]` when the caller already holds it (a network's sampled path): the
   * estimators evaluate f at this very tensor, so the caller's f may reuse its value there.
   */
  readonly sample?: tf.Tensor2D;
  /**
   * Every draw of an example has the same logits: a network's first stochastic layer, whose parents
   * are the observed input (in `estimate` the logits are `[d]`, shared by construction). Below it a
   * group's draws have different parents, so estimators that couple a group's draws (arms) may not.
   */
  readonly sharedLogits?: boolean;
  /** MuProp: an expansion point from outside instead of f at `σ(φ)`. */
  readonly expansion?: TaylorExpansion;
  /**
   * `∂f/∂z` at `sample`, `[rows, d]`, when the caller computed it with a backward pass of its own
   * (a network, for estimators with `networkGradient: 'draws'`: double-cv, rodeo); otherwise they
   * differentiate f.
   */
  readonly sampleSlope?: tf.Tensor2D;
  /** A second, independent `[samples, d]` set of uniforms (REBAR's `v`). */
  conditionalNoise(): tf.Tensor2D;
}

export interface EstimatorOutput {
  perSample: tf.Tensor2D;
  baseline?: BaselineState;
  /** With a learned input baseline: the centred signal minus b(x), `[rows]`, which training b shrinks. */
  residual?: tf.Tensor1D;
  /** With variance normalisation: the divisor `s ≥ 1` of every row (`s · ĝ` is unbiased). */
  scale?: number;
  /** RODEO: its learned function's inputs and the variance loss's gradient with respect to its outputs. */
  stein?: SteinTraining;
}

/**
 * How an estimator gets its gradient: the score function with baselines or control variates
 * (one evaluation of f per draw), an antithetic pair (two), the pathwise derivative through a
 * relaxed or straight-through sample, or a relaxed control variate (REBAR, RELAX).
 */
export type EstimatorFamily = 'score-function' | 'antithetic' | 'pathwise' | 'relaxed-control-variate';
export const ESTIMATOR_FAMILIES: readonly EstimatorFamily[] = [
  'score-function',
  'antithetic',
  'pathwise',
  'relaxed-control-variate',
];

/**
 * What an estimator's estimate is the gradient of, with `f` the objective it is given:
 * - `'expectation'`: `∇_φ E_{z ~ Bernoulli(σ(φ))}[f(z)]`, one draw's value averaged (every
 *   estimator but vimco). Inside a VAE this is the ELBO, f the log-weight.
 * - `'k-sample-bound'`: `∇_φ E_{z_1…z_k}[log (1/k) Σ_j exp f(z_j)]` with `k = samples` draws
 *   per group (vimco): with f the log-weight `log p(x, z) − log q(z | x)` this is the
 *   importance-weighted k-sample bound on `log p(x)`, which is not the ELBO (k = 1).
 */
export type EstimatorObjective = 'expectation' | 'k-sample-bound';
export const ESTIMATOR_OBJECTIVES: readonly EstimatorObjective[] = ['expectation', 'k-sample-bound'];

/** The objective of `spec` (`'expectation'` unless it says otherwise). */
export function objectiveOf(spec: Pick<EstimatorSpec, 'objective'> | undefined): EstimatorObjective {
  return spec?.objective ?? 'expectation';
}

/** Metadata and implementation of one estimator. */
export interface EstimatorSpec {
  /** Short human title and the paper it comes from. */
  readonly title: string;
  readonly reference: string;
  /** Unbiased for the gradient of its `objective` (`∇_φ E[f(z)]` by default) with binary z. */
  readonly unbiased: boolean;
  /**
   * The quantity whose gradient the estimate is (default `'expectation'`, `∇_φ E[f]`); vimco's is
   * the k-sample bound. Consumers compare an estimator with the oracle of its own objective
   * (`exactGradientOf`) and models refuse an estimator whose objective is not the one they train.
   */
  readonly objective?: EstimatorObjective;
  /** Backpropagates through `f`, so `f` must be differentiable in a relaxed z. */
  readonly needsGradient: boolean;
  /** Rows of `f` evaluated per estimate (excluding per-call terms such as MuProp's mean field). */
  readonly evaluationsPerSample: number;
  /** Rows of `f` evaluated once per call whatever the samples (MuProp's mean-field point: 1). Default 0. */
  readonly evaluationsPerCall?: number;
  /**
   * Where a network computes the `∂f/∂z` this estimator uses, with passes of its own: MuProp's
   * mean-field pass (`context.expansion`), or a backward pass at the drawn sample
   * (`context.sampleSlope`, double-cv and rodeo). Absent for estimators that do not differentiate f there.
   */
  readonly networkGradient?: 'mean-field' | 'draws';
  /** Smallest `samples` the estimator accepts. */
  readonly minSamples: number;
  readonly family: EstimatorFamily;
  /** Usable inside networks (models' `gradients`): false where a relaxation of every later layer would be needed. */
  readonly inNetworks: boolean;
  /**
   * State the estimator learns alongside the model: an input-dependent baseline (a small network
   * the model owns, trained to predict the centred signal), RELAX's surrogate, or RODEO's
   * function of a Taylor expansion under a discrete Stein operator (`options.steinFunction`).
   */
  readonly learned?: 'input-baseline' | 'surrogate' | 'stein-function';
  /**
   * The learning rate (Adam) at which the paper trains the learned function's parameters, when
   * it is its own rather than the model's (RODEO: 1e-3). Tasks step the model's
   * `estimatorParameters` at it. Default: the run's learning rate.
   */
  readonly learnedRate?: number;
  /** Divides its estimate by a known scale `s ≥ 1` (`output.scale`): `s · ĝ` is unbiased. */
  readonly normalised?: boolean;
  run(context: EstimatorContext): EstimatorOutput;
  /**
   * Pathwise estimators (straight-through, relaxations): the differentiable sample op used
   * inside networks, `z(φ, u)`, whose ordinary gradient is the estimator. `run` is this op
   * differentiated through f.
   */
  readonly pathwise?: PathwiseSample;
}

/** A differentiable (or straight-through) sample of units with logits φ and uniforms u. */
export type PathwiseSample = (logits: tf.Tensor2D, u: tf.Tensor2D, settings: PathwiseSettings) => tf.Tensor2D;

export interface PathwiseSettings {
  readonly temperature: number;
  readonly slope: number;
}
