/**
 * The SBN VAE experiment (MuProp, ARM, DisARM): dynamically binarised digits, the batch-mean
 * ELBO maximised (or, with `objective: 'k-sample-bound'`, the k-sample bound over the `samples`
 * draws, by vimco; every history row's `objective` column says which, and trainObjective is that
 * quantity, while the evaluations below are the same whatever the objective); evaluated by the train ELBO (on the first `evalExamples` training examples,
 * default 1000), the 100-sample bound on validation data (the first `boundExamples`, default 200:
 * see `BOUND_EXAMPLES`) and on the whole test split at the end, and the variance of the encoder's
 * gradient estimate at the current parameters (20 draws on 50 training examples), and with
 * `varianceOf` that of other estimators at the same parameters (matched-variance.ts).
 *
 * Gradients as in the DisARM authors' code: the decoder's and prior's from one draw of their own
 * (`generativeDraws: 'independent'`), the prior logits stepped by plain SGD at `PRIOR_LR` while the
 * rest uses the run's optimiser (`priorOptimizer: 'same'` steps them all alike).
 */
import * as tf from '@tensorflow/tfjs';
import { createBatcher } from '../../data/batches';
import type { Dataset } from '../../data/split';
import { gradientVariance } from '../../metrics/gradient-variance';
import { createSbnVae } from '../../models/sbn-vae';
import type { ExperimentConfig } from '../experiment-types';
import { evaluationImages, evaluationSizes, meanOf } from './eval-data';
import { matchedColumn, matchedEstimators } from './matched-variance';
import {
  estimatorModelOptions,
  fewestDraws,
  firstAndLast,
  learnedRates,
  vaeObjectiveOf,
  type Task,
  type TaskEstimator,
} from './task';

/** Importance samples of the evaluation bound, as in the papers. */
export const BOUND_SAMPLES = 100;
const VARIANCE_DRAWS = 20;
const VARIANCE_BATCH = 50;
/** The prior logits' SGD learning rate (the DisARM authors' code). */
export const PRIOR_LR = 1e-2;
/** Fixed seeds of the evaluation draws: the same at every evaluation, so curves are comparable. */
const EVAL_SEED = 12345;

export function vaeTask(config: ExperimentConfig, estimator: TaskEstimator, dataset: Dataset): Task<tf.Tensor2D> {
  const model = createSbnVae({
    visible: 784,
    latent: config.latent ?? [200],
    kind: config.kind ?? 'linear',
    seed: config.seed,
    objective: config.objective ?? vaeObjectiveOf(estimator),
    ...estimatorModelOptions(config, estimator),
  });
  const batcher = createBatcher(dataset.train, { batchSize: config.batch, seed: config.seed, binarize: 'dynamic' });
  const sizes = evaluationSizes(config);
  const train = evaluationImages(dataset.train, sizes.examples, EVAL_SEED);
  const valid = evaluationImages(dataset.valid, sizes.boundExamples, EVAL_SEED + 1);
  const varianceBatch = evaluationImages(dataset.train, VARIANCE_BATCH, EVAL_SEED + 2);
  const samples = config.samples ?? fewestDraws(estimator);
  const encoder = (name: string) => name.startsWith('q');
  const varianceOf = (other: TaskEstimator, draws: number) =>
    gradientVariance(model, other, varianceBatch, {
      draws: VARIANCE_DRAWS,
      seed: EVAL_SEED,
      samples: draws,
      include: encoder,
    });
  const matched = matchedEstimators(config.varianceOf ?? [], model, (other, draws) => {
    const probe = model.gradients(other, varianceBatch, { seed: EVAL_SEED, samples: draws });
    tf.dispose([probe.objective, ...Object.values(probe.gradients)]);
  });
  // A run of the k-sample bound cannot give ELBO estimators its model: their columns stay empty.
  const measured = model.config.objective === 'elbo' ? matched : [];
  return {
    model,
    optimizer: 'adam',
    ...learnedRates(config, estimator, model.estimatorParameters),
    labels: { objective: model.config.objective },
    ...(config.priorOptimizer === 'same' ? {} : { sgd: { 'prior.b': config.priorLr ?? PRIOR_LR } }),
    defaultSamples: fewestDraws(estimator),
    data: {
      batchAt(step) {
        const batch = batcher.batchAt(step);
        batch.labels.dispose();
        return batch.images;
      },
    },
    evaluate: () => ({
      elbo: meanOf(model.elbo(train, { samples: 1, seed: EVAL_SEED })),
      validBound: meanOf(model.bound(valid, { k: BOUND_SAMPLES, seed: EVAL_SEED })),
      encoderVariance: varianceOf(estimator, samples),
      ...Object.fromEntries(measured.map((m) => [matchedColumn(m.name), varianceOf(m.estimator, m.samples)])),
    }),
    summarize(history) {
      const test = evaluationImages(dataset.test, config.testExamples ?? Infinity, EVAL_SEED + 3);
      const testBound = meanOf(model.bound(test, { k: BOUND_SAMPLES, seed: EVAL_SEED }));
      test.dispose();
      const [initialElbo, elbo] = firstAndLast(history, 'elbo');
      const [, encoderVariance] = firstAndLast(history, 'encoderVariance');
      return { initialElbo, elbo, testBound, encoderVariance };
    },
    dispose: () => {
      tf.dispose([train, valid, varianceBatch]);
      model.dispose();
    },
  };
}
