/** Number formatting for the command-line tables (significant digits: viz/formatNumber). */

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
