/** Display helpers: Plotly figures and HTML tables, plus the tslab notebook adapter. */
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
  Title,
  Trace,
} from './figure';
export { HOUSE_COLORS, HOUSE_CONFIG, HOUSE_FONT, HOUSE_HEIGHT, houseLayout } from './theme';
export type { ChartOptions } from './theme';
export { bandChart, barChart, histogram, lineChart, scatterChart } from './charts';
export type { BandChartOptions, BandSeries, BarSeries, HistogramOptions, HistogramSeries, XYSeries } from './charts';
export type { Numbers, Values } from './values';
export { checkFigure, figureHtml } from './figureHtml';
export type { FigureHtmlOptions } from './figureHtml';
export { PLOTLY_BUNDLE_MARKER, plotlyBundleHtml } from './plotlyBundle';
export { escapeHtml } from './escapeHtml';
export { formatNumber } from './formatNumber';
export { dataFrameHtml } from './table';
export type { DataFrameLike, TableInput, TableOptions, TableRecord } from './table';
export { PLOTLY_MIME_TYPE, figureMimeBundle, plotlyJson } from './mimeBundle';
export type { FigureMimeBundle, PlotlyJson } from './mimeBundle';
export { figureDisplayBundle, figureDisplayHtml, resetPlotlyBundle, showFigure, showTable } from './tslab';
export { dfd } from './danfo';
export type { DanfoModule, DataFrame } from './danfo';
