/**
 * One benchmark row in interleaved rounds: stochgrad's steps, its whole training-loop steps, a
 * plain matMul for the floor, and the PyTorch peer's steps and loop steps alternate, so that both
 * sides are timed under the same conditions.
 */
import type { Dataset } from '../data/split';
import { createLoopBench } from './loop-steps';
import { createMatMulProbe, createSbnBench, emptySamples, summarizeSamples, type BenchModel, type MatMulRate, type StepSamples, type StepTiming } from './sbn-steps';
import { PEER_ESTIMATORS, type PeerResult, type PeerRow, type PeerServer } from './peer';

export interface BenchRow {
  model: BenchModel;
  estimator: string;
  samples: number;
  /** `gradients()` at fixed parameters (the median step). */
  gradient: StepTiming;
  /** `gradients()` inside training, its parameters fresh from the last Adam update. */
  gradientInTraining: StepTiming;
  /** `gradients()` + Adam. */
  train: StepTiming;
  /** The Adam update alone (inside those training steps). */
  adam: StepTiming;
  /** A whole step of `train()` as `stochgrad train vae` runs it (batch, gradients, Adam, bookkeeping). */
  loop: StepTiming;
  /** The VAE task's periodic evaluation (train ELBO, validation bound, encoder variance). */
  evaluation: StepTiming;
  /** Million FLOPs of the step's matMuls (gradients() only). */
  matMulMFlop: number;
  /** The plain matMul measured in the same rounds, and the step's floor at its rate. */
  matmul: MatMulRate;
  floorMs: number;
  /** The batch objective after the training steps, a sanity check. */
  elbo: number;
  data: string;
}

export interface PeerReport {
  threads: number;
  result?: PeerResult;
  error?: string;
}

/** The peer's per-step samples of every row, by thread count, accumulated over the rounds. */
export interface PeerSamples {
  gradient: StepSamples;
  train: StepSamples;
  loop: StepSamples;
  elbo: number[];
  loopData?: string;
}

export const PEER_THREADS = [1, 2];

/** Plain matMuls timed per row at least, for a stable floor even with few steps (cpu). */
const MIN_PROBES = 20;
const rowKey = (model: string, estimator: string, threads: number) => `${model}/${estimator}/${threads}`;

export interface RowSettings {
  /** Timed steps of each kind, in rounds of `round`, after `warmup` untimed ones. */
  steps: number;
  warmup: number;
  round: number;
  /** Timed periodic evaluations (after one untimed). */
  evaluations: number;
}

/** The training split of the loop steps. */
export interface LoopData {
  dataset: Dataset;
  name: string;
}

const peerSamplesOf = (samples: Map<string, PeerSamples>, key: string): PeerSamples => {
  let into = samples.get(key);
  if (!into) {
    into = { gradient: emptySamples(), train: emptySamples(), loop: emptySamples(), elbo: [] };
    samples.set(key, into);
  }
  return into;
};

const msOf = (ns: number[]) => ns.map((value) => value / 1e6);

/** `count` more peer steps of the row at every thread count: training steps, then loop steps. */
async function peerRound(peer: PeerServer, model: BenchModel, estimator: string, count: number, samples: Map<string, PeerSamples>): Promise<void> {
  for (const threads of PEER_THREADS) {
    const into = peerSamplesOf(samples, rowKey(model, estimator, threads));
    const reply = await peer.steps(model, estimator, threads, count);
    into.gradient.wall.push(...msOf(reply.gradientNs));
    into.gradient.cpu.push(...msOf(reply.gradientCpuNs));
    into.train.wall.push(...msOf(reply.trainNs));
    into.train.cpu.push(...msOf(reply.trainCpuNs));
    into.elbo.push(...reply.elbo);
    const loop = await peer.loop(model, estimator, threads, count);
    into.loop.wall.push(...msOf(loop.loopNs));
    into.loop.cpu.push(...msOf(loop.loopCpuNs));
    into.loopData = loop.loopData;
  }
}

/**
 * One row: rounds of `round` fixed-parameter `gradients()` steps, `round` training steps, `round`
 * loop steps (`train()` on `data`), a few plain matMuls (for the floor) and `round` peer steps and
 * loop steps per thread count, after `warmup` untimed steps of each. Interleaving puts both sides
 * under the same machine conditions. Then the periodic evaluation, timed on its own.
 */
