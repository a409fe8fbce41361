/**
 * `DIR/report.html` (`--report`): one offline page (Plotly inlined once, nothing fetched) with,
 * for each history metric, the learning curves averaged over seeds with ± one standard error
 * bands — one curve per remaining grid point (the grid keys other than `seed`) — from
 * `seedBands` and `bandChart`; a table of the final summary numbers, mean ± se over the seeds'
 * finished runs of each grid point; and the runs that failed or diverged, with their errors.
 */
import { metricSection, reportPage, wantsLogAxis, type MetricChart } from '../experiments/report';
import { meanAndSe, seedBands, type SeedBand } from '../metrics/seed-bands';
import { bandChart } from '../viz/charts';
import { dataFrameHtml } from '../viz/table';
import { formatNumber } from '../viz/format-number';
import { sweepFile, type Sweep } from './layout';
import { writeFileAtomic } from './lock';
import { historyTable, type MergedResults, type MergedRun } from './merge';
import type { CsvTable } from '../data/csv';
import type { PlanValue } from './plan';

/** The column seeds vary in. */
const SEED = 'seed';
/** History columns that are not metrics. */
const NOT_METRICS = ['index', 'estimator', 'step', 'seconds'];
/** Summary columns that are not results. */
const NOT_SUMMARY = ['estimator', 'steps', 'seconds'];

/** The grid keys a curve stands for: all but the seed. */
const groupKeys = (sweep: Sweep) => Object.keys(sweep.plan.grid).filter((key) => key !== SEED);

const valueText = (value: PlanValue | undefined) => (Array.isArray(value) ? value.join(',') : String(value ?? ''));

function records(table: CsvTable): Record<string, string>[] {
  return table.rows.map((cells) => Object.fromEntries(table.columns.map((column, i) => [column, cells[i] ?? ''])));
}

/** One band chart per metric with at least one finite point. */
export function sweepCharts(sweep: Sweep): MetricChart[] {
  const history = historyTable(sweep);
  const rows = records(history);
  const by = groupKeys(sweep);
  const metrics = history.columns.filter((column) => !NOT_METRICS.includes(column) && !(column in sweep.plan.grid));
  return metrics.flatMap((metric) => {
    const bands = seedBands(rows, { metric, by, over: SEED }).filter((band) => band.x.length > 0);
    if (bands.length === 0) return [];
    const logY = wantsLogAxis(bands.flatMap((band) => band.mean));
    const title = `${metric}: mean ± se over seeds${logY ? ' (log scale)' : ''}`;
    const series = bands.map((band: SeedBand) => ({
      name: by.length === 0 ? 'all runs' : band.name,
      x: band.x,
      mean: band.mean,
      se: band.se,
    }));
    return [{ metric, figure: bandChart(series, { title, xTitle: 'step', yTitle: metric, logY }) }];
  });
}

/** Per grid point: its values, run counts, and each summary number as `mean ± se (n)` over its finished runs. */
export function summaryRows(sweep: Sweep, merged: MergedResults): Record<string, string | number>[] {
  const by = groupKeys(sweep);
  const groups = new Map<string, MergedRun[]>();
  for (const run of merged.runs) {
    const key = JSON.stringify(by.map((k) => run.options[k]));
    const members = groups.get(key);
    if (members) members.push(run);
    else groups.set(key, [run]);
  }
  const metrics = [...new Set(merged.runs.flatMap((run) => Object.keys(run.result ?? {})))].filter(
    (key) => !NOT_SUMMARY.includes(key),
  );
  return [...groups.values()].map((runs) => {
    const done = runs.filter((run) => run.status === 'done');
    const row: Record<string, string | number> = Object.fromEntries(
      by.map((key) => [key, valueText(runs[0].options[key])]),
    );
    Object.assign(row, {
      runs: runs.length,
      done: done.length,
      failed: runs.filter((run) => run.status === 'failed').length,
      diverged: runs.filter((run) => run.status === 'diverged').length,
    });
    for (const metric of metrics) {
      const { n, mean, se } = meanAndSe(done.map((run) => run.result?.[metric] as number | null));
      row[metric] =
        mean === null ? 'n/a' : `${formatNumber(mean, 5)}${se === null ? '' : ` ± ${formatNumber(se, 2)}`} (n=${n})`;
    }
    return row;
  });
}

function problemRows(merged: MergedResults): Record<string, string | number>[] {
  return merged.runs
    .filter((run) => run.status === 'failed' || run.status === 'diverged')
    .map((run) => ({
      index: run.index,
      ...Object.fromEntries(Object.entries(run.options).map(([k, v]) => [k, valueText(v)])),
      status: run.status,
      error: run.error ?? '',
    }));
}

/** The report page's HTML. */
export function renderSweepReport(sweep: Sweep, merged: MergedResults): string {
  const counts = (['done', 'failed', 'diverged', 'pending'] as const).map(
    (status) => `${merged.runs.filter((run) => run.status === status).length} ${status}`,
  );
  const details = [
    ...(sweep.plan.about ? [sweep.plan.about] : []),
    `stochgrad train ${sweep.plan.task}, ${merged.runs.length} runs: ${counts.join(', ')}.`,
    `Plan ${sweep.planFile}; base ${JSON.stringify(sweep.plan.base)}; grid ${JSON.stringify(sweep.plan.grid)}.`,
    'Curves: mean over seeds at each evaluation (where every seed of the grid point has a value) with ± one standard error.',
  ];
  const problems = problemRows(merged);
  const figures = sweepCharts(sweep).map(metricSection);
  return reportPage({ title: `stochgrad sweep ${sweep.plan.name}`, details }, [
    '<h2>Final values (mean ± se over seeds, finished runs)</h2>',
    dataFrameHtml(summaryRows(sweep, merged), { maxRows: 10_000 }),
    ...(problems.length > 0 ? ['<h2>Failed and diverged runs</h2>', dataFrameHtml(problems, { maxRows: 10_000 })] : []),
    '<h2>Learning curves</h2>',
    ...(figures.length > 0 ? figures : ['<p>No run has a history yet.</p>']),
  ]);
}

/** Writes `DIR/report.html` atomically; returns its path. */
export function writeSweepReport(sweep: Sweep, merged: MergedResults): string {
  const file = sweepFile(sweep, 'report');
  writeFileAtomic(file, renderSweepReport(sweep, merged));
  return file;
}
