/** The benchmark's report: one Markdown table per backend, the legend and the peer's set-up. */
import { renderTable, type Column } from '../terminal/table';
import type { BenchRow, PeerReport } from './rounds';
import type { EndToEnd } from './end-to-end';
import type { MatMulRate } from './sbn-steps';

export interface BackendReport {
  backend: string;
  matmul?: MatMulRate;
  rows: BenchRow[];
  toy?: { estimator: string; estimatesPerSecond: number }[];
  /** The training split of the loop rows. */
  loopData?: string;
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

const percent = (part: number, whole: number) => `${fmt((100 * part) / whole, 1)}%`;

/** Per row: the loop step against `gradients()` and against the peer's loop, Adam's share, the evaluation's share of a run. */
export function loopTable(report: BackendReport, peers: PeerReport[], evalEvery: number): string {
  const columns: Column[] = [
    { header: 'model' },
    { header: 'estimator' },
    { header: 'grad ms', align: 'right' },
    { header: 'loop ms', align: 'right' },
    { header: 'loop / grad', align: 'right' },
    { header: 'loop / grad in training', align: 'right' },
    { header: 'Adam ms', align: 'right' },
    { header: 'Adam share', align: 'right' },
    { header: 'eval ms', align: 'right' },
    { header: 'eval share', align: 'right' },
    ...peers.flatMap((peer): Column[] => [
      { header: `torch×${peer.threads} loop`, align: 'right' },
      { header: `ratio×${peer.threads} loop`, align: 'right' },
    ]),
  ];
  const rows = report.rows.map((row) => [
    row.model,
    row.samples > 1 ? `${row.estimator} (${row.samples})` : row.estimator,
    fmt(row.gradient.ms),
    fmt(row.loop.ms),
    ratio(row.loop.ms, row.gradient.ms),
    ratio(row.loop.ms, row.gradientInTraining.ms),
    fmt(row.adam.ms),
    percent(row.adam.ms, row.loop.ms),
    fmt(row.evaluation.ms, 0),
    percent(row.evaluation.ms, row.evaluation.ms + evalEvery * row.loop.ms),
    ...peers.flatMap((peer) => {
      const theirs = peerRow(peer, row.model, row.estimator);
      return theirs?.loopMs ? [fmt(theirs.loopMs), ratio(row.loop.ms, theirs.loopMs)] : ['–', '–'];
    }),
  ]);
  return renderTable(columns, rows, 'markdown');
}

export function describeEndToEnd(e2e: EndToEnd): string {
  const head = `stochgrad train end to end (\`node ${e2e.command}\`)`;
  if (e2e.error) return `${head}: failed — ${e2e.error}`;
  return (
    `${head}: ${e2e.steps} steps in ${fmt(e2e.seconds, 1)} s of training and evaluation = ${fmt(e2e.stepsPerSecond, 1)} steps/s ` +
    `(a 10^5-step run: ${fmt(e2e.hoursFor100k, 2)} h); the process took ${fmt(e2e.wallSeconds, 1)} s with start-up, data and the final test bound`
  );
}

export function toyTable(report: BackendReport): string {
  const rows = (report.toy ?? []).map((row) => [row.estimator, row.estimatesPerSecond.toExponential(2)]);
  return renderTable([{ header: 'estimator' }, { header: "estimates/s on ARM's toy", align: 'right' }], rows, 'markdown');
}

export function describePeer(peer: PeerReport): string {
  if (!peer.result) return `PyTorch peer, ${peer.threads} thread(s): not run — ${peer.error}`;
  const r = peer.result;
  const loop = r.loopData ? `; loop data: ${r.loopData}` : '';
  const adam = r.adam ? `; ${r.adam}` : '';
  return `PyTorch ${r.torch}, ${r.threads} thread(s), BLAS: ${r.blas}${r.blasThreads ? ` (${r.blasThreads})` : ''}; data: ${r.data ?? 'not stated'}${loop}${adam}; matMul ${r.matmul.shape.join('×')} ${fmt(r.matmul.ms, 3)} ms (${fmt(r.matmul.gflops, 1)} GFLOP/s)`;
}

export const LEGEND = [
  'grad ms: median `gradients()` step at fixed parameters (every parameter\'s gradient); floor ms: its matMul FLOPs at the',
  'plain-matMul rate measured in the same rounds; non-matMul: (grad − floor) / grad; grad in training: the same call inside',
  'training (parameters fresh from the last update); train ms: `gradients()` + divergence check + Adam, as in `train`. torch×n: the PyTorch peer with n',
  'threads, stepped in the same rounds (its grad is its forward + backward inside training); ratio = ours / torch.',
  'Wall-clock medians; CPU-time medians are in the JSON.',
].join('\n');

export const LOOP_LEGEND = [
  'loop ms: median step of `train()` with the VAE task\'s data (from one batchAt call to the next: batch gathering and',
  'dynamic binarisation, `gradients()`, Adam, bookkeeping; no evaluation); loop / grad: against grad ms (fixed parameters, whose',
  'packed weights wasm reuses); loop / grad in training: against the same call on weights fresh from an update. Adam ms: the Adam update',
  'alone; Adam share: of the loop step. eval ms: median periodic evaluation of the VAE task (train ELBO, 100-sample validation',
  'bound, encoder-gradient variance; parameters fresh as after training); eval share: eval / (eval + eval-every · loop).',
  'torch×n loop: the peer\'s own loop (batches by randperm and index_select, torch.bernoulli, the gradient step,',
  'Adam with foreach where torch has it, zero_grad), stepped in the same rounds; ratio = ours / torch.',
].join('\n');

