/**
 * Conditional computation (Bengio, Léonard & Courville 2013, section 5): a digit classifier
 * whose hidden units are gated by stochastic units from a small gater network, with a sparsity
 * penalty; evaluated by the test error and the fraction of gates open.
 */
import * as tf from '@tensorflow/tfjs';
import { createBatcher } from '../../data/batches';
import type { Dataset, Split } from '../../data/split';
import { createGatingNet, type GatingBatch } from '../../models/gating';
import type { ExperimentConfig } from '../experiment-types';
import { evaluationLabels, evaluationSizes } from './eval-data';
import { firstAndLast, oneOrTwoDraws, type Task } from './task';

const EVAL_SEED = 34567;

function subset(split: Split, count: number): GatingBatch {
  const n = Math.min(count, split.images.shape[0]);
  return { images: tf.slice(split.images, [0, 0], [n, -1]) as tf.Tensor2D, labels: evaluationLabels(split, n) };
}

export function gatingTask(config: ExperimentConfig, estimator: string, dataset: Dataset): Task<GatingBatch> {
  const model = createGatingNet({ seed: config.seed });
  const batcher = createBatcher(dataset.train, { batchSize: config.batch, seed: config.seed, binarize: 'none' });
  const valid = subset(dataset.valid, evaluationSizes(config).examples);
  const evaluateOn = (batch: GatingBatch) => model.evaluate(batch, { seed: EVAL_SEED, estimator });
  return {
    model,
    optimizer: 'adam',
    defaultSamples: oneOrTwoDraws,
    data: { batchAt: (step) => batcher.batchAt(step) },
    evaluate: () => {
      const { error, gatesOpen } = evaluateOn(valid);
      return { validError: error, gatesOpen };
    },
    summarize(history) {
      const test = subset(dataset.test, config.testExamples ?? Infinity);
      const { error, gatesOpen } = evaluateOn(test);
      tf.dispose([test.images, test.labels]);
      const [, trainObjective] = firstAndLast(history, 'trainObjective');
      return { trainObjective, testError: error, gatesOpen };
    },
    dispose: () => {
      tf.dispose([valid.images, valid.labels]);
      model.dispose();
    },
  };
}
