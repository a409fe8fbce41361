/** ARM's toy (Yin & Zhou 2019): maximise `E[Σ_i (z_i − p0)^2]` by SGD; σ(φ) → 1 is the optimum for p0 < 0.5. */
import * as tf from '@tensorflow/tfjs';
import { createToyModel } from '../../models/toy-model';
import type { ExperimentConfig } from '../experiment-types';
import { firstAndLast, oneOrTwoDraws, type Task } from './task';

export function toyTask(config: ExperimentConfig, estimator: string): Task<void> {
  const model = createToyModel({ p0: config.p0 ?? 0.49, units: config.units ?? 1, ...(estimator === 'relax' ? { surrogate: { seed: config.seed } } : {}) });
  return {
    model,
    optimizer: 'sgd',
    defaultSamples: oneOrTwoDraws,
    data: { batchAt: () => undefined },
    evaluate: () => ({ probability: tf.tidy(() => tf.mean(tf.sigmoid(model.parameters.phi)).dataSync()[0]) }),
    summarize(history) {
      const [initialProbability, probability] = firstAndLast(history, 'probability');
      return { initialProbability, probability };
    },
    dispose: () => model.dispose(),
  };
}
