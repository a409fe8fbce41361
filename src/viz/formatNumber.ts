/**
 * Table-friendly number text: integers in full, other numbers to `digits` significant digits,
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
