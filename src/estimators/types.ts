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
}

export interface EstimateOptions {
  /** Number of independent estimates (rows of `perSample`). */
  samples: number;
  /** Seed for the uniforms when `noise` is not given; equal seeds give identical results. */
  seed?: number;
  /** Explicit uniforms `u` in (0, 1), shape `[samples, d]` (common random numbers). */
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
}

export interface Estimate {
  /** One gradient estimate per row, `[samples, d]`. */
  perSample: tf.Tensor2D;
  /** Their average, `[d]`. */
  mean: tf.Tensor1D;
  /** Rows of `f` evaluated in all (a mean-field or relaxed evaluation counts as one row). */
  evaluations: number;
  /** Updated baseline state, for the baseline estimators. */
  baseline?: BaselineState;
}

/** What an estimator sees: validated inputs, the noise already drawn. */
export interface EstimatorContext {
  readonly name: string;
  readonly f: CheckedObjective;
  readonly differentiable: boolean;
  readonly logits: tf.Tensor1D;
  /** Uniforms `[samples, d]`. */
  readonly u: tf.Tensor2D;
  readonly samples: number;
  readonly d: number;
  readonly temperature: number;
  readonly slope: number;
  readonly decay: number;
  readonly eta: number;
  readonly baseline?: BaselineState;
  readonly surrogate?: (relaxed: tf.Tensor2D) => tf.Tensor1D;
  /** A second, independent `[samples, d]` set of uniforms (REBAR's `v`). */
  conditionalNoise(): tf.Tensor2D;
}

export interface EstimatorOutput {
  perSample: tf.Tensor2D;
  baseline?: BaselineState;
}

/** Metadata and implementation of one estimator. */
export interface EstimatorSpec {
  /** Short human title and the paper it comes from. */
  readonly title: string;
  readonly reference: string;
  /** Unbiased for `∇_φ E[f(z)]` with binary z. */
  readonly unbiased: boolean;
  /** Backpropagates through `f`, so `f` must be differentiable in a relaxed z. */
  readonly needsGradient: boolean;
  /** Rows of `f` evaluated per estimate (excluding per-batch terms such as MuProp's mean field). */
  readonly evaluationsPerSample: number;
  /** Smallest `samples` the estimator accepts. */
  readonly minSamples: number;
  run(context: EstimatorContext): EstimatorOutput;
}
