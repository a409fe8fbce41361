/**
 * The estimators by name. The name list is derived from this object, so the type, the runtime
 * check and the error message listing valid names can never drift apart.
 */
import { ArgumentError, messages } from '../errors';
import { ar } from './ar';
import { arm } from './arm';
import { arms } from './arms';
import { concrete } from './concrete';
import { disarm } from './disarm';
import { doubleCv } from './double-cv';
import { gumbelSt } from './gumbel-st';
import { muprop, mupropC, mupropCIdb, mupropCVn } from './muprop';
import { nvil } from './nvil';
import { rebar } from './rebar';
import { reinforce } from './reinforce';
import { reinforceEma } from './reinforce-ema';
import { reinforceLoo } from './reinforce-loo';
import { reinforceOptimal } from './reinforce-optimal';
import { reinmax } from './reinmax';
import { relax } from './relax';
import { rodeo } from './rodeo';
import { oneHalf, st, stAnnealed, stSigmoid } from './straight-through';
import { vimco } from './vimco';
import type { EstimatorSpec } from './types';

export const estimators = {
  reinforce,
  'reinforce-ema': reinforceEma,
  'reinforce-optimal': reinforceOptimal,
  'reinforce-loo': reinforceLoo,
  'double-cv': doubleCv,
  st,
  'st-sigmoid': stSigmoid,
  'st-annealed': stAnnealed,
  muprop,
  'muprop-c': mupropC,
  'muprop-c-vn': mupropCVn,
  'muprop-c-idb': mupropCIdb,
  nvil,
  'one-half': oneHalf,
  ar,
  arm,
  disarm,
  arms,
  concrete,
  'gumbel-st': gumbelSt,
  reinmax,
  rebar,
  relax,
  rodeo,
  vimco,
} as const satisfies Record<string, EstimatorSpec>;

export type EstimatorName = keyof typeof estimators;

export const ESTIMATOR_NAMES = Object.keys(estimators) as EstimatorName[];

export function isEstimatorName(name: unknown): name is EstimatorName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(estimators, name);
}

/** A registry entry resolved once, at the edge, and handed down with its name. */
export interface ResolvedEstimator {
  readonly name: EstimatorName;
  readonly spec: EstimatorSpec;
}

/**
 * `estimator` resolved: a name looked up (an error lists every valid one); a resolved estimator is
 * returned as it is when it is the registry's own entry.
 */
export function resolveEstimator(estimator: unknown, argument = 'estimator'): ResolvedEstimator {
  if (typeof estimator !== 'object' || estimator === null)
    return { name: estimator as EstimatorName, spec: lookupEstimator(estimator, argument) };
  const { name, spec } = estimator as Partial<ResolvedEstimator>;
  if (isEstimatorName(name) && spec === estimators[name]) return { name, spec };
  throw new ArgumentError(
    argument,
    'expected an estimator name or a resolved estimator { name, spec } from the registry',
  );
}

/** The registered name of `estimator`, a name or a resolved estimator. */
export function estimatorNameOf(estimator: string | { readonly name: string }): string {
  return typeof estimator === 'string' ? estimator : estimator.name;
}

/** The spec of `name`, or an error listing every valid name. */
export function lookupEstimator(name: unknown, argument = 'name'): EstimatorSpec {
  if (!isEstimatorName(name))
    throw new ArgumentError(argument, messages.unknownName('estimator', String(name), ESTIMATOR_NAMES));
  return estimators[name];
}
