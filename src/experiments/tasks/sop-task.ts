/**
 * Structured output prediction (MuProp, ARM): predict the bottom half of a digit from its top
 * half through binary stochastic layers, trained on the m-sample objective (m = samples);
 * evaluated by the 100-sample NLL `−log (1/100) Σ_k p(y | x, z_k)` on the first `boundExamples`
 * validation examples (default 200, see `BOUND_EXAMPLES`) at every evaluation.
 *
 * As MuProp's Table 2 and ARM's Table 3, the test numbers are taken at the evaluation with the
 * lowest validation NLL (`keepBest`): `testNll` (m = 100) and `testNll1000` (m = 1000) on the whole
 * test split there, with `bestStep` and its `validNll`; `finalTestNll` is the m = 100 test NLL at
 * the last step.
 */
import * as tf from '@tensorflow/tfjs';
import { createBatcher } from '../../data/batches';
import type { Dataset } from '../../data/split';
import { createSop, sopBatchFrom, type SopBatch } from '../../models/sop';
import type { ExperimentConfig } from '../experiment-types';
import { evaluationImages, evaluationSizes, meanOf } from './eval-data';
import { objectiveOf } from '../../estimators/types';
import { estimatorModelOptions, fewestDraws, firstAndLast, learnedRates, type Task, type TaskEstimator } from './task';

/** Samples of the evaluation NLL, as in the papers. */
export const NLL_SAMPLES = 100;
/** Samples of ARM's test NLL (Table 3). */
export const NLL_SAMPLES_LARGE = 1000;
const EVAL_SEED = 23456;

export function halves(images: tf.Tensor2D): SopBatch {
  const batch = sopBatchFrom(images);
  images.dispose();
  return batch;
}

export function sopTask(config: ExperimentConfig, estimator: TaskEstimator, dataset: Dataset): Task<SopBatch> {
  const model = createSop({
    latent: config.latent ?? [200],
    kind: config.kind ?? 'linear',
    seed: config.seed,
    ...estimatorModelOptions(config, estimator),
  });
  const batcher = createBatcher(dataset.train, { batchSize: config.batch, seed: config.seed, binarize: 'dynamic' });
  const valid = halves(evaluationImages(dataset.valid, evaluationSizes(config).boundExamples, EVAL_SEED));
  return {
    model,
    optimizer: 'adam',
    ...learnedRates(config, estimator, model.estimatorParameters),
    // samples is m of the m-sample objective; reinforce-loo draws its two joint samples itself,
    // while for vimco m is its own k (at least 2).
    defaultSamples: objectiveOf(estimator.spec) === 'k-sample-bound' ? fewestDraws(estimator) : 1,
    data: {
      batchAt(step) {
        const batch = batcher.batchAt(step);
        batch.labels.dispose();
        return halves(batch.images);
      },
    },
    evaluate: () => ({ validNll: meanOf(model.nll(valid, { m: NLL_SAMPLES, seed: EVAL_SEED })) }),
    keepBest: { metric: 'validNll', mode: 'min' },
    summarize(history, best) {
      const test = halves(evaluationImages(dataset.test, config.testExamples ?? Infinity, EVAL_SEED + 1));
      const testNllWith = (m: number) => meanOf(model.nll(test, { m, seed: EVAL_SEED }));
      const finalTestNll = testNllWith(NLL_SAMPLES);
      let atBest: Record<string, number | null> = { bestStep: null, validNll: null, testNll: null, testNll1000: null };
      if (best) {
        const last = best.step === history[history.length - 1].step;
        if (!last) model.setParameters(best.parameters);
        atBest = {
          bestStep: best.step,
          validNll: best.value,
          testNll: last ? finalTestNll : testNllWith(NLL_SAMPLES),
          testNll1000: testNllWith(NLL_SAMPLES_LARGE),
        };
      }
      tf.dispose([test.x, test.y]);
      const [initialNll] = firstAndLast(history, 'validNll');
      const [, trainObjective] = firstAndLast(history, 'trainObjective');
      return { initialNll, trainNll: trainObjective === null ? null : -trainObjective, ...atBest, finalTestNll };
    },
    dispose: () => {
      tf.dispose([valid.x, valid.y]);
      model.dispose();
    },
  };
}
