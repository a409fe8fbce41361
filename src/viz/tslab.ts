/**
 * The thin kernel adapter: sends figures and tables to the notebook, in either TypeScript kernel —
 * Deno's (`Deno.jupyter.display` of a raw MIME bundle) where Deno runs, tslab's elsewhere — with
 * the same MIME bundle in both. tslab is required lazily so the rest of stochgrad (and the HTML
 * builders) work in plain Node.
 *
 * tslab's public `display` sends one MIME type per output. A figure must go out as ONE output with
 * several types (see mimeBundle.ts), so `showFigure` calls the writer that `display` itself uses:
 * `lastWriteDisplayData` of `tslab/dist/jupyter`, which tslab sets for the executing cell. That is
 * internal to tslab (pinned at 1.0.22 in package.json); `kernelWriter` fails with a clear message
 * if a tslab upgrade removes it.
 */
import type { ImageGrid } from './image-grid';
import { imageGridHtml, type ImageGridHtmlOptions } from './image-grid-html';
import { MissingPackageError } from '../errors';
import { requirePackage } from '../require-package';
import type { Figure } from './figure';
import { figureHtml } from './figure-html';
import { figureMimeBundle, type FigureMimeBundle } from './mime-bundle';
import { dataFrameHtml, type TableInput, type TableOptions } from './table';

interface DisplayData {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

type WriteDisplayData = (content: DisplayData, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData?: WriteDisplayData | null;
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

/** The MIME bundle `showFigure` would display next; its HTML is `figureDisplayHtml`'s. */
export function figureDisplayBundle(fig: Figure): FigureMimeBundle {
  const bundle = figureMimeBundle(fig, { includeBundle: !bundleSent });
  bundleSent = true;
  return bundle;
}

function notInKernel(fn: string, reason: string): Error {
  return new Error(
    `${fn}() needs a running Jupyter kernel, tslab or Deno (${reason}); ` +
      'outside a notebook use figureHtml() / figureMimeBundle() / dataFrameHtml() instead',
  );
}

interface DenoJupyter {
  display(data: Record<string, unknown>, options: { raw: true }): Promise<void>;
}

/** Deno's Jupyter API when this runs in Deno's kernel (`deno jupyter`), else undefined. */
function denoJupyter(): DenoJupyter | undefined {
  const deno = (globalThis as { Deno?: { jupyter?: Partial<DenoJupyter> } }).Deno;
  return typeof deno?.jupyter?.display === 'function' ? (deno.jupyter as DenoJupyter) : undefined;
}

/** Milliseconds per megabyte Deno's kernel takes to send a display (measured about 100; see denoDisplay). */
const DENO_MS_PER_MB = 150;

/**
 * Sends `data` through Deno's kernel. Its `display` resolves when the message is queued, and the
 * kernel stamps the message with its cell when it leaves. A display of megabytes (the first figure
 * of a session carries Plotly's 4.6 MB bundle) leaves so late that the outputs after it, in its cell
 * and the next, were filed under the next cell. Waiting about as long as the kernel takes to send
 * it keeps them in place; small displays do not wait.
 */
async function denoDisplay(deno: DenoJupyter, data: Record<string, unknown>): Promise<void> {
  await deno.display(data, { raw: true });
  const megabytes = JSON.stringify(data).length / 1e6;
  if (megabytes >= 1) await new Promise((resolve) => setTimeout(resolve, megabytes * DENO_MS_PER_MB));
}

/** Sends one display_data output; resolves once the kernel has it. */
type Send = (data: Record<string, unknown>) => Promise<void>;

/**
 * The display-data sender of the executing cell: Deno's kernel, else tslab's. Deno's kernel sends
 * outputs asynchronously and files them under the cell that runs when they leave, so a cell must
 * `await` each display for its outputs to stay its own and in order (tslab's resolve at once).
 * A missing kernel is an error thrown at the call, not a rejected promise.
 */
function kernelSender(fn: string): Send {
  const deno = denoJupyter();
  if (deno) return (data) => denoDisplay(deno, data);
  let jupyter: TslabJupyterModule;
  try {
    jupyter = requirePackage<TslabJupyterModule>('tslab', `${fn}()`, 'tslab/dist/jupyter');
  } catch (e) {
    if (e instanceof MissingPackageError) throw e;
    throw notInKernel(fn, `cannot load tslab: ${(e as Error).message}`);
  }
  if (!('lastWriteDisplayData' in jupyter)) {
    throw notInKernel(fn, 'this tslab version has no lastWriteDisplayData; stochgrad needs tslab 1.0.22');
  }
  const write = jupyter.lastWriteDisplayData;
  if (typeof write !== 'function') throw notInKernel(fn, 'tslab is not connected to Jupyter');
  return (data) => {
    write({ data, metadata: {}, transient: {} }, false);
    return Promise.resolve();
  };
}

/**
 * Displays `fig` as one output: Plotly JSON, self-drawing HTML (bundle on the first figure) and
 * text. `await` it: in Deno's kernel that keeps the output in its cell.
 */
export function showFigure(fig: Figure): Promise<void> {
  const send = kernelSender('showFigure'); // before figureDisplayBundle marks the bundle as sent
  const wasSent = bundleSent;
  try {
    return send({ ...figureDisplayBundle(fig) });
  } catch (e) {
    bundleSent = wasSent;
    throw e;
  }
}

/** Displays a table (records or a danfojs DataFrame) as HTML; `await` it, as `showFigure`. */
export function showTable(data: TableInput, options: TableOptions = {}): Promise<void> {
  return kernelSender('showTable')({ 'text/html': dataFrameHtml(data, options) });
}

/** Displays an image grid (imageGrid) as an image, `scale` times larger, with an optional caption. */
export function showImageGrid(grid: ImageGrid, options: ImageGridHtmlOptions = {}): Promise<void> {
  return kernelSender('showImageGrid')({
    'text/html': imageGridHtml(grid, options),
    'text/plain': `${grid.width}×${grid.height} image grid${options.caption ? `: ${options.caption}` : ''}`,
  });
}
