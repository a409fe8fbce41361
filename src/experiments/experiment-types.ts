/**
 * The contract between the training experiments (`runExperiment`, src/experiments/experiment.ts) and
 * their front ends (the `stochgrad train` command, notebooks).
 */
import type { GenerativeDraws } from '../models/chain-gradients';
import type { ExpertKind } from '../models/gating';
import type { VaeObjective } from '../models/sbn-vae';
import type { PenaltyKind } from '../models/sparsity';

export type TaskName = 'vae' | 'sop' | 'gating' | 'toy';
export const TASK_NAMES: readonly TaskName[] = ['vae', 'sop', 'gating', 'toy'];

export interface ExperimentConfig {
  task: TaskName;
  /** Estimator (or, for gating, unit-type) names; one training run each, same seed. */
  estimators: string[];
  /** Dataset name for loadDataset (ignored by the toy). */
  dataset: string;
  steps: number;
  batch: number;
  /** Learning rate. */
  lr: number;
  seed: number;
  /** Evaluate every this many steps (and at step 0 and the last step). */
  evalEvery: number;
  /** Draws of the stochastic units per example during training (default 1; reinforce-loo 2). */
  samples?: number;
  optimizer?: 'adam' | 'sgd';
  /** Directory for history CSVs, checkpoints and the report. */
  out?: string;
  /** Save a checkpoint every this many steps (needs `out`). */
  checkpointEvery?: number;
  /** Directory of an earlier run to continue from. */
  resume?: string;
  /** vae, sop: the stochastic layers' sizes (default [200]) and kind (default linear). */
  latent?: number[];
  kind?: 'linear' | 'nonlinear';
  /** toy: the target p0 (default 0.49) and the number of units (default 1). */
  p0?: number;
  units?: number;
  /** toy: learning rate of RELAX's learned surrogate c_ψ (default: lr). */
  surrogateLr?: number;
  /** Examples of each evaluation subset used at every evaluation (default 1000). */
  evalExamples?: number;
  /**
   * vae, sop: validation examples of the 100-sample bound (vae) and NLL (sop) at every
   * evaluation, at most `evalExamples` (default 200; each costs 100 passes through the model).
   */
  boundExamples?: number;
  /** Test examples of the final evaluation (default: the whole test split). */
  testExamples?: number;
  /**
   * vae, sop, gating: which draw the generative parameters' gradients (decoder and prior, output
   * layer, experts) come from under a score-function-family estimator (default `'independent'`).
   */
  generativeDraws?: GenerativeDraws;
  /**
   * vae: the objective trained, the ELBO (default) or the k-sample bound over the `samples` draws
   * of each example (vimco, its one estimator); the history's `objective` column names it.
   */
  objective?: VaeObjective;
  /**
   * vae: estimators whose encoder-gradient variance is also measured at every evaluation, at the
   * run's own parameters (history columns `encoderVariance:<name>`; see
   * tasks/matched-variance.ts). Functions of the draws alone: no learned parts, no running state.
   */
  varianceOf?: string[];
  /** vae: the prior logits' optimiser, plain SGD at `priorLr` (default) or `'same'` as the rest. */
  priorOptimizer?: 'sgd' | 'same';
  /** vae: the prior logits' SGD learning rate (default 1e-2, the DisARM authors'). */
  priorLr?: number;
  /** gating: the network, its sparsity penalty and its test-time gates. */
  gating?: GatingTaskOptions;
}

/** The gating task's settings; absent ones take `createGatingNet`'s defaults (sampled test gates). */
export interface GatingTaskOptions {
  /** Experts, one gate each (createGatingNet's `hidden`, default 200; the paper 2000). */
  experts?: number;
  /** relu (default) or linear experts (the paper). */
  expert?: ExpertKind;
  /** tanh units of the gater (default 50; the paper 400). */
  gaterHidden?: number;
  /** Initial gater bias (default 2). */
  gaterBias?: number;
  penalty?: PenaltyKind;
  /** λ or β of the penalty (default 0.5). */
  sparsity?: number;
  /** Target fraction of open gates (default 0.1). */
  target?: number;
  /** Max-norm bound on incoming weight vectors (default none; the paper 2). */
  maxNorm?: number;
  /** The noisy rectifier's noise sd (default 1). */
  noise?: number;
  /**
   * Gates at evaluation: `sampled` (default; the training gates at a fixed seed) or
   * `deterministic` (noise-free, thresholded so that a fraction `target` of the training
   * subset's gates is on, as the paper's test-time gates).
   */
  testGates?: 'sampled' | 'deterministic';
  /** Learning rate of the gater's parameters when a score-function estimator trains the gates (default: lr). */
  reinforceGaterLr?: number;
}

/** One evaluation: the step and metric values (NaN where not measured at that step). */
export interface HistoryRow {
  estimator: string;
  step: number;
  seconds: number;
  [metric: string]: string | number;
}

export interface ProgressEvent {
  estimator: string;
  /** Steps done so far and in all. */
  step: number;
  steps: number;
  /** Latest values, e.g. `{ elbo: -180.3 }`. */
  metrics: Record<string, number>;
}

export interface EstimatorRun {
  estimator: string;
  steps: number;
  seconds: number;
  /**
   * Final numbers, in the order they should be shown. vae: initialElbo, elbo, testBound,
   * encoderVariance; sop: initialNll, trainNll, then at the evaluation with the lowest validation
   * NLL bestStep, validNll, testNll (m = 100), testNll1000 (m = 1000), and finalTestNll (m = 100,
   * last step); gating: trainObjective, trainNll, testError, gatesOpen, trainGatesOpen;
   * toy: initialProbability, probability.
   */
  summary: Record<string, number | null>;
  history: HistoryRow[];
  /** Set when the run stopped early on a non-finite objective or gradient (see `TrainResult`). */
  diverged?: { step: number; reason: string };
}

export interface ExperimentHooks {
  onProgress?: (event: ProgressEvent) => void;
}
