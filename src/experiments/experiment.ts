/**
 * `runExperiment(config)`: one paper experiment (vae, sop, gating, toy) trained once per
 * estimator from the same initial parameters and seed, as the `stochgrad train` command and
 * the notebooks run it. Checkpoints go to `out/<estimator>/`; `resume` continues each
 * estimator's run from `resume/<estimator>/` when it holds a checkpoint.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../data/datasets';
import { disposeDataset, type Dataset } from '../data/split';
import { ArgumentError, checkInteger, checkPositive, messages } from '../errors';
import { CHECKPOINT_FILE, useCheckpointStorage } from '../train/checkpoint';
import { fileCheckpointStorage } from '../train/checkpoint-files';
import { TASK_NAMES, type EstimatorRun, type ExperimentConfig, type ExperimentHooks } from './experiment-types';
import { gatingTask } from './tasks/gating-task';
import { sopTask } from './tasks/sop-task';
import { resolveTaskEstimator, type Task, type TaskEstimator } from './tasks/task';
import { toyTask } from './tasks/toy-task';
import { vaeTask } from './tasks/vae-task';
import { train } from '../train/train';

// Experiments run in Node and keep their checkpoints as files, whichever entry loaded them (the
// command line and its sweep workers load this module without the Node entry).
useCheckpointStorage(fileCheckpointStorage);

function checkConfig(config: ExperimentConfig): void {
  if (config == null || typeof config !== 'object')
    throw new ArgumentError('config', 'expected an ExperimentConfig object');
  if (!TASK_NAMES.includes(config.task))
    throw new ArgumentError('config.task', messages.unknownName('task', String(config.task), TASK_NAMES));
  if (!Array.isArray(config.estimators) || config.estimators.length === 0)
    throw new ArgumentError('config.estimators', 'expected at least one estimator name');
  checkInteger('config.steps', config.steps, 1);
  checkInteger('config.batch', config.batch, 1);
  checkPositive('config.lr', config.lr);
  checkInteger('config.seed', config.seed, 0);
  checkInteger('config.evalEvery', config.evalEvery, 1);
  for (const key of ['evalExamples', 'boundExamples', 'testExamples'] as const) {
    if (config[key] !== undefined) checkInteger(`config.${key}`, config[key], 1);
  }
  if (config.checkpointEvery !== undefined && !config.out)
    throw new ArgumentError('config.checkpointEvery', 'needs config.out, the directory to write checkpoints to');
}

function makeTask(config: ExperimentConfig, estimator: TaskEstimator, dataset: Dataset | undefined): Task<unknown> {
  switch (config.task) {
    case 'toy':
      return toyTask(config, estimator) as Task<unknown>;
    case 'vae':
      return vaeTask(config, estimator, dataset!) as Task<unknown>;
    case 'sop':
      return sopTask(config, estimator, dataset!) as Task<unknown>;
    case 'gating':
      return gatingTask(config, estimator, dataset!) as Task<unknown>;
  }
}

async function runOne(
  config: ExperimentConfig,
  resolved: TaskEstimator,
  dataset: Dataset | undefined,
  hooks: ExperimentHooks,
): Promise<EstimatorRun> {
  const estimator = resolved.name;
  const task = makeTask(config, resolved, dataset);
  try {
    const dir = config.out ? path.join(config.out, estimator) : undefined;
    const resumeDir = config.resume ? path.join(config.resume, estimator) : undefined;
    const result = await train(task.model, task.data, {
      estimator: resolved,
      steps: config.steps,
      optimizer: config.optimizer ?? task.optimizer,
      lr: config.lr,
      seed: config.seed,
      samples: config.samples ?? task.defaultSamples,
      evalEvery: config.evalEvery,
      evaluate: (_model, step) => task.evaluate(step),
      onProgress: (step, steps, metrics) => hooks.onProgress?.({ estimator, step, steps, metrics }),
      ...(config.checkpointEvery && dir ? { checkpoint: { dir, every: config.checkpointEvery } } : {}),
      ...(resumeDir && fs.existsSync(path.join(resumeDir, CHECKPOINT_FILE)) ? { resume: resumeDir } : {}),
      ...(task.keepBest ? { keepBest: task.keepBest } : {}),
      ...(task.lrScale ? { lrScale: task.lrScale } : {}),
      ...(task.sgd ? { sgd: task.sgd } : {}),
    });
    let summary: Record<string, number | null>;
    try {
      summary = task.summarize(result.history, result.best);
    } finally {
      if (result.best) tf.dispose(Object.values(result.best.parameters));
    }
    return {
      estimator,
      steps: result.steps,
      seconds: result.seconds,
      summary,
      history: result.history.map((row) => ({ estimator, ...task.labels, ...row })),
      ...(result.diverged ? { diverged: result.diverged } : {}),
    };
  } finally {
    task.dispose();
  }
}

/** Trains the configured task once per estimator; see the module comment. */
export async function runExperiment(config: ExperimentConfig, hooks: ExperimentHooks = {}): Promise<EstimatorRun[]> {
  checkConfig(config);
  // Resolved once, here: the tasks, models and training loop take the resolved estimator.
  const resolved = config.estimators.map((name, i) =>
    resolveTaskEstimator(config.task, name, `config.estimators[${i}]`, { objective: config.objective }),
  );
  const dataset = config.task === 'toy' ? undefined : loadDataset(config.dataset);
  try {
    const runs: EstimatorRun[] = [];
    for (const estimator of resolved) runs.push(await runOne(config, estimator, dataset, hooks));
    return runs;
  } finally {
    if (dataset) disposeDataset(dataset);
  }
}
