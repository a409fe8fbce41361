/** A `Figure` as an HTML snippet: a div plus a script that draws into it with Plotly. */
import { randomBytes } from 'node:crypto';
import { checkFigure } from './check-figure';
import type { Figure } from './figure';
import { plotlyBundleHtml } from './plotly-bundle';

export interface FigureHtmlOptions {
  /** Element id; defaults to a fresh random one (ids must be unique on the page). */
  id?: string;
  /** Prepend the Plotly bundle (needed once per page). Default false. */
  includeBundle?: boolean;
}

/** JSON that is safe inside an inline <script>; NaN/Infinity serialise as null. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function newFigureId(): string {
  return `stochgrad-fig-${randomBytes(6).toString('hex')}`;
}

/**
 * The drawing script polls: Notebook 6 runs output scripts before the output is attached to
 * the document, and Plotly may arrive in an earlier output that is still rendering.
 */
function drawScript(id: string, fig: Figure): string {
  return `<script>
(function () {
  var id = ${scriptJson(id)};
  var fig = ${scriptJson(fig)};
  var tries = 0;
  function draw() {
    var el = document.getElementById(id);
    var Plotly = window.Plotly;
    if (el && Plotly && Plotly.newPlot) {
      Promise.resolve(Plotly.newPlot(el, fig.data, fig.layout, fig.config || {})).catch(function (e) {
        console.error('stochgrad: Plotly failed to draw ' + id, e);
      });
      return;
    }
    if (++tries <= 200) { setTimeout(draw, 50); return; }
    var msg = el ? 'Plotly is not loaded on this page: the first figure of a kernel session carries '
      + 'the Plotly bundle. Use Kernel > Restart & Run All, or call resetPlotlyBundle() before showFigure().'
      : 'figure element #' + id + ' not found';
    if (el) el.textContent = msg;
    console.warn('stochgrad: ' + msg);
  }
  draw();
})();
</script>`;
}

/** HTML that renders `fig`; pass `includeBundle: true` for the first figure on a page. */
export function figureHtml(fig: Figure, options: FigureHtmlOptions = {}): string {
  checkFigure(fig);
  const id = options.id ?? newFigureId();
  if (!/^[A-Za-z][\w-]*$/.test(id)) {
    throw new RangeError(
      `options.id must start with a letter and contain only [A-Za-z0-9_-]; got ${JSON.stringify(id)}`,
    );
  }
  const height = fig.layout.height != null ? `${fig.layout.height}px` : '380px';
  const div = `<div id="${id}" class="stochgrad-figure" style="width:100%;min-height:${height}"></div>`;
  const parts = options.includeBundle ? [plotlyBundleHtml(), div] : [div];
  return [...parts, drawScript(id, fig)].join('\n');
}
