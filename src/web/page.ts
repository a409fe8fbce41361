/**
 * Page glue: draw a stochgrad `Figure` with the Plotly that the page loaded, and put an image grid
 * on a canvas. Everything computed comes from the library; these only touch the DOM.
 */
import { checkFigure } from '../viz/check-figure';
import type { Figure } from '../viz/figure';
import { imageGrid, type ImageGridOptions } from '../viz/image-grid';

interface PlotlyLike {
  react(element: HTMLElement, data: unknown, layout: unknown, config?: unknown): Promise<unknown>;
}

/** Draws (or redraws in place) `fig` into `element` with the page's `window.Plotly`. */
export async function drawFigure(element: HTMLElement, fig: Figure): Promise<void> {
  checkFigure(fig);
  const plotly = (globalThis as { Plotly?: PlotlyLike }).Plotly;
  if (!plotly || typeof plotly.react !== 'function') {
    throw new Error(
      'drawFigure needs Plotly on the page: load plotly.min.js (from the npm package plotly.js-dist-min) before calling it',
    );
  }
  await plotly.react(element, fig.data, fig.layout, fig.config ?? {});
}

/** Draws the images of `values` (`[n · side²]` in [0, 1]) as one grid on `canvas`, `scale` CSS pixels per pixel. */
export function drawImageGrid(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  options: ImageGridOptions & { scale?: number } = {},
): void {
  const grid = imageGrid(values, options);
  canvas.width = grid.width;
  canvas.height = grid.height;
  const scale = options.scale ?? 2;
  canvas.style.width = `${grid.width * scale}px`;
  canvas.style.height = `${grid.height * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  const context = canvas.getContext('2d');
  if (!context) throw new Error('drawImageGrid: the canvas has no 2d context');
  const image = context.createImageData(grid.width, grid.height);
  image.data.set(grid.rgba);
  context.putImageData(image, 0, 0);
}
