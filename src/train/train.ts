/**
 * `train(model, data, options)`: stochastic gradient *ascent* on a `Model`'s objective with one
 * estimator. Step t (0-based) consumes `data.batchAt(t)` and calls
 * `model.gradients(estimator, batch, { samples, seed: stepSeed(seed, t) })`, so a run is a pure
 * function of its options and resumes exactly from a checkpoint.
 *
 * The training objective is summed on the device and read only at evaluations (step 0, every
 * `evalEvery` steps, the last step); each history row holds the mean over the steps since the
 * previous row on the `evalEvery` grid.
 *
 * A step whose objective or gradient is NaN or ±∞ is not applied: the run stops there with
 * `diverged` set and a last history row at that step (`src/train/divergence.ts`).
 *
 * ```ts
 * const model = createToyModel({ p0: 0.49 });
 * const { history } = await train(model, { batchAt: () => undefined },
 *   { estimator: 'disarm', steps: 1000, lr: 0.1, seed: 1, evalEvery: 100 });
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { uint32Stream } from '../core/random';
import { yieldToEventLoop } from '../core/yield';
import { ArgumentError, checkInteger, checkPositive, messages } from '../errors';
import { estimatorNameOf } from '../estimators/registry';
import type { EstimatorArgument, Model } from '../models/model';
import { checkKeepBest, createBestKeeper, type BestKeeper, type BestParameters, type KeepBest } from './best';
import {
  checkpointStorage,
  checkSameRun,
  loadCheckpoint,
  saveCheckpoint,
  type Checkpoint,
  type RunIdentity,
} from './checkpoint';
import { nonFiniteStep, type Divergence } from './divergence';
import type { TrainRow } from './history';
import { createOptimizer, OPTIMIZER_KINDS, type Optimizer, type OptimizerKind } from './optimizer';

export interface TrainData<Batch> {
  /** The batch of step t; must be a pure function of t. Tensors in it are disposed by the loop. */
  batchAt(step: number): Batch;
}

export interface TrainOptions<Batch> {
  /** A registered name, or the estimator resolved once (`networkEstimator`); checkpoints name it. */
  estimator: EstimatorArgument;
  /** Total steps of the run (a resumed run counts the steps before the checkpoint). */
  steps: number;
  optimizer?: OptimizerKind;
  lr: number;
  seed: number;
  /** Draws per example, passed to `model.gradients` (model default when absent). */
  samples?: number;
  evalEvery?: number;
  /** Metrics of the model after `step` steps; called at step 0, every evalEvery steps and at the end. */
  evaluate?: (model: Model<Batch>, step: number) => Record<string, number>;
  /** Called after every evaluation with the row's metrics. */
  onProgress?: (step: number, steps: number, metrics: Record<string, number>) => void;
  /** Save a checkpoint to `dir` every `every` steps and at the end. */
  checkpoint?: { dir: string; every: number };
  /** Directory of a checkpoint to continue from. */
  resume?: string;
  /** Keep the parameters of the best evaluation by this metric (best.ts); returned as `best`, saved in checkpoints. */
  keepBest?: KeepBest;
  /** Learning-rate multipliers by parameter name (default 1): parameter p steps with `lr · lrScale[p]`. */
  lrScale?: Readonly<Record<string, number>>;
  /** Parameters stepped by plain SGD at their own learning rate, whatever the optimiser (e.g. a VAE's prior logits). */
  sgd?: Readonly<Record<string, number>>;
}

export interface TrainResult {
  history: TrainRow[];
  /** Training seconds in all (every session of a resumed run). */
  seconds: number;
  /** Steps completed. */
  steps: number;
  /**
   * Set when step `step` (0-based) gave a non-finite objective or gradient: that step was not
   * applied, the run stopped there and its history ends with a row at `step`.
   */
  diverged?: Divergence;
  /** With `keepBest`: the parameters at the best evaluation (undefined if no value was a number); the caller disposes them. */
  best?: BestParameters;
}

const RESERVED = ['step', 'seconds', 'trainObjective'];

/** The seed of step t's gradient call: the first output of mulberry32 from a mix of (seed, t). */
export function stepSeed(seed: number, step: number): number {
  return uint32Stream((seed ^ Math.imul(step + 1, 0x9e3779b1)) >>> 0)();
}

function checkFunction(argument: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function')
    throw new ArgumentError(argument, `expected a function, got ${typeof value}`);
}

