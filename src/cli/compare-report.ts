/** Renders a `Comparison` as aligned text, Markdown or JSON. */
import { zBound } from '../core/normal';
import type { Comparison, CompareRow } from '../lab/compare';
import { SPECIAL_OPTIONS } from '../lab/compare';
import { formatNumber as significant } from '../viz/format-number';
import { fixed, rate, trimmed } from '../viz/format-number';
import { renderTable, type Column } from '../terminal/table';

export const REPORT_FORMATS = ['text', 'markdown', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Family-wise false-alarm rate of the bias flag over all rows. */
export const FALSE_ALARM = 0.01;

export interface ReportContext {
  /** The tfjs backend the comparison ran on. */
  backend: string;
}

function columns(d: number): Column[] {
  const at0 = d > 1 ? '[0]' : '';
  return [
    { header: 'estimator' },
    { header: 'unbiased' },
    { header: `mean${at0}`, align: 'right' },
    { header: `exact${at0}`, align: 'right' },
    { header: `bias z${at0}`, align: 'right' },
    { header: d > 1 ? 'total variance' : 'variance', align: 'right' },
    { header: 'evals/sample', align: 'right' },
    { header: 'estimates/s', align: 'right' },
    { header: 'time ÷ reinforce', align: 'right' },
  ];
}

/** Wall time per estimate relative to REINFORCE's in the same run (the peer), or n/a without it. */
function relativeCost(row: CompareRow, peer: CompareRow | undefined): string {
  return peer ? trimmed(Number((peer.estimatesPerSecond / row.estimatesPerSecond).toPrecision(2))) : 'n/a';
}

function cells(row: CompareRow, peer: CompareRow | undefined): string[] {
  const marker = SPECIAL_OPTIONS[row.estimator] ? ' *' : '';
  return [
    `${row.estimator}${marker}`,
    row.unbiased ? 'yes' : 'no',
    significant(row.mean[0], 6),
    significant(row.exact[0], 6),
    row.biasZ[0] === null ? 'n/a' : fixed(row.biasZ[0]),
    significant(row.totalVariance, 4),
    trimmed(row.evaluationsPerSample),
    rate(row.estimatesPerSecond),
    relativeCost(row, peer),
  ];
}

function bound(comparison: Comparison): number {
  return zBound(FALSE_ALARM, Math.max(comparison.rows.length, 1));
}

/** Relative error beyond which a deterministic (zero-variance) estimate counts as biased. */
export const DETERMINISTIC_TOLERANCE = 1e-4;

function offTarget(row: CompareRow, limit: number): boolean {
  return row.biasZ.some((z, i) => {
    if (z !== null) return Math.abs(z) > limit;
    return Math.abs(row.mean[i] - row.exact[i]) > DETERMINISTIC_TOLERANCE * Math.abs(row.exact[i]);
  });
}

/**
 * Unbiased estimators (per the registry) that look biased: |z| above the Bonferroni bound, or,
 * for zero-variance estimates, a relative error above `DETERMINISTIC_TOLERANCE`.
 */
export function suspiciousRows(comparison: Comparison): CompareRow[] {
  const limit = bound(comparison);
  return comparison.rows.filter((row) => row.unbiased && offTarget(row, limit));
}

function deterministicNote(comparison: Comparison): string[] {
  const rows = comparison.rows.filter((row) => row.biasZ[0] === null);
  if (rows.length === 0) return [];
  const errors = rows.map(
    (row) => `${row.estimator} |mean − exact| = ${significant(Math.abs(row.mean[0] - row.exact[0]), 2)}`,
  );
  return [
    `bias z n/a: every estimate equal up to float32 rounding (se ≈ 0), so z would only measure rounding; ` +
      `compare mean with exact instead (${errors.join('; ')}).`,
  ];
}

function headline(comparison: Comparison, context: ReportContext): string {
  const { config } = comparison;
  return (
    `ARM toy f(z) = Σ_i (z_i − ${config.p0})^2, d = ${config.units}, φ = ${config.logit}, ` +
    `${config.samples} samples, seed ${config.seed}, ${context.backend} backend`
  );
}

function exactLine(comparison: Comparison): string {
  const each = comparison.config.units > 1 ? ' (each coordinate)' : '';
  return `exact σ(φ)(1−σ(φ))(1−2p0) = ${significant(comparison.closedForm, 8)}${each}; enumeration oracle: ${significant(comparison.exact[0], 8)}`;
}

function footnotes(comparison: Comparison): string[] {
  const notes = comparison.rows
    .filter((row) => SPECIAL_OPTIONS[row.estimator])
    .map((row) => `* ${SPECIAL_OPTIONS[row.estimator]}`);
  const limit = bound(comparison);
  const d = comparison.config.units;
  notes.push(
    `bias z = (mean − exact)/se${d > 1 ? ' of coordinate 0' : ''}; |z| > ${fixed(limit)} flags bias ` +
      `(Bonferroni, ${FALSE_ALARM * 100}% family-wise false alarms over ${comparison.rows.length} rows).`,
  );
  notes.push(...deterministicNote(comparison));
  notes.push(
    'evals/sample = rows of f evaluated / samples (measured); estimates/s = samples / wall time of estimate() plus reading back, after an untimed warm-up call; time ÷ reinforce compares the wall time per estimate with REINFORCE in this same run.',
  );
  const suspicious = suspiciousRows(comparison);
  if (suspicious.length > 0) {
    notes.push(
      `registry says unbiased but |z| > ${fixed(limit)}: ${suspicious.map((row) => row.estimator).join(', ')}`,
    );
  }
  return notes;
}

function json(comparison: Comparison, context: ReportContext): string {
  const suspicious = suspiciousRows(comparison).map((row) => row.estimator);
  return JSON.stringify(
    { ...comparison, backend: context.backend, zBound: bound(comparison), suspicious, notes: footnotes(comparison) },
    null,
    2,
  );
}

/** The whole report, ending without a newline. */
export function renderComparison(comparison: Comparison, format: ReportFormat, context: ReportContext): string {
  if (format === 'json') return json(comparison, context);
  const peer = comparison.rows.find((row) => row.estimator === 'reinforce');
  const table = renderTable(
    columns(comparison.config.units),
    comparison.rows.map((row) => cells(row, peer)),
    format,
  );
  const notes = footnotes(comparison);
  if (format === 'markdown') {
    return [
      headline(comparison, context),
      '',
      `\`${exactLine(comparison)}\``,
      '',
      table,
      '',
      ...notes.map((note) => `- ${note.replace(/^\* /, '\\* ')}`),
    ].join('\n');
  }
  return [headline(comparison, context), exactLine(comparison), '', table, '', ...notes].join('\n');
}
