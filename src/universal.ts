/**
 * stochgrad's universal API: everything that computes, the same in Node and in browsers — the
 * estimators and the exact oracle, metrics, models, `train()`, data in memory and the figure
 * builders. The chapters' own helpers (toy trajectories, the playground, the sweeps that draw a
 * chapter's figures) are `stochgrad/lab` (lab/index.ts). Nothing here touches `fs`, `path` or `process`. The Node entry
 * (node.ts, and index.ts = both) adds backends, files, checkpoints on disk, the CLI's experiments
 * and the notebook display; the browser entry (browser.ts) adds browser backends, `fetch` and page glue.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };

// Errors
export { ArgumentError, MissingPackageError } from './errors';
export type { OptionalPackage } from './errors';

// Sampling
export { uniformNoise, uniformArray } from './core/random';
export { bernoulliFromNoise, bernoulliScore, logBernoulli, logisticNoise } from './core/bernoulli';
export { straightThroughSample } from './core/straight-through';
export type { SurrogateDerivative } from './core/straight-through';

// Estimators and the exact oracle
export { estimate, groupMeans } from './estimators/estimate';
export { estimators, ESTIMATOR_NAMES, isEstimatorName, lookupEstimator, resolveEstimator } from './estimators/registry';
export type { ResolvedEstimator } from './estimators/registry';
export type { EstimatorName } from './estimators/registry';
export { blackBox } from './estimators/objective';
export type { Objective } from './estimators/objective';
export type {
  BaselineState,
  Estimate,
  EstimateOptions,
  EstimatorFamily,
  EstimatorObjective,
  EstimatorSpec,
  SteinFunction,
  SteinTraining,
} from './estimators/types';
export { ESTIMATOR_FAMILIES, ESTIMATOR_OBJECTIVES, objectiveOf } from './estimators/types';
export type { GenerativeDraws } from './models/chain-gradients';
export { GENERATIVE_DRAWS } from './models/chain-gradients';
export {
  enumerate,
  enumerateBound,
  exactBoundGradient,
  exactExpectation,
  exactGradient,
  exactGradientOf,
  MAX_ENUMERATION_UNITS,
} from './estimators/exact';

// Metrics
export { gradientStats } from './metrics/gradient-stats';
export type { GradientStats } from './metrics/gradient-stats';
export { normalQuantile, zBound } from './core/normal';

// Models
export { armToy, linearObjective } from './models/toy';
export { createSbnVae, SBN_KINDS } from './models/sbn-vae';
export type { SbnKind, SbnVae, SbnVaeConfig } from './models/sbn-vae';
export { vaeReconstructions, vaeSamples } from './models/sbn-vae-images';
export type { VaeImageOptions } from './models/sbn-vae-images';
export { gradientVariance } from './metrics/gradient-variance';
export type { GradientVarianceOptions } from './metrics/gradient-variance';

// Estimators inside networks (for building new models)
export { layerGradient, networkEstimator, NETWORK_ESTIMATOR_NAMES } from './estimators/layer';
export type { EstimatorSettings, LayerProblem, NetworkEstimator } from './estimators/layer';
export type { PathwiseSample, TaylorExpansion } from './estimators/types';
export { completion, meanFieldExpansions, samplePath } from './models/chain';
export type { Chain, Path } from './models/chain';
export { chainGradients } from './models/chain-gradients';
export { chainExact } from './models/chain-exact';

// Experiments: the contract between runExperiment (Node) and its front ends
export { TASK_NAMES } from './experiments/experiment-types';
export type {
  EstimatorRun,
  ExperimentConfig,
  ExperimentHooks,
  HistoryRow,
  ProgressEvent,
  TaskName,
} from './experiments/experiment-types';

// Display: Plotly figures as data, their validation, HTML tables, image grids
export * from './viz';

// Training: the toy model, optimisers, the training loop with checkpoints, history
export type { EstimatorArgument, GradientOptions, GradientResult, JsonValue, Model, NestedArray } from './models/model';
export { createToyModel } from './models/toy-model';
export type { ToyModel, ToyModelOptions, ToySurrogateOptions } from './models/toy-model';
export { createOptimizer, OPTIMIZER_KINDS } from './train/optimizer';
export type { Optimizer, OptimizerKind, OptimizerOptions, OptimizerState, SlotValue } from './train/optimizer';
export { train } from './train/train';
export type { TrainData, TrainOptions, TrainResult } from './train/train';
export type { Divergence } from './train/divergence';
export type { BestParameters, KeepBest } from './train/best';
export { historyCsv } from './train/history';
export type { TrainRow } from './train/history';
export { hasCheckpoint, useCheckpointStorage } from './train/checkpoint';
export type { CheckpointStorage } from './train/checkpoint';

// Data in memory: splits, the IDX format, binarisation, halves, resumable seeded minibatches (data sets by name from files are Node's loadDataset, from URLs the
// browser's fetchDataset)
export { disposeDataset, IMAGE_PIXELS, IMAGE_SIDE } from './data/split';
export type { Dataset, Split } from './data/split';
export { DataFileError, parseIdxImages, parseIdxLabels } from './data/idx';
export type { IdxImages, IdxLabels } from './data/idx';
export { binarize, BINARIZE_MODES } from './data/binarize';
export type { BinarizeMode, BinarizeOptions } from './data/binarize';
export { HALF_PIXELS, splitHalves } from './data/halves';
export { BATCH_BINARIZE_MODES, createBatcher } from './data/batches';
export type { Batch, BatchBinarize, Batcher, BatcherOptions } from './data/batches';

// Structured output prediction (predict the bottom half of a digit from its top half)
export { createSop, sopBatchFrom, SOP_KINDS } from './models/sop';
export type { Sop, SopBatch, SopConfig, SopKind } from './models/sop';
export { sopCompletions, sopPrediction } from './models/sop-images';
export type { SopImageOptions } from './models/sop-images';

// Conditional computation (Bengio, Léonard & Courville 2013, section 5): gate unit types and the gated classifier
export { isUnitName, noisyRectifier, stochasticTimesSmooth, UNIT_NAMES } from './models/units';
export type { UnitName, UnitSettings } from './models/units';
export { createGatingNet, GATING_ESTIMATOR_NAMES, gatingEstimator } from './models/gating';
export type { GatingBatch, GatingConfig, GatingEvaluation, GatingNet, GatingSampleOptions } from './models/gating';

// ARM's antithetic pair
export { antitheticPair, pairDifferProbability } from './core/antithetic-pair';
export type { AntitheticSamples } from './core/antithetic-pair';

// The gate unit types' closed-form moments (with the normal CDF behind them)
export { unitMoments } from './models/unit-moments';
export type { UnitMoments } from './models/unit-moments';
export { normalCdf } from './core/normal';

// Results over seeds, and verdicts on published claims (the rule of docs/findings.md)
export { meanAndSe, seedBands } from './metrics/seed-bands';
export type { MeanSe, SeedBand, SeedBandOptions } from './metrics/seed-bands';
export { pairedDifferences } from './metrics/paired-differences';
export { bestOfGroups, groupSummary, sustainedFrom } from './metrics/group-summary';
export { studentTCdf, studentTQuantile } from './metrics/student-t';
export { FINDINGS, holm, signTest, tailMeans, testClaims } from './metrics/claim-tests';
export { claimFromResults } from './results/claims';
export type { ClaimSpec } from './results/claims';
export type { ClaimInput, ClaimResult, Finding, TailMeanOptions } from './metrics/claim-tests';
export type { BestOfGroupsOptions, GroupSummary, GroupSummaryOptions } from './metrics/group-summary';
export { GATING_ERROR, SOP_TEST_NLL } from './results/published';
export type { PublishedNumber } from './results/published';
export type { PairedDifference, PairedDifferenceOptions } from './metrics/paired-differences';
export { parameterAgreement } from './metrics/parameter-agreement';
export type { ParameterAgreement, ParameterAgreementOptions } from './metrics/parameter-agreement';
