/**
 * The gated classifier's contract (gating.ts builds it): its configuration, batches, gate options,
 * evaluations and the `GatingNet` interface.
 */
import type * as tf from '@tensorflow/tfjs';
import type { EstimatorSettings } from '../estimators/layer';
import type { GenerativeDraws } from './chain-gradients';
import type { JsonValue, Model } from './model';
import type { PenaltyKind } from './sparsity';

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
  /** RODEO's learned function for the gater (stein-function.ts), which rodeo needs. Default false. */
  steinFunction?: boolean;
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

/** Every setting of a gated classifier, checked and with its defaults (gating-config.ts). */
export type ResolvedGatingConfig = Required<Omit<GatingConfig, 'settings'>>;
