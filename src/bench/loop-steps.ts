/**
 * Timing of whole training-loop steps as `stochgrad train vae` runs them: `train()` with the VAE
 * task's data (a batch of 50 from the training split, dynamically binarised), `gradients()`, Adam
 * and the loop's bookkeeping — everything but evaluation, which is timed on its own.
 *
 * A step is the time from one `batchAt` call to the next. Each round runs `train()` for
 * `count + 2` steps and keeps the `count` steps after the first (whose Adam update creates the
 * optimiser's slots); the model carries its parameters from round to round. The task's periodic
 * evaluation is timed separately (`evaluation()`).
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../data/datasets';
import type { Dataset } from '../data/split';
import { networkEstimator } from '../estimators/layer';
import type { Task } from '../experiments/tasks/task';
import { vaeTask } from '../experiments/tasks/vae-task';
import { train } from '../train/train';
import { samplesFor, timed, type BenchModel, type StepSamples } from './sbn-steps';

/** The training split of the loop rows: Fashion-MNIST when it is installed, else mnist-10k. */
export function loadLoopDataset(): { dataset: Dataset; name: string; description: string } {
  try {
    return { dataset: loadDataset('fashion-mnist'), name: 'fashion-mnist', description: 'fashion-mnist train (50,000 images), dynamic binarisation' };
  } catch (error) {
    const reason = (error as Error).message.split('.')[0];
    return { dataset: loadDataset('mnist-10k'), name: 'mnist-10k', description: `mnist-10k train (8,000 images), dynamic binarisation (${reason})` };
  }
}

export const LOOP_LR = 1e-4;
export const LOOP_BATCH = 50;

export interface LoopBench {
  /** `count` more timed loop steps (wall and CPU milliseconds appended to `into`). */
  steps(count: number, into: StepSamples): Promise<void>;
  /**
   * One of the task's periodic evaluations (its default settings) at the current parameters,
   * re-assigned first so that, as after training steps, no weight is packed yet: its wall and CPU
   * milliseconds appended to `into`.
   */
  evaluation(into: StepSamples): void;
  dispose(): void;
}

/** The VAE task of `stochgrad train vae --batch 50` for a benchmark model (seed 1). */
function benchTask(model: BenchModel, estimator: string, dataset: Dataset, datasetName: string): Task<unknown> {
  const shape = { latent: model === 'two-layer' ? [200, 200] : [200], kind: model === 'nonlinear' ? ('nonlinear' as const) : ('linear' as const) };
  const config = { task: 'vae' as const, estimators: [estimator], dataset: datasetName, steps: 1, batch: LOOP_BATCH, lr: LOOP_LR, seed: 1, evalEvery: 1, ...shape };
  return vaeTask(config, networkEstimator(estimator), dataset) as Task<unknown>;
}

export function createLoopBench(model: BenchModel, estimator: string, dataset: Dataset, datasetName: string): LoopBench {
  const task = benchTask(model, estimator, dataset, datasetName);
  let round = 0;
  return {
    async steps(count, into) {
      const wall: number[] = [];
      const cpu: number[] = [];
      const data = {
        batchAt: (t: number) => {
          wall.push(performance.now());
          const used = process.cpuUsage();
          cpu.push((used.user + used.system) / 1000);
          return task.data.batchAt(t);
        },
      };
      await train(task.model, data, { estimator, steps: count + 2, lr: LOOP_LR, seed: ++round, samples: samplesFor(estimator) });
      for (let t = 1; t <= count; t++) {
        into.wall.push(wall[t + 1] - wall[t]);
        into.cpu.push(cpu[t + 1] - cpu[t]);
      }
    },
    evaluation(into) {
      // Copies (x · 1 keeps every bit) with new data, as a training step's update leaves them.
      const copies = tf.tidy(() => Object.fromEntries(Object.entries(task.model.parameters).map(([name, p]) => [name, tf.mul(p, 1)])));
      task.model.setParameters(copies);
      tf.dispose(Object.values(copies));
      timed(() => task.evaluate(0), into);
    },
    dispose: () => task.dispose(),
  };
}