export async function benchRow(model: BenchModel, estimator: string, settings: RowSettings, data: LoopData, anyPeer: PeerServer | undefined, peerSamples: Map<string, PeerSamples>): Promise<BenchRow> {
  const peer = PEER_ESTIMATORS.includes(estimator) ? anyPeer : undefined;
  const { steps, warmup, round, evaluations } = settings;
  const bench = await createSbnBench(model, estimator);
  const loop = createLoopBench(model, estimator, data.dataset, data.name);
  const probe = createMatMulProbe();
  const [gradient, inTraining, adam, train, loopSteps, matmul, ignored] = [emptySamples(), emptySamples(), emptySamples(), emptySamples(), emptySamples(), emptySamples(), emptySamples()];
  for (let k = 0; k < warmup; k++) {
    bench.gradientStep(ignored);
    bench.trainStep(ignored, ignored, ignored);
  }
  await loop.steps(warmup, ignored);
  if (peer) {
    for (const threads of PEER_THREADS) {
      await peer.steps(model, estimator, threads, warmup);
      await peer.loop(model, estimator, threads, warmup);
    }
  }
  const rounds = Math.ceil(steps / round);
  const probes = Math.max(round, Math.ceil(MIN_PROBES / rounds));
  for (let done = 0; done < steps; done += round) {
    const count = Math.min(round, steps - done);
    for (let k = 0; k < count; k++) bench.gradientStep(gradient);
    for (let k = 0; k < count; k++) bench.trainStep(inTraining, adam, train);
    await loop.steps(count, loopSteps);
    for (let k = 0; k < probes; k++) probe.time(matmul);
    if (peer) await peerRound(peer, model, estimator, count, peerSamples);
  }
  const evaluation = emptySamples();
  loop.evaluation(ignored);
  for (let k = 0; k < evaluations; k++) loop.evaluation(evaluation);
  const rate = probe.rate(matmul);
  const row: BenchRow = {
    model,
    estimator,
    samples: bench.samples,
    gradient: summarizeSamples(gradient),
    gradientInTraining: summarizeSamples(inTraining),
    train: summarizeSamples(train),
    adam: summarizeSamples(adam),
    loop: summarizeSamples(loopSteps),
    evaluation: summarizeSamples(evaluation),
    matMulMFlop: bench.matMulMFlop,
    matmul: rate,
    floorMs: bench.matMulMFlop / rate.gflops,
    elbo: bench.elbo(),
    data: bench.data,
  };
  probe.dispose();
  loop.dispose();
  bench.dispose();
  return row;
}

/** The peer's report per thread count: its description, matMul, and each row's medians. */
export async function peerReports(peer: PeerServer, samples: Map<string, PeerSamples>, models: readonly string[], estimators: readonly string[]): Promise<PeerReport[]> {
  const reports: PeerReport[] = [];
  for (const threads of PEER_THREADS) {
    const { blasThreads, ...matmul } = await peer.matMul(threads, 2000);
    const rows: PeerRow[] = [];
    let loopData: string | undefined;
    for (const model of models) {
      for (const estimator of estimators) {
        const row = samples.get(rowKey(model, estimator, threads));
        if (!row) continue;
        const gradient = summarizeSamples(row.gradient);
        const train = summarizeSamples(row.train);
        const loop = summarizeSamples(row.loop);
        rows.push({
          model,
          estimator,
          gradientMs: gradient.ms,
          trainMs: train.ms,
          gradientCpuMs: gradient.cpuMs,
          trainCpuMs: train.cpuMs,
          loopMs: loop.ms,
          loopCpuMs: loop.cpuMs,
          elbo: row.elbo.reduce((a, b) => a + b, 0) / row.elbo.length,
        });
        loopData ??= row.loopData;
      }
    }
    const { torch, blas, data, adam } = peer.info;
    reports.push({ threads, result: { torch, threads, blas, blasThreads, data, ...(loopData ? { loopData } : {}), ...(adam ? { adam } : {}), matmul, rows } });
  }
  return reports;
}

