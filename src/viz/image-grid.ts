/**
 * Images (pixel values in [0, 1], row-major, one after another) tiled into one RGBA bitmap, dark
 * ink on white with a light gap between tiles: what a page puts on a canvas (`ImageData`) to show
 * reconstructions and samples. Pure arithmetic, the same in every runtime.
 */
import { ArgumentError, checkInteger } from '../errors';

export interface ImageGridOptions {
  /** Side of each square image in pixels. Default 28. */
  side?: number;
  /** Images per row. Default: all in one row. */
  columns?: number;
  /** Pixels between tiles. Default 2. */
  gap?: number;
}

export interface ImageGrid {
  width: number;
  height: number;
  /** `width · height · 4` bytes, row-major RGBA. */
  rgba: Uint8ClampedArray;
}

const GAP_SHADE = 220;

/** The grid of `values.length / side²` images; see the module comment. */
export function imageGrid(values: ArrayLike<number>, options: ImageGridOptions = {}): ImageGrid {
  const side = checkInteger('options.side', options.side ?? 28, 1);
  const pixels = side * side;
  if (values == null || typeof values.length !== 'number' || values.length === 0 || values.length % pixels !== 0) {
    throw new ArgumentError(
      'values',
      `expected a non-empty multiple of ${pixels} pixel values (${side}×${side} images)`,
    );
  }
  const count = values.length / pixels;
  const columns = Math.min(checkInteger('options.columns', options.columns ?? count, 1), count);
  const gap = checkInteger('options.gap', options.gap ?? 2, 0);
  const rows = Math.ceil(count / columns);
  const width = columns * side + (columns - 1) * gap;
  const height = rows * side + (rows - 1) * gap;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(GAP_SHADE);
  for (let k = 0; k < count; k++) {
    const left = (k % columns) * (side + gap);
    const top = Math.floor(k / columns) * (side + gap);
    for (let p = 0; p < pixels; p++) {
      const shade = 255 * (1 - Math.min(1, Math.max(0, values[k * pixels + p])));
      const at = ((top + Math.floor(p / side)) * width + left + (p % side)) * 4;
      rgba[at] = rgba[at + 1] = rgba[at + 2] = shade;
    }
  }
  for (let at = 3; at < rgba.length; at += 4) rgba[at] = 255;
  return { width, height, rgba };
}
