/**
 * Structured output prediction, seen (chapter 03): one model of the structured-output task (sop.ts:
 * the top half of a digit → stochastic binary layers → the bottom half) trained with one estimator
 * by the library's `train`, its 100-sample NLL on fixed validation digits at every evaluation, and
 * the images to show: validation digits and the bottom halves the model predicts under their top
 * halves. `runExperiment` disposes its models; this keeps one in reach of `onEvaluation`.
 *
 * ```ts
 * const data = loadDataset('mnist-2k');
 * let images: SopDemoImages | undefined;
 * await trainSopDemo(data, {
 *   estimator: 'muprop', steps: 300,
 *   onEvaluation: (step, _metrics, model) => { if (step === 300) images = sopDemoImages(model, data); },
 * });
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { createBatcher } from '../data/batches';
import type { Dataset } from '../data/split';
import { checkInteger } from '../errors';
import { halves } from '../experiments/tasks/sop-task';
import { checkDemoOptions, type DemoOptions } from './demo-options';
import { createSop, type Sop, type SopKind } from '../models/sop';
import { sopCompletions } from '../models/sop-images';
import { evaluationImages, meanOf } from '../experiments/tasks/eval-data';
import { fewestDraws } from '../experiments/tasks/task';
import { train, type TrainResult } from '../train/train';

export interface SopDemoOptions extends DemoOptions<SopKind> {
  /** Called after each evaluation: steps done, the running training objective and `validNll` (nats), the model. */
  onEvaluation?: (step: number, metrics: Record<string, number>, model: Sop) => void;
}

/** Seed of the evaluation draws and binarisation: the same at every evaluation, so the curve is comparable. */
const EVAL_SEED = 23456;
/** Samples of the evaluation NLL, as in the papers. */
const NLL_SAMPLES = 100;

/** Trains one model with `options.estimator` on `data.train` (digits of 784 pixels); disposes its tensors. */
export async function trainSopDemo(data: Dataset, options: SopDemoOptions): Promise<TrainResult> {
  const { estimator, steps, latent, kind, batch, lr, seed, evalEvery, evalExamples } = checkDemoOptions(options, 100);
  const model = createSop({ latent, kind, seed });
  const batcher = createBatcher(data.train, { batchSize: batch, seed, binarize: 'dynamic' });
  const valid = halves(evaluationImages(data.valid, evalExamples, EVAL_SEED));
  try {
    return await train(
      model,
      {
        batchAt(step) {
          const { images, labels } = batcher.batchAt(step);
          labels.dispose();
          return halves(images);
        },
      },
      {
        estimator,
        steps,
        lr,
        seed,
        samples: fewestDraws(estimator),
        evalEvery,
        evaluate: () => ({ validNll: meanOf(model.nll(valid, { m: NLL_SAMPLES, seed: EVAL_SEED })) }),
        onProgress: (step, _steps, metrics) => options.onEvaluation?.(step, metrics, model),
      },
    );
  } finally {
    tf.dispose([valid.x, valid.y]);
    model.dispose();
  }
}

export interface SopDemoImages {
  /** `count` validation digits, `count · 784` values in [0, 1]; the model is given their top halves. */
  originals: Float32Array;
  /** Each digit's top half above its predicted bottom half averaged over `draws` draws of z (≈ E[y | x]). */
  averaged: Float32Array;
  /** Each digit's top half above `E[y | x, z]` for one draw of z, for two independent draws (`[first, second]`). */
  single: Float32Array[];
}

/**
 * What chapter 03 draws of `model`: the first `count` validation digits and the model's completions
 * of their top halves (sop-images.ts), averaged over `draws` draws of z and from one draw twice.
 */
export function sopDemoImages(model: Sop, data: Dataset, count = 8, seed = 1, draws = 100): SopDemoImages {
  checkInteger('count', count, 1);
  checkInteger('seed', seed, 0);
  checkInteger('draws', draws, 1);
  const tensors = tf.tidy(() => {
    const rows = Math.min(count, data.valid.images.shape[0]);
    const originals = tf.slice(data.valid.images, [0, 0], [rows, -1]) as tf.Tensor2D;
    return [
      originals,
      sopCompletions(model, originals, { draws, seed }),
      sopCompletions(model, originals, { seed: seed + 1 }),
      sopCompletions(model, originals, { seed: seed + 2 }),
    ];
  });
  try {
    const [originals, averaged, ...single] = tensors.map((t) => Float32Array.from(t.dataSync()));
    return { originals, averaged, single };
  } finally {
    tf.dispose(tensors);
  }
}
