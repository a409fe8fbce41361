/**
 * The parameters an estimator owns in a model rather than the objective: the learned
 * input-dependent baseline (nvil, muprop-c-idb) and RODEO's learned Stein function. Models list
 * them as `estimatorParameters`; max-norm and the like leave them alone.
 */
import { inputBaselineNames } from './input-baseline';
import type { Parameters } from './parameters';
import { steinFunctionNames } from './stein-function';

export function estimatorParameterNames(parameters: Parameters): string[] {
  return [...inputBaselineNames(parameters), ...steinFunctionNames(parameters)];
}
