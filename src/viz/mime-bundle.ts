/**
 * A figure as a Jupyter MIME bundle: Plotly's own JSON type for front ends with a Plotly renderer
 * (VS Code, JupyterLab with jupyterlab-plotly) plus the self-drawing HTML for everything else
 * (Notebook 6, plain JupyterLab, nbconvert's HTML export). A front end shows the richest type it
 * can render, so each figure is drawn exactly once.
 */
import type { Figure, Layout, PlotConfig, Trace } from './figure';
import { figureHtml, type FigureHtmlOptions } from './figure-html';

/** The MIME type plotly.py sends and Plotly's renderers in VS Code and JupyterLab read. */
export const PLOTLY_MIME_TYPE = 'application/vnd.plotly.v1+json';

/** The `{data, layout, config}` payload of `application/vnd.plotly.v1+json`. */
export interface PlotlyJson {
  data: Trace[];
  layout: Layout;
  config: PlotConfig;
}

export interface FigureMimeBundle {
  [PLOTLY_MIME_TYPE]: PlotlyJson;
  'text/html': string;
  'text/plain': string;
}

/** The figure as plain JSON (non-finite numbers become null, as in the HTML). */
export function plotlyJson(fig: Figure): PlotlyJson {
  const { data, layout } = JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout })) as Figure;
  return { data, layout, config: { ...(fig.config ?? {}) } };
}

/** One display output carrying the figure three ways; `options` go to `figureHtml`. */
export function figureMimeBundle(fig: Figure, options: FigureHtmlOptions = {}): FigureMimeBundle {
  const html = figureHtml(fig, options); // validates fig
  const title = fig.layout.title?.text;
  return {
    [PLOTLY_MIME_TYPE]: plotlyJson(fig),
    'text/html': html,
    'text/plain': title ? `Plotly figure: ${title}` : 'Plotly figure',
  };
}
