/**
 * PLACEHOLDER written on the `cli` branch so `stochgrad train` compiles: the lead's real
 * `runExperiment` replaces this whole file. It implements nothing and always throws.
 */
import type { EstimatorRun, ExperimentConfig, ExperimentHooks } from './experiment-types';

/** Trains one model per estimator in `config` (see experiment-types.ts). Not implemented here. */
export async function runExperiment(config: ExperimentConfig, hooks?: ExperimentHooks): Promise<EstimatorRun[]> {
  void config;
  void hooks;
  throw new Error('runExperiment: not yet implemented');
}
