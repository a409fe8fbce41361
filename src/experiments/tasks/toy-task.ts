/**
 * ARM's toy (Yin & Zhou 2019): maximise `E[Σ_i (z_i − p0)^2]` by SGD; σ(φ) → 1 is the optimum for
 * p0 < 0.5, σ(φ) → 0 for p0 > 0.5. RELAX trains its surrogate `c_ψ` in the same loop, at its own
 * learning rate `surrogateLr` when given.
 */
import * as tf from '@tensorflow/tfjs';
import { createToyModel } from '../../models/toy-model';
import type { ExperimentConfig } from '../experiment-types';
import { firstAndLast, fewestDraws, type Task, type TaskEstimator } from './task';

export function toyTask(config: ExperimentConfig, estimator: TaskEstimator): Task<void> {
  const relax = estimator.spec?.learned === 'surrogate';
  const model = createToyModel({
    p0: config.p0 ?? 0.49,
    units: config.units ?? 1,
    ...(relax ? { surrogate: { seed: config.seed } } : {}),
  });
  const surrogate = Object.keys(model.parameters).filter((name) => name.startsWith('relax.'));
  return {
    model,
    optimizer: 'sgd',
    ...(relax && config.surrogateLr !== undefined
      ? { lrScale: Object.fromEntries(surrogate.map((name) => [name, config.surrogateLr! / config.lr])) }
      : {}),
    defaultSamples: fewestDraws(estimator),
    data: { batchAt: () => undefined },
    evaluate: () => ({ probability: tf.tidy(() => tf.mean(tf.sigmoid(model.parameters.phi)).dataSync()[0]) }),
    summarize(history) {
      const [initialProbability, probability] = firstAndLast(history, 'probability');
      return { initialProbability, probability };
    },
    dispose: () => model.dispose(),
  };
}
