/**
 * Structured output prediction (MuProp, ARM): predict the bottom half of a digit from its top
 * half through binary stochastic layers, trained on the m-sample objective (m = samples);
 * evaluated by the 100-sample NLL `−log (1/100) Σ_k p(y | x, z_k)` on the first `boundExamples`
 * validation examples (default 200, see `BOUND_EXAMPLES`) and on the whole test split at the end.
 */
import * as tf from '@tensorflow/tfjs';
import { createBatcher } from '../../data/batches';
import type { Dataset } from '../../data/split';
import { createSop, sopBatchFrom, type SopBatch } from '../../models/sop';
import type { ExperimentConfig } from '../experiment-types';
import { evaluationImages, evaluationSizes, meanOf } from './eval-data';
import { firstAndLast, type Task } from './task';

/** Samples of the evaluation NLL, as in the papers. */
export const NLL_SAMPLES = 100;
const EVAL_SEED = 23456;

function halves(images: tf.Tensor2D): SopBatch {
  const batch = sopBatchFrom(images);
  images.dispose();
  return batch;
}

export function sopTask(config: ExperimentConfig, estimator: string, dataset: Dataset): Task<SopBatch> {
  const model = createSop({ latent: config.latent ?? [200], kind: config.kind ?? 'linear', seed: config.seed });
  const batcher = createBatcher(dataset.train, { batchSize: config.batch, seed: config.seed, binarize: 'dynamic' });
  const valid = halves(evaluationImages(dataset.valid, evaluationSizes(config).boundExamples, EVAL_SEED));
  return {
    model,
    optimizer: 'adam',
    // samples is m of the m-sample objective; reinforce-loo draws its two joint samples itself.
    defaultSamples: () => 1,
    data: {
      batchAt(step) {
        const batch = batcher.batchAt(step);
        batch.labels.dispose();
        return halves(batch.images);
      },
    },
    evaluate: () => ({ validNll: meanOf(model.nll(valid, { m: NLL_SAMPLES, seed: EVAL_SEED })) }),
    summarize(history) {
      const test = halves(evaluationImages(dataset.test, config.testExamples ?? Infinity, EVAL_SEED + 1));
      const testNll = meanOf(model.nll(test, { m: NLL_SAMPLES, seed: EVAL_SEED }));
      tf.dispose([test.x, test.y]);
      const [initialNll] = firstAndLast(history, 'validNll');
      const [, trainObjective] = firstAndLast(history, 'trainObjective');
      return { initialNll, trainNll: trainObjective === null ? null : -trainObjective, testNll };
    },
    dispose: () => {
      tf.dispose([valid.x, valid.y]);
      model.dispose();
    },
  };
}