function checkTrainOptions<Batch>(
  model: Model<Batch>,
  data: TrainData<Batch>,
  options: TrainOptions<Batch>,
): OptimizerKind {
  if (model == null || typeof model !== 'object' || model.parameters == null || typeof model.gradients !== 'function') {
    throw new ArgumentError('model', 'expected a Model with parameters and gradients()');
  }
  if (data == null || typeof data.batchAt !== 'function') throw new ArgumentError('data', 'expected { batchAt(step) }');
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected an object with estimator, steps, lr and seed');
  const name =
    typeof options.estimator === 'object' && options.estimator !== null ? options.estimator.name : options.estimator;
  if (typeof name !== 'string' || name === '')
    throw new ArgumentError('options.estimator', 'expected an estimator name or a resolved estimator');
  checkInteger('options.steps', options.steps, 1);
  const kind = options.optimizer ?? 'adam';
  if (!OPTIMIZER_KINDS.includes(kind))
    throw new ArgumentError('options.optimizer', messages.unknownName('optimizer', String(kind), OPTIMIZER_KINDS));
  checkPositive('options.lr', options.lr);
  checkInteger('options.seed', options.seed, 0);
  if (options.seed > 0xffffffff)
    throw new ArgumentError('options.seed', `expected an integer below 2^32, got ${options.seed}`);
  if (options.samples !== undefined) checkInteger('options.samples', options.samples, 1);
  if (options.evalEvery !== undefined) checkInteger('options.evalEvery', options.evalEvery, 1);
  checkFunction('options.evaluate', options.evaluate);
  checkFunction('options.onProgress', options.onProgress);
  if (options.checkpoint !== undefined) {
    const { checkpoint } = options;
    if (checkpoint == null || typeof checkpoint.dir !== 'string' || checkpoint.dir === '') {
      throw new ArgumentError('options.checkpoint', 'expected { dir, every } with a directory path');
    }
    checkInteger('options.checkpoint.every', checkpoint.every, 1);
    checkpointStorage('options.checkpoint');
  }
  if (options.resume !== undefined && (typeof options.resume !== 'string' || options.resume === '')) {
    throw new ArgumentError('options.resume', 'expected the directory of a checkpoint');
  }
  if (options.keepBest !== undefined) checkKeepBest(options.keepBest);
  return kind;
}

function identityOf<Batch>(model: Model<Batch>, options: TrainOptions<Batch>, kind: OptimizerKind): RunIdentity {
  return {
    model: model.signature ?? null,
    shapes: Object.fromEntries(Object.entries(model.parameters).map(([name, v]) => [name, [...v.shape]])),
    estimator: estimatorNameOf(options.estimator),
    optimizer: kind,
    lr: options.lr,
    seed: options.seed,
    samples: options.samples ?? null,
    evalEvery: options.evalEvery ?? null,
    ...(options.lrScale ? { lrScale: { ...options.lrScale } } : {}),
    ...(options.sgd ? { sgd: { ...options.sgd } } : {}),
  };
}

function checkMetrics(metrics: unknown, step: number): Record<string, number> {
  if (metrics == null || typeof metrics !== 'object')
    throw new ArgumentError(
      'options.evaluate',
      `must return an object of numbers, got ${typeof metrics} at step ${step}`,
    );
  for (const [name, value] of Object.entries(metrics)) {
    if (RESERVED.includes(name))
      throw new ArgumentError('options.evaluate', `metric name ${JSON.stringify(name)} is reserved`);
    if (typeof value !== 'number')
      throw new ArgumentError('options.evaluate', `metric ${name} must be a number, got ${typeof value}`);
  }
  return metrics as Record<string, number>;
}

/** Disposes the tensors of a batch (a tensor, or an object or array of tensors). */
function disposeBatch(batch: unknown): void {
  if (batch instanceof tf.Tensor) batch.dispose();
  else if (batch != null && typeof batch === 'object') tf.dispose(batch as tf.TensorContainer);
}

