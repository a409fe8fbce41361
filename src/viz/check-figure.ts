/** Validation of a `Figure` before Plotly draws it (in a notebook's HTML or in a page). */
import type { Axis, Figure } from './figure';
import { checkSameLength } from './values';

function checkTitle(title: unknown, name: string): void {
  if (title == null) return;
  if (typeof title !== 'object' || typeof (title as { text?: unknown }).text !== 'string') {
    throw new TypeError(
      `${name} must be {text: string} (Plotly 3+ ignores plain string titles); got ${JSON.stringify(title)}`,
    );
  }
}

/** Throws a named error for anything Plotly would silently mis-draw. */
export function checkFigure(fig: Figure, name = 'fig'): void {
  if (fig == null || typeof fig !== 'object') throw new TypeError(`${name} must be a Figure object`);
  if (!Array.isArray(fig.data)) throw new TypeError(`${name}.data must be an array of traces`);
  if (fig.layout == null || typeof fig.layout !== 'object') {
    throw new TypeError(`${name}.layout must be an object`);
  }
  checkTitle(fig.layout.title, `${name}.layout.title`);
  for (const axis of ['xaxis', 'yaxis'] as const) {
    checkTitle((fig.layout[axis] as Axis | undefined)?.title, `${name}.layout.${axis}.title`);
  }
  fig.data.forEach((trace, i) => {
    if (trace == null || typeof trace !== 'object') {
      throw new TypeError(`${name}.data[${i}] must be a trace object`);
    }
    const { x, y } = trace;
    if (trace.type !== 'histogram' && Array.isArray(x) && Array.isArray(y)) {
      checkSameLength(x, y, `${name}.data[${i}]`);
    }
  });
}
