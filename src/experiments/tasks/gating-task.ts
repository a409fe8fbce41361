/**
 * Conditional computation (Bengio, Léonard & Courville 2013, section 5): a digit classifier
 * whose experts are gated by stochastic units from a gater network, with a sparsity penalty.
 *
 * Every evaluation reports, on the validation subset, `validError` and `gatesOpen` with the
 * test-time gates (`config.gating.testGates`: sampled at a fixed seed, or deterministic with the
 * threshold that puts a fraction `target` of the training subset's gates on), and on the first
 * `evalExamples` training digits, with the training gates sampled at a fixed seed, the training
 * criterion `trainNll` (mean −log p(y | x, g)) and `trainGatesOpen`; `lambda` is the penalty weight
 * (moved by adaptive-l1). With deterministic test gates, `validErrorSampled` is the validation
 * error with gates sampled as in training (at a fixed seed), to tell what the test-time gating
 * itself costs; `validErrorTopK` the error with each example's own top `target` fraction of
 * gates open (no shared threshold: an example whose pre-activations sit below the global
 * threshold still gets its gates), and `zeroGateFraction` the fraction of validation examples
 * that the global threshold leaves with no gate open. The summary gives the same on the test
 * split (`testError`, `testErrorSampled`, `testErrorTopK`, `zeroGateFraction`).
 */
import * as tf from '@tensorflow/tfjs';
import { createBatcher } from '../../data/batches';
import type { Dataset, Split } from '../../data/split';
import { createGatingNet, type GatingBatch, type GatingConfig } from '../../models/gating';
import type { ExperimentConfig, GatingTaskOptions } from '../experiment-types';
import { evaluationLabels, evaluationSizes } from './eval-data';
import { estimatorModelOptions, fewestDraws, firstAndLast, learnedRates, type Task, type TaskEstimator } from './task';

const EVAL_SEED = 34567;

function subset(split: Split, count: number): GatingBatch {
  const n = Math.min(count, split.images.shape[0]);
  return { images: tf.slice(split.images, [0, 0], [n, -1]) as tf.Tensor2D, labels: evaluationLabels(split, n) };
}

function modelConfig(options: GatingTaskOptions, seed: number): GatingConfig {
  const { experts, expert, gaterHidden, gaterBias, penalty, sparsity, target, maxNorm, noise } = options;
  const given = { hidden: experts, expert, gaterHidden, gaterBias, penalty, sparsity, target, maxNorm, noise };
  return { seed, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
}

export function gatingTask(config: ExperimentConfig, estimator: TaskEstimator, dataset: Dataset): Task<GatingBatch> {
  const options = config.gating ?? {};
  const model = createGatingNet({
    ...modelConfig(options, config.seed),
    ...estimatorModelOptions(config, estimator),
  });
  const batcher = createBatcher(dataset.train, { batchSize: config.batch, seed: config.seed, binarize: 'none' });
  const count = evaluationSizes(config).examples;
  const valid = subset(dataset.valid, count);
  const trainDigits = subset(dataset.train, count);
  // With deterministic test gates the error with sampled gates (the training condition) is reported too.
  const deterministic = options.testGates === 'deterministic';
  const name = estimator.name;
  const sampled = { estimator: name, seed: EVAL_SEED };
  const testGates = () =>
    deterministic ? { estimator: name, threshold: model.threshold(trainDigits.images) } : sampled;
  // Each example's own top fraction of gates open: the same sparsity, no shared threshold.
  const topGates = { estimator: name, topFraction: options.target ?? model.config.target };
  // The paper's REINFORCE gater used a 100× smaller rate: reinforceGaterLr applies to the score-function family.
  const slowGater = options.reinforceGaterLr !== undefined && estimator.spec?.family === 'score-function';
  const gaterNames = Object.keys(model.parameters).filter((name) => name.startsWith('gater'));
  return {
    model,
    optimizer: 'adam',
    defaultSamples: fewestDraws(estimator),
    data: { batchAt: (step) => batcher.batchAt(step) },
    ...lrScaleOf({
      ...(slowGater ? Object.fromEntries(gaterNames.map((name) => [name, options.reinforceGaterLr! / config.lr])) : {}),
      ...learnedRates(config, estimator, model.estimatorParameters).lrScale,
    }),
    evaluate: () => {
      const training = model.evaluate(trainDigits, { estimator: name, seed: EVAL_SEED });
      const { error, gatesOpen, zeroGates } = model.evaluate(valid, testGates());
      const metrics = {
        validError: error,
        gatesOpen,
        trainNll: training.nll,
        trainGatesOpen: training.gatesOpen,
        lambda: model.lambda(),
      };
      if (!deterministic) return metrics;
      return {
        ...metrics,
        validErrorSampled: model.evaluate(valid, sampled).error,
        validErrorTopK: model.evaluate(valid, topGates).error,
        zeroGateFraction: zeroGates,
      };
    },
    summarize(history) {
      const test = subset(dataset.test, config.testExamples ?? Infinity);
      const { error, gatesOpen, zeroGates } = model.evaluate(test, testGates());
      const testErrorSampled: Record<string, number> = deterministic
        ? {
            testErrorSampled: model.evaluate(test, sampled).error,
            testErrorTopK: model.evaluate(test, topGates).error,
            zeroGateFraction: zeroGates,
          }
        : {};
      tf.dispose([test.images, test.labels]);
      const last = (metric: string) => firstAndLast(history, metric)[1];
      return {
        trainObjective: last('trainObjective'),
        trainNll: last('trainNll'),
        testError: error,
        gatesOpen,
        trainGatesOpen: last('trainGatesOpen'),
        ...testErrorSampled,
      };
    },
    dispose: () => {
      tf.dispose([valid.images, valid.labels, trainDigits.images, trainDigits.labels]);
      model.dispose();
    },
  };
}

/** `{ lrScale }` when it has any entry, else nothing. */
function lrScaleOf(scales: Record<string, number>): { lrScale?: Record<string, number> } {
  return Object.keys(scales).length > 0 ? { lrScale: scales } : {};
}
