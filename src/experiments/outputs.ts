/**
 * The outputs of `stochgrad train` built from the runner's `EstimatorRun`s: the summary table,
 * the one-line JSON results and the history CSV.
 */
import type { EstimatorRun } from './experiment-types';
import { formatNumber as significant } from '../viz/format-number';
import { renderTable, type Column } from '../terminal/table';
import { historyCsv } from '../train/history';

/** Columns of a history row that are not metrics. */
const HISTORY_KEYS = ['estimator', 'step', 'seconds'] as const;

/** Keys of every run's `summary`, in order of first appearance. */
export function summaryKeys(runs: readonly EstimatorRun[]): string[] {
  const keys: string[] = [];
  for (const run of runs) for (const key of Object.keys(run.summary)) if (!keys.includes(key)) keys.push(key);
  return keys;
}

/** Metric columns of the history rows (all but estimator, step, seconds), in order of first appearance. */
export function historyMetrics(runs: readonly EstimatorRun[]): string[] {
  const keys: string[] = [];
  for (const run of runs) {
    for (const row of run.history) {
      for (const key of Object.keys(row))
        if (!(HISTORY_KEYS as readonly string[]).includes(key) && !keys.includes(key)) keys.push(key);
    }
  }
  return keys;
}

/** One result per estimator: `{estimator, steps, ...summary, seconds}`; missing summary keys are null. */
export function resultRecords(runs: readonly EstimatorRun[]): Record<string, string | number | null>[] {
  const keys = summaryKeys(runs);
  return runs.map((run) => {
    const record: Record<string, string | number | null> = { estimator: run.estimator, steps: run.steps };
    for (const key of keys) record[key] = run.summary[key] ?? null;
    record.seconds = run.seconds;
    return record;
  });
}

/** `{"results": [...]}` on one line (NaN and ±∞ become null), with `"diverged": [{estimator, step, reason}]` when a run diverged. */
export function resultsJsonLine(runs: readonly EstimatorRun[]): string {
  const diverged = runs.flatMap((run) => (run.diverged ? [{ estimator: run.estimator, ...run.diverged }] : []));
  return JSON.stringify({ results: resultRecords(runs), ...(diverged.length > 0 ? { diverged } : {}) });
}

/** One line per diverged run, e.g. `disarm diverged at step 120: objective is NaN` (none when all finished). */
export function divergenceLines(runs: readonly EstimatorRun[]): string[] {
  return runs.flatMap((run) =>
    run.diverged ? [`${run.estimator} diverged at step ${run.diverged.step}: ${run.diverged.reason}`] : [],
  );
}

const cell = (value: number | null | undefined, digits: number) => (value == null ? 'n/a' : significant(value, digits));

/** The summary as an aligned text table: estimator, steps, each summary key, seconds. */
export function summaryTable(runs: readonly EstimatorRun[]): string {
  const keys = summaryKeys(runs);
  const columns: Column[] = [
    { header: 'estimator' },
    { header: 'steps', align: 'right' },
    ...keys.map((key): Column => ({ header: key, align: 'right' })),
    { header: 'seconds', align: 'right' },
  ];
  const rows = runs.map((run) => [
    run.estimator,
    String(run.steps),
    ...keys.map((key) => cell(run.summary[key], 5)),
    cell(run.seconds, 3),
  ]);
  return renderTable(columns, rows, 'text');
}

/** Every estimator's history rows as CSV: estimator, step, seconds, then each metric (NaN → empty). */
export function runsHistoryCsv(runs: readonly EstimatorRun[]): string {
  return historyCsv(
    runs.flatMap((run) => run.history),
    [...HISTORY_KEYS, ...historyMetrics(runs)],
  );
}
