/** Chart builders: pure functions from data to a house-styled `Figure`. */
import type { Figure, Trace } from './figure';
import { HOUSE_CONFIG, houseLayout, type ChartOptions } from './theme';
import { checkPositive, checkSameLength, toData, toNumbers } from './values';
import type { Numbers, Values } from './values';

export interface XYSeries {
  x: Values;
  y: Numbers;
  name?: string;
  color?: string;
  dash?: 'solid' | 'dot' | 'dash' | 'dashdot';
  /** scatterChart: a text label drawn next to each point (one per point). */
  labels?: readonly string[];
}

export interface BarSeries {
  /** Category labels (or numbers). */
  x: Values;
  y: Numbers;
  name?: string;
  color?: string;
}

export interface HistogramSeries {
  values: Numbers;
  name?: string;
  color?: string;
}

export interface HistogramOptions extends ChartOptions {
  /** Maximum number of bins (Plotly picks nice bin edges up to this count). */
  bins?: number;
  /** `'probability density'` makes histograms of different sample sizes comparable. */
  normalize?: 'probability' | 'probability density';
}

function seriesList<S>(series: S | S[], fn: string): S[] {
  const list = Array.isArray(series) ? series : [series];
  if (list.length === 0) throw new RangeError(`${fn}: series must not be empty`);
  list.forEach((s, i) => {
    if (s == null || typeof s !== 'object') {
      throw new TypeError(`${fn}: series[${i}] must be an object; got ${JSON.stringify(s)}`);
    }
  });
  return list;
}

function label(fn: string, list: unknown[], i: number): string {
  return list.length === 1 ? `${fn}: series` : `${fn}: series[${i}]`;
}

function xyTrace(s: XYSeries, where: string, mode: Trace['mode']): Trace {
  const x = toData(s.x, `${where}.x`);
  const y = toNumbers(s.y, `${where}.y`);
  checkSameLength(x, y, where);
  const trace: Trace = { type: 'scatter', mode, x, y };
  if (s.name != null) trace.name = s.name;
  if (mode === 'markers') {
    trace.marker = { size: 6 };
    if (s.color) trace.marker.color = s.color;
    if (s.labels != null) {
      const text = toData(s.labels, `${where}.labels`).map(String);
      if (text.length !== x.length) throw new RangeError(`${where}.labels: ${text.length} labels for ${x.length} points; they must match`);
      Object.assign(trace, { mode: 'markers+text', text, textposition: 'top center' });
    }
  } else {
    trace.line = { width: 2.5 };
    if (s.color) trace.line.color = s.color;
    if (s.dash) trace.line.dash = s.dash;
  }
  return trace;
}

function build(data: Trace[], options: ChartOptions, fn: string): Figure {
  checkPositive(options.width, `${fn}: options.width`);
  checkPositive(options.height, `${fn}: options.height`);
  return { data, layout: houseLayout(options), config: { ...HOUSE_CONFIG } };
}

/** One line per series. */
export function lineChart(series: XYSeries | XYSeries[], options: ChartOptions = {}): Figure {
  const list = seriesList(series, 'lineChart');
  const data = list.map((s, i) => xyTrace(s, label('lineChart', list, i), 'lines'));
  return build(data, options, 'lineChart');
}

/** Markers only, one colour per series. */
export function scatterChart(series: XYSeries | XYSeries[], options: ChartOptions = {}): Figure {
  const list = seriesList(series, 'scatterChart');
  const data = list.map((s, i) => xyTrace(s, label('scatterChart', list, i), 'markers'));
  return build(data, options, 'scatterChart');
}

/** Grouped bars, one group per x category. */
export function barChart(series: BarSeries | BarSeries[], options: ChartOptions = {}): Figure {
  const list = seriesList(series, 'barChart');
  const data = list.map((s, i): Trace => {
    const where = label('barChart', list, i);
    const x = toData(s.x, `${where}.x`);
    const y = toNumbers(s.y, `${where}.y`);
    checkSameLength(x, y, where);
    const trace: Trace = { type: 'bar', x, y };
    if (s.name != null) trace.name = s.name;
    if (s.color) trace.marker = { color: s.color };
    return trace;
  });
  const fig = build(data, options, 'barChart');
  fig.layout.barmode = 'group';
  return fig;
}

/** Overlaid histograms of raw samples; Plotly does the binning in the browser. */
export function histogram(
  series: HistogramSeries | HistogramSeries[],
  options: HistogramOptions = {},
): Figure {
  const list = seriesList(series, 'histogram');
  checkPositive(options.bins, 'histogram: options.bins');
  const data = list.map((s, i): Trace => {
    const trace: Trace = {
      type: 'histogram',
      x: toNumbers(s.values, `${label('histogram', list, i)}.values`),
      opacity: list.length > 1 ? 0.6 : 1,
    };
    if (s.name != null) trace.name = s.name;
    if (s.color) trace.marker = { color: s.color };
    if (options.bins != null) trace.nbinsx = Math.round(options.bins);
    if (options.normalize) trace.histnorm = options.normalize;
    return trace;
  });
  const fig = build(data, options, 'histogram');
  fig.layout.barmode = 'overlay';
  fig.layout.bargap = 0.04;
  return fig;
}
