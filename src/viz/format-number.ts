/**
 * Number text for tables and reports, one module for every formatter.
 *
 * `formatNumber`: table-friendly number text: integers in full, other numbers to `digits` significant digits,
 * switching to exponent notation for very small or very large magnitudes.
 * danfojs stores floats as float32, so printing every digit would show noise like 0.2689414322.
 */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-4 || magnitude >= 1e6) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** Fixed decimals, e.g. z-scores. */
export function fixed(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : String(value);
}

/** Up to `decimals` decimals with trailing zeros removed: 2 → "2", 1.00001 → "1.00001". */
export function trimmed(value: number, decimals = 6): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(decimals).replace(/\.?0+$/, '');
}

const grouped = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** A rate with three significant digits and thousands separators: 1234567 → "1,230,000". */
export function rate(value: number): string {
  return Number.isFinite(value) ? grouped.format(value) : String(value);
}
