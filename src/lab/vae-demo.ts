/**
 * The SBN VAE of the live page (and of `npm run bench:live`'s Node side): a small VAE trained
 * with one estimator on binary digits (vimco trains its k-sample bound, the others the ELBO), its
 * ELBO on fixed validation digits at every evaluation,
 * and the images to show — the same computation in a page and in Node, so their numbers and
 * speeds compare directly.
 *
 * ```ts
 * const data = loadDataset('mnist-2k');  // or, in a page, await fetchDataset('mnist-2k')
 * const { history } = await trainVaeDemo(data, { estimator: 'disarm', steps: 500 });
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { createBatcher } from '../data/batches';
import type { Dataset } from '../data/split';
import { checkInteger } from '../errors';
import { checkDemoOptions, type DemoOptions } from './demo-options';
import { createSbnVae, type SbnKind, type SbnVae } from '../models/sbn-vae';
import { vaeReconstructions, vaeSamples } from '../models/sbn-vae-images';
import { evaluationImages, meanOf } from '../experiments/tasks/eval-data';
import { fewestDraws, learnedRates, vaeOptionsFor } from '../experiments/tasks/task';
import { train, type TrainResult } from '../train/train';

export interface VaeDemoOptions extends DemoOptions<SbnKind> {
  /** Called after each evaluation: steps done, the running training objective and `elbo` (mean ELBO in nats), the model. */
  onEvaluation?: (step: number, metrics: Record<string, number>, model: SbnVae) => void;
  /** Stops the run (the promise rejects with the signal's reason) at the next evaluation. */
  signal?: AbortSignal;
}

/** Seed of the evaluation draws: the same at every evaluation, so the curve is comparable. */
const EVAL_SEED = 12345;

/** Trains one VAE with `options.estimator` on `data.train`; see the module comment. Disposes its tensors. */
export async function trainVaeDemo(data: Dataset, options: VaeDemoOptions): Promise<TrainResult> {
  const { estimator, steps, latent, kind, batch, lr, seed, evalEvery, evalExamples } = checkDemoOptions(options, 200);
  const model = createSbnVae({ visible: data.train.images.shape[1], latent, kind, seed, ...vaeOptionsFor(estimator) });
  const batcher = createBatcher(data.train, { batchSize: batch, seed, binarize: 'none' });
  const evalImages = evaluationImages(data.valid, evalExamples, EVAL_SEED);
  try {
    return await train(
      model,
      {
        batchAt(step) {
          const { images, labels } = batcher.batchAt(step);
          labels.dispose();
          return images;
        },
      },
      {
        estimator,
        steps,
        lr,
        seed,
        samples: fewestDraws(estimator),
        ...learnedRates({ lr }, estimator, model.estimatorParameters),
        evalEvery,
        evaluate: () => ({ elbo: meanOf(model.elbo(evalImages, { samples: 1, seed: EVAL_SEED })) }),
        onProgress: (step, _steps, metrics) => {
          if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
          options.onEvaluation?.(step, metrics, model);
        },
      },
    );
  } finally {
    evalImages.dispose();
    model.dispose();
  }
}

export interface VaeDemoImages {
  /** `count` validation digits, their reconstructions `E[x | z₁]`, and `count` samples from the model, each `count · 784` values in [0, 1]. */
  originals: Float32Array;
  reconstructions: Float32Array;
  samples: Float32Array;
}

/** What the page draws of `model`: the first `count` validation digits, their reconstructions and `count` samples. */
export function vaeDemoImages(model: SbnVae, data: Dataset, count = 8, seed = 1): VaeDemoImages {
  checkInteger('count', count, 1);
  const tensors = tf.tidy(() => {
    const originals = tf.slice(
      data.valid.images,
      [0, 0],
      [Math.min(count, data.valid.images.shape[0]), -1],
    ) as tf.Tensor2D;
    return [originals, vaeReconstructions(model, originals, { seed }), vaeSamples(model, count, { seed })];
  });
  try {
    const [originals, reconstructions, samples] = tensors.map((t) => Float32Array.from(t.dataSync()));
    return { originals, reconstructions, samples };
  } finally {
    tf.dispose(tensors);
  }
}
