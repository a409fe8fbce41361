/**
 * `stochgrad train --report`: one self-contained HTML page (works offline: the Plotly bundle is
 * inlined once) with the summary table and one line chart per history metric, x = step and one
 * series per estimator.
 */
import type { EstimatorRun } from './experiment-types';
import { lineChart, type XYSeries } from '../viz/charts';
import { escapeHtml } from '../viz/escape-html';
import type { Figure } from '../viz/figure';
import { figureHtml } from '../viz/figure-html';
import { plotlyBundleHtml } from '../viz/plotly-bundle';
import { dataFrameHtml } from '../viz/table';
import { historyMetrics, resultRecords } from './outputs';

/** A positive range at least this wide (max / min) gets a log y-axis. */
export const LOG_AXIS_RATIO = 100;

/** True when every value is positive and they span two or more orders of magnitude. */
export function wantsLogAxis(values: readonly number[]): boolean {
  if (values.length === 0 || values.some((value) => value <= 0)) return false;
  const max = values.reduce((a, b) => Math.max(a, b));
  const min = values.reduce((a, b) => Math.min(a, b));
  return max / min >= LOG_AXIS_RATIO;
}

export interface MetricChart {
  metric: string;
  figure: Figure;
}

/** The finite (step, value) points of `metric` in one run; steps where it was not measured are skipped. */
function series(run: EstimatorRun, metric: string): XYSeries & { y: number[] } {
  const rows = run.history.filter((row) => typeof row[metric] === 'number' && Number.isFinite(row[metric]));
  return { name: run.estimator, x: rows.map((row) => row.step), y: rows.map((row) => row[metric] as number) };
}

/** One chart per numeric history metric that has at least one finite value. */
export function metricCharts(runs: readonly EstimatorRun[]): MetricChart[] {
  return historyMetrics(runs).flatMap((metric) => {
    const lines = runs.map((run) => series(run, metric)).filter((line) => line.y.length > 0);
    if (lines.length === 0) return [];
    const logY = wantsLogAxis(lines.flatMap((line) => line.y));
    const title = `${metric} during training${logY ? ' (log scale)' : ''}`;
    return [{ metric, figure: lineChart(lines, { title, xTitle: 'step', yTitle: metric, logY }) }];
  });
}

export interface TrainReportContext {
  /** Page title and heading, e.g. "stochgrad train vae". */
  title: string;
  /** Lines under the heading: the configuration, the backend. */
  details: readonly string[];
}

const STYLE = `body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; max-width: 1000px; margin: 2em auto; padding: 0 1em; }
table.stochgrad-table { border-collapse: collapse; margin: 1em 0; }
table.stochgrad-table th, table.stochgrad-table td { border-bottom: 1px solid #ddd; padding: 4px 10px; }
.stochgrad-figure { margin: 1.5em 0; }`;

/** One chart in a section the page's tests and readers can find by metric. */
export function metricSection(chart: MetricChart): string {
  return `<section class="metric" data-metric="${escapeHtml(chart.metric)}">\n${figureHtml(chart.figure)}\n</section>`;
}

/** A self-contained report page (Plotly inlined once, nothing loaded from elsewhere) around `body`. */
export function reportPage(context: TrainReportContext, body: readonly string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(context.title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    plotlyBundleHtml(),
    '</head>',
    '<body>',
    `<h1>${escapeHtml(context.title)}</h1>`,
    ...context.details.map((line) => `<p>${escapeHtml(line)}</p>`),
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The whole page. */
export function renderTrainReport(runs: readonly EstimatorRun[], context: TrainReportContext): string {
  const figures = metricCharts(runs).map(metricSection);
  return reportPage(context, [
    '<h2>Summary</h2>',
    dataFrameHtml(resultRecords(runs), { digits: 5 }),
    '<h2>History</h2>',
    ...(figures.length > 0 ? figures : ['<p>The history has no numeric metrics to plot.</p>']),
  ]);
}
