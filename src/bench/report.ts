/** The benchmark's report: one Markdown table per backend, the legend and the peer's set-up. */
import { renderTable, type Column } from '../cli/table';
import type { BenchRow, PeerReport } from './rounds';
import type { MatMulRate } from './sbn-steps';

export interface BackendReport {
  backend: string;
  matmul?: MatMulRate;
  rows: BenchRow[];
  toy?: { estimator: string; estimatesPerSecond: number }[];
  error?: string;
}

export const fmt = (value: number | undefined, digits = 2) => (value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits));

function peerRow(peer: PeerReport | undefined, model: string, estimator: string) {
  return peer?.result?.rows.find((row) => row.model === model && row.estimator === estimator);
}

const ratio = (ours: number, theirs: number | undefined) => (theirs ? (ours / theirs).toFixed(2) : '–');

export function stepTable(report: BackendReport, peers: PeerReport[]): string {
  const columns: Column[] = [
    { header: 'model' },
    { header: 'estimator' },
    { header: 'grad ms', align: 'right' },
    { header: 'floor ms', align: 'right' },
    { header: 'non-matMul', align: 'right' },
    { header: 'grad in training', align: 'right' },
    { header: 'train ms', align: 'right' },
    ...peers.flatMap((peer): Column[] => [
      { header: `torch×${peer.threads} grad`, align: 'right' },
      { header: `ratio×${peer.threads} grad`, align: 'right' },
      { header: `torch×${peer.threads} train`, align: 'right' },
      { header: `ratio×${peer.threads} train`, align: 'right' },
    ]),
  ];
  const rows = report.rows.map((row) => [
    row.model,
    row.samples > 1 ? `${row.estimator} (${row.samples})` : row.estimator,
    fmt(row.gradient.ms),
    fmt(row.floorMs),
    `${fmt((100 * (row.gradient.ms - row.floorMs)) / row.gradient.ms, 0)}%`,
    fmt(row.gradientInTraining.ms),
    fmt(row.train.ms),
    ...peers.flatMap((peer) => {
      const theirs = peerRow(peer, row.model, row.estimator);
      if (!theirs) return ['–', '–', '–', '–'];
      return [fmt(theirs.gradientMs), ratio(row.gradient.ms, theirs.gradientMs), fmt(theirs.trainMs), ratio(row.train.ms, theirs.trainMs)];
    }),
  ]);
  return renderTable(columns, rows, 'markdown');
}

export function toyTable(report: BackendReport): string {
  const rows = (report.toy ?? []).map((row) => [row.estimator, row.estimatesPerSecond.toExponential(2)]);
  return renderTable([{ header: 'estimator' }, { header: "estimates/s on ARM's toy", align: 'right' }], rows, 'markdown');
}

export function describePeer(peer: PeerReport): string {
  if (!peer.result) return `PyTorch peer, ${peer.threads} thread(s): not run — ${peer.error}`;
  const r = peer.result;
  return `PyTorch ${r.torch}, ${r.threads} thread(s), BLAS: ${r.blas}${r.blasThreads ? ` (${r.blasThreads})` : ''}; data: ${r.data ?? 'not stated'}; matMul ${r.matmul.shape.join('×')} ${fmt(r.matmul.ms, 3)} ms (${fmt(r.matmul.gflops, 1)} GFLOP/s)`;
}

export const LEGEND = [
  'grad ms: median `gradients()` step at fixed parameters (every parameter\'s gradient); floor ms: its matMul FLOPs at the',
  'plain-matMul rate measured in the same rounds; non-matMul: (grad − floor) / grad; grad in training: the same call inside',
  'training (parameters fresh from the last update); train ms: `gradients()` + divergence check + Adam, as in `train`. torch×n: the PyTorch peer with n',
  'threads, stepped in the same rounds (its grad is its forward + backward inside training); ratio = ours / torch.',
  'Wall-clock medians; CPU-time medians are in the JSON.',
].join('\n');

