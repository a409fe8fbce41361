/** A typed, minimal subset of the Plotly figure spec: what stochgrad's charts emit. */

/** One plotted value; `null` leaves a gap (non-finite numbers become `null`). */
export type Datum = number | string | null;

export interface Title {
  text: string;
}

export interface Line {
  color?: string;
  width?: number;
  dash?: 'solid' | 'dot' | 'dash' | 'dashdot';
}

export interface Marker {
  color?: string;
  size?: number;
  opacity?: number;
}

export interface Trace {
  type: 'scatter' | 'bar' | 'histogram';
  name?: string;
  x?: Datum[];
  y?: Datum[];
  mode?: 'lines' | 'markers' | 'lines+markers';
  line?: Line;
  marker?: Marker;
  opacity?: number;
  nbinsx?: number;
  histnorm?: '' | 'probability' | 'probability density';
  showlegend?: boolean;
  /** Traces of one legend entry (a band and its mean line) toggle together. */
  legendgroup?: string;
  /** `toself`: fill the polygon the trace draws (bandChart's bands). */
  fill?: 'none' | 'toself' | 'tonexty';
  fillcolor?: string;
  /** `skip`: no hover label (bandChart's bands). */
  hoverinfo?: 'all' | 'skip' | 'none';
  /** Symmetric error bars of a bar trace: `array[k]` above and below point k (barChart's `error`). */
  error_y?: { type: 'data'; array: number[]; visible: boolean };
  /** Per-point labels and where they sit (scatterChart's `labels`). */
  text?: string[];
  textposition?: 'top center' | 'bottom center' | 'middle right' | 'middle left';
}

export interface Font {
  family?: string;
  size?: number;
  color?: string;
}

export interface Axis {
  title?: Title;
  type?: 'linear' | 'log' | 'category';
  range?: [number, number];
  zeroline?: boolean;
  gridcolor?: string;
  linecolor?: string;
  showline?: boolean;
  ticks?: '' | 'outside' | 'inside';
  automargin?: boolean;
  /** How tick exponents are written; the house style is `'power'` (10³), never SI prefixes (µ). */
  exponentformat?: 'none' | 'e' | 'E' | 'power' | 'SI' | 'B';
}

export interface Margin {
  l: number;
  r: number;
  t: number;
  b: number;
}

export interface Layout {
  title?: Title & { x?: number; xanchor?: 'left' | 'center' | 'right' };
  xaxis?: Axis;
  yaxis?: Axis;
  font?: Font;
  margin?: Margin;
  colorway?: string[];
  paper_bgcolor?: string;
  plot_bgcolor?: string;
  width?: number;
  height?: number;
  showlegend?: boolean;
  legend?: { orientation?: 'h' | 'v'; x?: number; y?: number; xanchor?: string; yanchor?: string };
  barmode?: 'group' | 'stack' | 'overlay';
  bargap?: number;
  /** Lines drawn over the plot, e.g. a vertical mark at one x across the whole height (`yref: 'paper'`). */
  shapes?: Shape[];
}

/** A straight line over the plot, in data coordinates (or, with `yref: 'paper'`, 0–1 of the height). */
export interface Shape {
  type: 'line';
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  yref?: 'y' | 'paper';
  line?: Line;
}

/** Plotly's per-plot options (the fourth argument of `Plotly.newPlot`). */
export interface PlotConfig {
  responsive?: boolean;
  displaylogo?: boolean;
  displayModeBar?: boolean | 'hover';
  staticPlot?: boolean;
}

export interface Figure {
  data: Trace[];
  layout: Layout;
  config?: PlotConfig;
}
