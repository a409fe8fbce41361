/**
 * stochgrad in the browser (dist/browser/stochgrad.js, an ES module; stochgrad.global.js defines
 * `globalThis.stochgrad`): the universal API plus browser backends (webgpu, webgl, wasm, cpu),
 * data sets over `fetch`, and page glue (drawing figures with the page's Plotly, image grids).
 */
export * from './universal';
export * as lab from './lab/index';
export { yieldToEventLoop } from './core/yield';
export { BACKENDS, describeBackend, initBackend, parseBackendName } from './web/backend';
export type { BackendName, InitBackendOptions } from './web/backend';
export { FETCHABLE_DATASETS, fetchDataset } from './web/fetch-dataset';
export type { FetchDatasetOptions } from './web/fetch-dataset';
export { libraryFolder, libraryUrl } from './web/location';
export { drawFigure, drawImageGrid } from './web/page';
