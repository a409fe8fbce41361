/** House style: every stochgrad figure gets the same fonts, margins, colours and size. */
import type { Axis, Layout, PlotConfig } from './figure';

/** Okabe–Ito palette: distinguishable under the common colour-vision deficiencies. */
export const HOUSE_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

export const HOUSE_FONT = {
  family: '-apple-system, "Segoe UI", "Helvetica Neue", Helvetica, Arial, sans-serif',
  size: 13,
  color: '#222222',
};

export const HOUSE_HEIGHT = 380;

export const HOUSE_CONFIG: PlotConfig = { responsive: true, displaylogo: false };

export interface ChartOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  xRange?: [number, number];
  yRange?: [number, number];
  logX?: boolean;
  logY?: boolean;
  /** Pixels; the width defaults to the output area's width. */
  width?: number;
  height?: number;
  showLegend?: boolean;
}

function houseAxis(title: string | undefined, range?: [number, number], log?: boolean): Axis {
  const axis: Axis = {
    showline: true,
    linecolor: '#444444',
    ticks: 'outside',
    gridcolor: '#e6e6e6',
    zeroline: false,
    automargin: true,
    exponentformat: 'power', // 10^−6, never Plotly's default SI prefixes (µ, m), on every axis
  };
  if (title != null) axis.title = { text: title };
  if (range != null) axis.range = log ? [Math.log10(range[0]), Math.log10(range[1])] : range;
  if (log) axis.type = 'log';
  return axis;
}

/** The house layout for a chart with the given titles and sizes. */
export function houseLayout(options: ChartOptions = {}): Layout {
  const layout: Layout = {
    font: { ...HOUSE_FONT },
    margin: { l: 64, r: 24, t: options.title != null ? 84 : 48, b: 56 },
    colorway: [...HOUSE_COLORS],
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    height: options.height ?? HOUSE_HEIGHT,
    xaxis: houseAxis(options.xTitle, options.xRange, options.logX),
    yaxis: houseAxis(options.yTitle, options.yRange, options.logY),
    legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
  };
  if (options.title != null) layout.title = { text: options.title };
  if (options.width != null) layout.width = options.width;
  if (options.showLegend != null) layout.showlegend = options.showLegend;
  return layout;
}
