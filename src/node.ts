/**
 * stochgrad's Node-only API, the edges of the library: backends for Node (tfjs-node, wasm, cpu),
 * data sets read from files, checkpoints and histories on disk, the experiments `stochgrad train`
 * runs, and the notebook display (figures as HTML and MIME bundles with the Plotly bundle, the
 * tslab adapter, danfojs). Loading this module registers files as the checkpoint storage.
 * `import … from 'stochgrad'` in Node is this plus the universal API (index.ts).
 */
import { useCheckpointStorage } from './train/checkpoint';
import { fileCheckpointStorage } from './train/checkpoint-files';

useCheckpointStorage(fileCheckpointStorage);

// Backends
export { BACKENDS, initBackend, parseBackendName } from './backend';
export type { BackendName, InitBackendOptions } from './backend';

// Data sets from files: by name (mnist-10k, mnist-2k, fashion-mnist, idx:<dir>), IDX files
export { DATASET_NAMES, loadDataset } from './data/datasets';
export type { DatasetName, FixedDatasetName } from './data/datasets';
export { MNIST_10K_SIZES } from './data/mnist-10k';

// Checkpoints and histories on disk; experiments (what `stochgrad train` runs) and seeds
export { fileCheckpointStorage } from './train/checkpoint-files';
export { historyFrame, writeHistoryCsv } from './train/history-files';
export { runExperiment } from './experiments/experiment';
export { expandPlan, loadPlan, parsePlan, PlanError } from './sweep/plan';
export type { PlannedRun, PlanValue, SweepPlan } from './sweep/plan';

// The papers' experiments as shipped data (data/results/), and replays of their first evaluations
export { csvRows, loadResults, RESULT_FILES, resultsDir, shippedResults } from './results/load-results';
export type { Cell, ResultRow, ResultsManifest, ShippedResults } from './results/load-results';
export { replayRun } from './results/replay';
export type { Replay, ReplayOptions, ReplayRow } from './results/replay';
export { combineResults, findingsTable, PAPER_CLAIMS, paperFindings, shippedPlansTable } from './results/findings';
export type { FindingsChapter, PaperClaim, PaperFinding, PaperFindingsOptions } from './results/findings';
export { matchedVarianceColumn, matchedVarianceGaps, matchedVarianceRatios } from './results/matched-variance';
export { meanCurves, runSeeds, summarizeSeeds } from './experiments/seeds';
export type { SeededRun, SeedSummaryRow } from './experiments/seeds';

// Notebook display: figures as HTML and MIME bundles (with the Plotly bundle), the tslab adapter, danfojs
export { figureHtml } from './viz/figure-html';
export type { FigureHtmlOptions } from './viz/figure-html';
export { plotlyBundleHtml } from './viz/plotly-bundle';
export { PLOTLY_MIME_TYPE, figureMimeBundle, plotlyJson } from './viz/mime-bundle';
export type { FigureMimeBundle, PlotlyJson } from './viz/mime-bundle';
export {
  figureDisplayBundle,
  figureDisplayHtml,
  resetPlotlyBundle,
  showFigure,
  showImageGrid,
  showTable,
} from './viz/tslab';
export { dfd } from './viz/danfo';
export type { DanfoModule, DataFrame } from './viz/danfo';
