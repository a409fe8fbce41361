/** Validation and conversion of chart inputs into plain JSON-safe arrays. */
import type { Datum } from './figure';

/** Numbers as a plain array, a typed array (e.g. `tensor.dataSync()`), or anything array-like. */
export type Numbers = ArrayLike<number | null>;
export type Values = ArrayLike<number | string | null>;

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return true;
  return value != null && typeof value === 'object' && typeof (value as { length?: unknown }).length === 'number';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

function asArray(value: unknown, name: string): unknown[] {
  if (typeof value === 'string' || !isArrayLike(value)) {
    throw new TypeError(`${name} must be an array or typed array; got ${describe(value)}`);
  }
  return Array.from(value);
}

/** Numbers only; NaN and ±Infinity become `null` (a gap in the plot). */
export function toNumbers(value: unknown, name: string): (number | null)[] {
  return asArray(value, name).map((v, i) => {
    if (v == null) return null;
    if (typeof v !== 'number') {
      throw new TypeError(`${name}[${i}] must be a number or null; got ${JSON.stringify(v)}`);
    }
    return Number.isFinite(v) ? v : null;
  });
}

/** Numbers or category labels; non-finite numbers become `null`. */
export function toData(value: unknown, name: string): Datum[] {
  return asArray(value, name).map((v, i) => {
    if (v == null) return null;
    if (typeof v === 'string') return v;
    if (typeof v !== 'number') {
      throw new TypeError(`${name}[${i}] must be a number, string or null; got ${JSON.stringify(v)}`);
    }
    return Number.isFinite(v) ? v : null;
  });
}

/** `where` names the series, e.g. "lineChart: series[1]". */
export function checkSameLength(x: unknown[], y: unknown[], where: string): void {
  if (x.length !== y.length) {
    throw new RangeError(`${where}: x has ${x.length} values but y has ${y.length}; they must match`);
  }
}

export function checkPositive(value: number | undefined, name: string): void {
  if (value != null && !(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a positive number; got ${value}`);
  }
}