function restoreParameters<Batch>(model: Model<Batch>, saved: Checkpoint['parameters']): void {
  const tensors = Object.fromEntries(
    Object.entries(saved).map(([name, v]) => [name, tf.tensor(v.values, v.shape, 'float32')]),
  );
  try {
    model.setParameters(tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** Loop state that a checkpoint carries. */
interface RunState {
  step: number;
  secondsBefore: number;
  history: TrainRow[];
  count: number;
}

function resumeRun<Batch>(
  model: Model<Batch>,
  options: TrainOptions<Batch>,
  identity: RunIdentity,
  optimizer: Optimizer,
  sum: tf.Variable,
  best: BestKeeper | undefined,
): RunState {
  const saved = loadCheckpoint(options.resume!, 'options.resume');
  checkSameRun(saved.identity, identity, 'options.resume');
  if (saved.step > options.steps)
    throw new ArgumentError('options.steps', `the checkpoint is at step ${saved.step}, past steps = ${options.steps}`);
  restoreParameters(model, saved.parameters);
  optimizer.setState(saved.optimizer);
  if (saved.model !== null) {
    if (typeof model.setState !== 'function')
      throw new ArgumentError('options.resume', 'the checkpoint holds model state but the model has no setState()');
    model.setState(saved.model);
  }
  tf.tidy(() => sum.assign(tf.scalar(saved.objective.sum)));
  best?.restore(saved.best);
  // A last row off the evalEvery grid only closed the earlier session; the run continues past it.
  const history = saved.history.filter(
    (row) => row.step === 0 || (options.evalEvery !== undefined && row.step % options.evalEvery === 0),
  );
  return { step: saved.step, secondsBefore: saved.seconds, history, count: saved.objective.count };
}

/** Trains `model`; see the module comment. Resolves with the history and totals. */
export async function train<Batch>(
  model: Model<Batch>,
  data: TrainData<Batch>,
  options: TrainOptions<Batch>,
): Promise<TrainResult> {
  const kind = checkTrainOptions(model, data, options);
  const { estimator, steps, seed, samples, evalEvery, evaluate, onProgress, checkpoint } = options;
  const identity = identityOf(model, options, kind);
  const optimizer = createOptimizer({
    kind,
    lr: options.lr,
    ...(options.lrScale ? { lrScale: options.lrScale } : {}),
    ...(options.sgd ? { sgd: options.sgd } : {}),
  });
  const sum = tf.tidy(() => tf.variable(tf.scalar(0), false));
  const best = options.keepBest ? createBestKeeper(options.keepBest) : undefined;
  try {
    const state: RunState = options.resume
      ? resumeRun(model, options, identity, optimizer, sum, best)
      : { step: 0, secondsBefore: 0, history: [], count: 0 };
    const started = performance.now();
    const seconds = () => state.secondsBefore + (performance.now() - started) / 1000;

    const record = (onGrid: boolean) => {
      const trainObjective = state.count > 0 ? sum.dataSync()[0] / state.count : NaN;
      const metrics = evaluate ? checkMetrics(evaluate(model, state.step), state.step) : {};
      const row: TrainRow = { step: state.step, seconds: seconds(), trainObjective, ...metrics };
      state.history.push(row);
      best?.offer(row, model.parameters, onGrid);
      if (onGrid) {
        tf.tidy(() => sum.assign(tf.zerosLike(sum)));
        state.count = 0;
      }
      onProgress?.(state.step, steps, { trainObjective, ...metrics });
    };
    const save = () =>
      saveCheckpoint(checkpoint!.dir, {
        identity,
        step: state.step,
        seconds: seconds(),
        objective: { sum: sum.dataSync()[0], count: state.count },
        parameters: Object.fromEntries(
          Object.entries(model.parameters).map(([name, v]) => [
            name,
            { shape: [...v.shape], values: Array.from(v.dataSync()) },
          ]),
        ),
        optimizer: optimizer.getState(),
        model: model.getState?.() ?? null,
        history: state.history,
        ...(best ? { best: best.save() } : {}),
      });

    let diverged: Divergence | undefined;
    if (state.step === 0) record(true);
    while (state.step < steps) {
      const t = state.step;
      const batch = data.batchAt(t);
      try {
        const result = model.gradients(estimator, batch, {
          ...(samples !== undefined ? { samples } : {}),
          seed: stepSeed(seed, t),
        });
        try {
          const reason = nonFiniteStep(result);
          if (reason !== undefined) diverged = { step: t, reason };
          else {
            optimizer.step(model.parameters, result.gradients);
            model.afterStep?.();
            tf.tidy(() => sum.assign(tf.add(sum, result.objective)));
          }
        } finally {
          tf.dispose([result.objective, ...Object.values(result.gradients)]);
        }
      } finally {
        disposeBatch(batch);
      }
      if (diverged) break;
      state.step = t + 1;
      state.count += 1;
      const onGrid = evalEvery !== undefined && state.step % evalEvery === 0;
      if (onGrid) record(true);
      if (checkpoint && state.step % checkpoint.every === 0 && state.step < steps) save();
      if (onGrid) await yieldToEventLoop();
    }
    if (state.history[state.history.length - 1].step !== state.step) record(false);
    if (checkpoint) save();
    const kept = best?.release();
    return {
      history: state.history,
      seconds: seconds(),
      steps: state.step,
      ...(diverged ? { diverged } : {}),
      ...(kept ? { best: kept } : {}),
    };
  } finally {
    best?.dispose();
    sum.dispose();
    optimizer.dispose();
  }
}
