/**
 * The thin tslab adapter: sends HTML to the notebook. tslab is required lazily so the rest of
 * stochgrad (and these HTML builders) work in plain Node.
 */
import type { Figure } from './figure';
import { figureHtml } from './figureHtml';
import { dataFrameHtml, type TableInput, type TableOptions } from './table';

interface TslabDisplay {
  html(s: string): void;
}

/** Whether this kernel session has already been sent the Plotly bundle. */
let bundleSent = false;

/** Forget that the bundle was sent, e.g. in tests or after reloading the notebook page. */
export function resetPlotlyBundle(): void {
  bundleSent = false;
}

/** The HTML `showFigure` would display next: the first figure of a session carries Plotly. */
export function figureDisplayHtml(fig: Figure): string {
  const html = figureHtml(fig, { includeBundle: !bundleSent });
  bundleSent = true;
  return html;
}

function notInKernel(fn: string, reason: string): Error {
  return new Error(
    `${fn}() needs a running tslab Jupyter kernel (${reason}); ` +
      'outside a notebook use figureHtml() / dataFrameHtml() instead',
  );
}

function tslabDisplay(fn: string): TslabDisplay {
  try {
    return (require('tslab') as { display: TslabDisplay }).display;
  } catch (e) {
    throw notInKernel(fn, `cannot load tslab: ${(e as Error).message}`);
  }
}

/** tslab throws "Not ready" when no kernel is connected. */
function show(fn: string, display: TslabDisplay, html: string): void {
  try {
    display.html(html);
  } catch (e) {
    if ((e as Error).message === 'Not ready') throw notInKernel(fn, 'tslab is not connected to Jupyter');
    throw e;
  }
}

export function showFigure(fig: Figure): void {
  const display = tslabDisplay('showFigure');
  const wasSent = bundleSent;
  try {
    show('showFigure', display, figureDisplayHtml(fig));
  } catch (e) {
    bundleSent = wasSent;
    throw e;
  }
}

export function showTable(data: TableInput, options: TableOptions = {}): void {
  show('showTable', tslabDisplay('showTable'), dataFrameHtml(data, options));
}
