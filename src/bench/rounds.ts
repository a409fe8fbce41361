/**
 * One benchmark row in interleaved rounds: stochgrad's steps, a plain matMul for the floor, and
 * the PyTorch peer's steps alternate, so that both sides are timed under the same conditions.
 */
import { createMatMulProbe, createSbnBench, emptySamples, summarizeSamples, type BenchModel, type MatMulRate, type StepSamples, type StepTiming } from './sbn-steps';
import type { PeerResult, PeerRow, PeerServer } from './peer';

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
  elbo: number[];
}

export const PEER_THREADS = [1, 2];

/** Plain matMuls timed per row at least, for a stable floor even with few steps (cpu). */
const MIN_PROBES = 20;
const rowKey = (model: string, estimator: string, threads: number) => `${model}/${estimator}/${threads}`;

/**
 * One row: rounds of `round` fixed-parameter `gradients()` steps, `round` training steps, a few
 * plain matMuls (for the floor) and `round` peer steps per thread count, after `warmup` untimed
 * steps of each. Interleaving puts both sides under the same machine conditions.
 */
export async function benchRow(model: BenchModel, estimator: string, steps: number, warmup: number, round: number, peer: PeerServer | undefined, peerSamples: Map<string, PeerSamples>): Promise<BenchRow> {
  const bench = await createSbnBench(model, estimator);
  const probe = createMatMulProbe();
  const [gradient, inTraining, train, matmul, ignored] = [emptySamples(), emptySamples(), emptySamples(), emptySamples(), emptySamples()];
  for (let k = 0; k < warmup; k++) {
    bench.gradientStep(ignored);
    bench.trainStep(ignored, ignored);
  }
  for (const threads of peer ? PEER_THREADS : []) await peer!.steps(model, estimator, threads, warmup);
  const rounds = Math.ceil(steps / round);
  const probes = Math.max(round, Math.ceil(MIN_PROBES / rounds));
  for (let done = 0; done < steps; done += round) {
    const count = Math.min(round, steps - done);
    for (let k = 0; k < count; k++) bench.gradientStep(gradient);
    for (let k = 0; k < count; k++) bench.trainStep(inTraining, train);
    for (let k = 0; k < probes; k++) probe.time(matmul);
    for (const threads of peer ? PEER_THREADS : []) {
      const reply = await peer!.steps(model, estimator, threads, count);
      const key = rowKey(model, estimator, threads);
      const into = peerSamples.get(key) ?? { gradient: emptySamples(), train: emptySamples(), elbo: [] };
      into.gradient.wall.push(...reply.gradientNs.map((ns) => ns / 1e6));
      into.gradient.cpu.push(...reply.gradientCpuNs.map((ns) => ns / 1e6));
      into.train.wall.push(...reply.trainNs.map((ns) => ns / 1e6));
      into.train.cpu.push(...reply.trainCpuNs.map((ns) => ns / 1e6));
      into.elbo.push(...reply.elbo);
      peerSamples.set(key, into);
    }
  }
  const rate = probe.rate(matmul);
  const row: BenchRow = {
    model,
    estimator,
    samples: bench.samples,
    gradient: summarizeSamples(gradient),
    gradientInTraining: summarizeSamples(inTraining),
    train: summarizeSamples(train),
    matMulMFlop: bench.matMulMFlop,
    matmul: rate,
    floorMs: bench.matMulMFlop / rate.gflops,
    elbo: bench.elbo(),
    data: bench.data,
  };
  probe.dispose();
  bench.dispose();
  return row;
}

/** The peer's report per thread count: its description, matMul, and each row's medians. */
export async function peerReports(peer: PeerServer, samples: Map<string, PeerSamples>, models: readonly string[], estimators: readonly string[]): Promise<PeerReport[]> {
  const reports: PeerReport[] = [];
  for (const threads of PEER_THREADS) {
    const { blasThreads, ...matmul } = await peer.matMul(threads, 2000);
    const rows: PeerRow[] = [];
    for (const model of models) {
      for (const estimator of estimators) {
        const row = samples.get(rowKey(model, estimator, threads));
        if (!row) continue;
        const gradient = summarizeSamples(row.gradient);
        const train = summarizeSamples(row.train);
        rows.push({
          model,
          estimator,
          gradientMs: gradient.ms,
          trainMs: train.ms,
          gradientCpuMs: gradient.cpuMs,
          trainCpuMs: train.cpuMs,
          elbo: row.elbo.reduce((a, b) => a + b, 0) / row.elbo.length,
        });
      }
    }
    reports.push({ threads, result: { torch: peer.info.torch, threads, blas: peer.info.blas, blasThreads, data: peer.info.data, matmul, rows } });
  }
  return reports;
}

