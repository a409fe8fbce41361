/** The files `stochgrad train --out DIR` writes: history.csv, results.json and (with --report) report.html. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EstimatorRun, ExperimentConfig } from './experiment-types';
import { resultRecords, runsHistoryCsv } from './outputs';
import { renderTrainReport } from './report';

/** `vae on mnist-10k: 1000 steps, batch 50, adam lr 0.001, seed 1, wasm backend`. */
export function describeRun(config: ExperimentConfig, backend: string): string {
  const data = config.task === 'toy' ? '' : ` on ${config.dataset}`;
  const samples = config.samples !== undefined ? `, ${config.samples} samples` : '';
  return `${config.task}${data}: ${config.steps} steps, batch ${config.batch}, ${config.optimizer} lr ${config.lr}${samples}, seed ${config.seed}, ${backend} backend`;
}

/** Writes history.csv, results.json and (if asked) report.html into `config.out`; returns the paths. */
export function writeTrainOutputs(
  runs: readonly EstimatorRun[],
  config: ExperimentConfig,
  options: { backend: string; report: boolean },
): string[] {
  const dir = config.out;
  if (dir === undefined) return [];
  fs.mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['history.csv', runsHistoryCsv(runs)],
    [
      'results.json',
      `${JSON.stringify({ config, backend: options.backend, results: resultRecords(runs) }, null, 2)}\n`,
    ],
  ];
  if (options.report) {
    const details = [describeRun(config, options.backend), `estimators: ${config.estimators.join(', ')}`];
    files.push(['report.html', renderTrainReport(runs, { title: `stochgrad train ${config.task}`, details })]);
  }
  return files.map(([name, text]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  });
}
