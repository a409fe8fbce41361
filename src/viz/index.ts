/**
 * Display helpers for every runtime: Plotly figures as plain data (drawn by Plotly wherever it
 * runs), their validation, and HTML tables. The notebook side — figures as HTML and MIME bundles
 * carrying the Plotly bundle, the tslab adapter, danfojs — is Node's (src/node.ts).
 */
export type {
  Axis,
  Datum,
  Figure,
  Font,
  Layout,
  Line,
  Margin,
  Marker,
  PlotConfig,
  Shape,
  Title,
  Trace,
} from './figure';
export { HOUSE_COLORS } from './theme';
export type { ChartOptions } from './theme';
export { bandChart, barChart, histogram, lineChart, scatterChart } from './charts';
export type { BandChartOptions, BandSeries, BarSeries, HistogramOptions, HistogramSeries, XYSeries } from './charts';
export type { Numbers, Values } from './values';
export { checkFigure } from './check-figure';
export { formatNumber } from './format-number';
export { dataFrameHtml } from './table';
export type { DataFrameLike, TableInput, TableOptions, TableRecord } from './table';
export { imageGrid } from './image-grid';
export { imageGridHtml } from './image-grid-html';
export type { ImageGridHtmlOptions } from './image-grid-html';
export type { ImageGrid, ImageGridOptions } from './image-grid';
