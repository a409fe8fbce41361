/**
 * stochgrad in the browser (dist/browser/stochgrad.js, an ES module; stochgrad.global.js defines
 * `globalThis.stochgrad`): the universal API plus browser backends (webgpu, webgl, wasm, cpu),
 * data sets over `fetch`, and page glue (drawing figures with the page's Plotly, image grids).
 */
export * from './universal';
export { BACKENDS, describeBackend, initBackend, parseBackendName } from './browser/backend';
export type { BackendName, InitBackendOptions } from './browser/backend';
export { FETCHABLE_DATASETS, fetchDataset } from './browser/fetch-dataset';
export type { FetchDatasetOptions } from './browser/fetch-dataset';
export { libraryFolder, libraryUrl } from './browser/location';
export { drawFigure, drawImageGrid } from './browser/page';
