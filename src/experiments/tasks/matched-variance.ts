/**
 * The encoder-gradient variance of other estimators at a run's own parameters (`varianceOf`,
 * `--variance-of`): the comparison at matched parameters that RODEO's authors make with their
 * "gradient basket" (github.com/thjashin/rodeo, `estimate_grad_basket`: while one estimator
 * trains, others estimate the gradient at the same parameters). Each curve of a run's own
 * `encoderVariance` follows its own trajectory; these columns, `encoderVariance:<name>`, follow
 * the run's.
 *
 * Only estimators that are functions of the draws alone can be measured this way: one with
 * learned parts (rodeo's function, nvil's baseline network) or a running state (an EMA baseline,
 * double-cv's α) would be measured with parts trained for, or by, another estimator. The task
 * refuses those, and the estimators of another objective than the model's (vimco's bound): a
 * run that trains the k-sample bound leaves the columns empty.
 */
import { ArgumentError } from '../../errors';
import type { SbnVae } from '../../models/sbn-vae';
import { objectiveOf } from '../../estimators/types';
import { fewestDraws, resolveTaskEstimator, type TaskEstimator } from './task';

export interface MatchedEstimator {
  name: string;
  estimator: TaskEstimator;
  samples: number;
}

/** The history column of `name`'s variance at the run's parameters. */
export const matchedColumn = (name: string) => `encoderVariance:${name}`;

/**
 * The estimators of `names`, checked: registry estimators without learned parts or running state,
 * of the ELBO. `probe` runs one estimate on the model so that an estimator that writes the
 * model's state is caught (the state is restored).
 */
/** The model's state as JSON without its empty slots (every estimator gets a slot of nulls per layer). */
const stateWritten = (state: unknown) =>
  JSON.stringify(state, (_, value) => (Array.isArray(value) && value.every((v) => v === null) ? undefined : value));

export function matchedEstimators(
  names: readonly string[],
  model: SbnVae,
  probe: (estimator: TaskEstimator, samples: number) => void,
): MatchedEstimator[] {
  const argument = 'config.varianceOf';
  if (!Array.isArray(names)) throw new ArgumentError(argument, 'expected an array of estimator names');
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new ArgumentError(argument, `lists ${JSON.stringify(twice)} twice`);
  return names.map((name) => {
    const estimator = resolveTaskEstimator('vae', name, argument, { objective: 'elbo' });
    const spec = estimator.spec!;
    if (spec.learned !== undefined)
      throw new ArgumentError(
        argument,
        `${name} learns ${spec.learned === 'stein-function' ? 'a Stein function' : `an ${spec.learned}`} alongside the model, which another run's parameters do not train; list estimators that are functions of the draws alone`,
      );
    if (objectiveOf(spec) !== 'expectation') throw new ArgumentError(argument, `${name} estimates another objective`);
    const samples = fewestDraws(estimator);
    if (model.config.objective === 'elbo') {
      const state = model.getState();
      const before = stateWritten(state);
      probe(estimator, samples);
      const after = stateWritten(model.getState());
      model.setState(state);
      if (after !== before)
        throw new ArgumentError(
          argument,
          `${name} keeps a running state (a baseline) that another run's history does not give it; list estimators that are functions of the draws alone`,
        );
    }
    return { name, estimator, samples };
  });
}
