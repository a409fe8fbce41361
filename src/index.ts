/** stochgrad: gradient estimators for stochastic binary units. The whole public API. */
import * as tf from '@tensorflow/tfjs';

export { tf };

// Backends
export { BACKENDS, initBackend, parseBackendName } from './backend';
export type { BackendName, InitBackendOptions } from './backend';

// Errors
export { ArgumentError } from './errors';

// Sampling
export { uniformNoise, uniformArray } from './core/random';
export { bernoulliFromNoise, bernoulliScore, logisticNoise } from './core/bernoulli';
export { straightThroughSample } from './core/straight-through';
export type { SurrogateDerivative } from './core/straight-through';

// Estimators and the exact oracle
export { estimate } from './estimators/estimate';
export { estimators, ESTIMATOR_NAMES, isEstimatorName, lookupEstimator } from './estimators/registry';
export type { EstimatorName } from './estimators/registry';
export { blackBox } from './estimators/objective';
export type { Objective } from './estimators/objective';
export type { BaselineState, Estimate, EstimateOptions, EstimatorSpec } from './estimators/types';
export { enumerate, exactExpectation, exactGradient, MAX_ENUMERATION_UNITS } from './estimators/exact';

// Metrics
export { gradientStats } from './metrics/gradient-stats';
export type { GradientStats } from './metrics/gradient-stats';
export { normalQuantile, zBound } from './metrics/normal';
export { closedFormGradient, compareEstimators } from './metrics/compare';
export type { CompareConfig, CompareRow, Comparison } from './metrics/compare';

// Models
export { armToy, linearObjective } from './models/toy';

// Display helpers (Plotly figures, HTML tables, tslab adapter)
export * from './viz';

// Conditional computation (Bengio, Léonard & Courville 2013, section 5): gate unit types and the gated classifier
export { DEFAULT_NOISE, isUnitName, lookupUnit, noisyRectifier, stochasticTimesSmooth, UNIT_NAMES, UNIT_TYPES } from './core/units';
export type { UnitName, UnitSettings } from './core/units';
export { normalQuantileTensor } from './metrics/normal';
export { createGatingNet, DEFAULT_SPARSITY, GATING_ESTIMATOR_NAMES, gatingEstimator } from './models/gating';
export type { GatingBatch, GatingConfig, GatingEvaluation, GatingNet, GatingSampleOptions } from './models/gating';
