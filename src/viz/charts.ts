/** Chart builders: pure functions from data to a house-styled `Figure`. */
import type { Figure, Trace } from './figure';
import { HOUSE_COLORS, HOUSE_CONFIG, houseLayout, type ChartOptions } from './theme';
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

/** A curve with an error band: `mean ± z·se` (bandChart). */
export interface BandSeries {
  x: Numbers;
  mean: Numbers;
  /** Standard errors; null (e.g. one seed) draws no band at that point. */
  se: ArrayLike<number | null>;
  name?: string;
  color?: string;
}

export interface BandChartOptions extends ChartOptions {
  /** Half-width of the band in standard errors (default 1: mean ± se). */
  z?: number;
}

export interface BarSeries {
  /** Category labels (or numbers). */
  x: Values;
  y: Numbers;
  name?: string;
  color?: string;
  /** Half-widths of error bars, one per bar, ≥ 0 (e.g. 2 standard errors). */
  error?: Numbers;
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
      if (text.length !== x.length)
        throw new RangeError(`${where}.labels: ${text.length} labels for ${x.length} points; they must match`);
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
    if (s.error != null) {
      const error = toNumbers(s.error, `${where}.error`).map((e) => e ?? 0); // no bar where unknown
      checkSameLength(x, error, `${where}.error`);
      if (!error.every((e) => e >= 0)) throw new RangeError(`${where}.error: error bars must be ≥ 0`);
      trace.error_y = { type: 'data', array: error, visible: true };
    }
    return trace;
  });
  const fig = build(data, options, 'barChart');
  fig.layout.barmode = 'group';
  return fig;
}

/** Overlaid histograms of raw samples; Plotly does the binning in the browser. */
export function histogram(series: HistogramSeries | HistogramSeries[], options: HistogramOptions = {}): Figure {
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

/** `#0072B2` → `rgba(0,114,178,alpha)`; other colour strings are returned as they are. */
function translucent(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  return hex
    ? `rgba(${hex
        .slice(1)
        .map((h) => parseInt(h, 16))
        .join(',')},${alpha})`
    : color;
}

/** The band of one series as a closed polygon (upper edge forward, lower edge back) and its mean line. */
function bandTraces(s: BandSeries, where: string, color: string, z: number, logX: boolean): Trace[] {
  const x = toNumbers(s.x, `${where}.x`);
  const mean = toNumbers(s.mean, `${where}.mean`);
  const se = toNumbers(s.se, `${where}.se`);
  checkSameLength(x, mean, where);
  checkSameLength(x, se, `${where} (x and se)`);
  const keep = x.map((v, i) => v !== null && mean[i] !== null && (!logX || v > 0));
  const pick = <T>(values: T[]) => values.filter((_, i) => keep[i]);
  const [px, pm, ps] = [pick(x) as number[], pick(mean) as number[], pick(se)];
  const upper = pm.map((m, i) => m + z * (ps[i] ?? 0));
  const lower = pm.map((m, i) => m - z * (ps[i] ?? 0));
  const group = s.name ?? where;
  const band: Trace = {
    type: 'scatter',
    mode: 'lines',
    x: [...px, ...[...px].reverse()],
    y: [...upper, ...lower.reverse()],
    fill: 'toself',
    fillcolor: translucent(color, 0.2),
    line: { width: 0, color },
    hoverinfo: 'skip',
    showlegend: false,
    legendgroup: group,
  };
  const line: Trace = { type: 'scatter', mode: 'lines', x: px, y: pm, line: { width: 2.5, color }, legendgroup: group };
  if (s.name != null) line.name = s.name;
  return [band, line];
}

/**
 * Curves with error bands, e.g. mean ± se over seeds from `seedBands`: per series a shaded band
 * `mean ± z·se` (default z = 1) and the mean line, toggled together from the legend. With
 * `logX`, points at x ≤ 0 (step 0) are left out, as a log axis cannot show them.
 */
export function bandChart(series: BandSeries | BandSeries[], options: BandChartOptions = {}): Figure {
  const list = seriesList(series, 'bandChart');
  const z = options.z ?? 1;
  if (!(Number.isFinite(z) && z >= 0)) throw new RangeError(`bandChart: options.z must be a number >= 0; got ${z}`);
  const data = list.flatMap((s, i) =>
    bandTraces(
      s,
      label('bandChart', list, i),
      s.color ?? HOUSE_COLORS[i % HOUSE_COLORS.length],
      z,
      options.logX === true,
    ),
  );
  return build(data, options, 'bandChart');
}
