/**
 * `stochgrad/lab`: the chapters' own helpers — experiments that draw one chapter's figures, the
 * toy's SGD trajectories, the what-if playground and the live VAE demo. They are built on the
 * library (`stochgrad`) and are the same in Node and in browsers (the browser bundle has them as
 * `stochgrad.lab`).
 *
 * ```ts
 * import { estimate } from 'stochgrad';
 * import { playground, toyTrajectories } from 'stochgrad/lab';
 * ```
 *
 * @module stochgrad/lab
 */

// Every chapter's parameters cell: how much to compute (full, workshop, fast)
export { byMode, chapterMode, CHAPTER_MODES } from './chapter-mode';
export type { ChapterMode } from './chapter-mode';

// Chapter 01 and 06: why a coin flip needs an estimator; estimators side by side; the what-if playground
export { coinFlipFigure } from './coin-flip';
export { estimateHistograms } from './estimate-histograms';
export type { EstimateHistogram, EstimateHistogramOptions } from './estimate-histograms';
export {
  EXACT_VARIANCE_ESTIMATORS,
  evaluationsPerEstimate,
  MAX_ABS_PHI,
  ROUND_OFF,
  varianceCurves,
} from './variance-curves';
export type {
  ExactVarianceEstimator,
  VarianceCurveRow,
  VarianceCurves,
  VarianceCurvesOptions,
} from './variance-curves';
export type { CoinFlipOptions } from './coin-flip';
export { checkComparable, closedFormGradient, COMPARABLE_ESTIMATORS, compareEstimators } from './compare';
export { measureEstimator } from './measure-estimator';
export type { MeasureOptions } from './measure-estimator';
export { trainedEstimator } from './trained-estimator';
export type { TrainedEstimator, TrainedEstimatorOptions } from './trained-estimator';
export type { CompareConfig, CompareRow, Comparison } from './compare';
export { playground, playgroundObjective, PLAYGROUND_OBJECTIVES, quadraticObjective } from './playground';
export type { Playground, PlaygroundFigures, PlaygroundObjective, PlaygroundParams, PlaygroundRow } from './playground';

// Chapter 02: the score-function variance as an exact quadratic in the baseline; gate units sampled
export { baselineVariance, baselineVarianceFigure } from './baseline-variance';
export type { BaselineVarianceCurve, BaselineVarianceFigureOptions } from './baseline-variance';
export { sampleUnit } from './unit-samples';
export type { MeanWithError, UnitSample, UnitSampleOptions } from './unit-samples';

// Chapter 03: MuProp's linearisation seen; MuProp against REINFORCE as f bends
export { taylorPicture } from './taylor-picture';
export type { TaylorPicture } from './taylor-picture';
export { curvatureObjective, curvatureSweep } from './curvature-sweep';
export type { CurvatureSweepConfig, CurvatureSweepRow } from './curvature-sweep';
export { meanFieldDiagram } from './mean-field-diagram';
export type { MeanFieldDiagram, MeanFieldDiagramOptions, MeanFieldPass, SampledPass } from './mean-field-diagram';
export { sopDemoImages, trainSopDemo } from './sop-demo';
export type { SopDemoImages, SopDemoOptions } from './sop-demo';

// Chapter 04: antithetic sampling seen; ARM against DisARM as the units grow; SGD trajectories on ARM's toy; its saturation
export { antitheticPicture } from './antithetic-picture';
export type { AntitheticPicture, AntitheticPictureOptions } from './antithetic-picture';
export { antitheticSweep } from './antithetic-sweep';
export type { AntitheticSweepOptions, AntitheticSweepRow } from './antithetic-sweep';
export {
  deterministicStepsTo,
  deterministicToyPath,
  startToyRun,
  summarizeTrajectories,
  toyTrajectories,
  trajectoryFigure,
} from './toy-trajectories';
export type {
  DeterministicPathOptions,
  ToyRun,
  ToyRunSettings,
  ToyTrajectory,
  ToyTrajectoryOptions,
  TrajectorySummary,
} from './toy-trajectories';
export { toySaturation } from './toy-saturation';
export type { SaturationEstimator, SaturationRow, ToySaturationOptions } from './toy-saturation';
export { gradientTraces } from './gradient-traces';
export type { GradientTrace, GradientTraceOptions, GradientTraces, GradientTraceSummary } from './gradient-traces';

// The live VAE page: a small SBN VAE trained in the page, its reconstructions and samples
export { trainVaeDemo, vaeDemoImages } from './vae-demo';
export type { VaeDemoImages, VaeDemoOptions } from './vae-demo';

// Chapter 05: the learning signal, ĝ_φ and the surrogate inside an SBN VAE, for one digit
export { learningSignalPicture } from './learning-signal-picture';
export type {
  LearningSignalDraw,
  LearningSignalOptions,
  LearningSignalPicture,
  LearningSignalUnit,
} from './learning-signal-picture';
