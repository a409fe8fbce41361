/**
 * Timing of SBN VAE training steps: the models and data of the benchmark, the median
 * `gradients()` and Adam step, and the matMul floor of a step (its matMul FLOPs at the
 * backend's measured plain-matMul rate).
 */
import { networkEstimator } from '../estimators/layer';
import { fewestDraws, vaeOptionsFor } from '../experiments/tasks/task';
import * as fs from 'fs';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs';
import { uniformArray } from '../core/random';
import { createSbnVae, type SbnVae } from '../models/sbn-vae';
import { nonFiniteStep } from '../train/divergence';
import { createOptimizer } from '../train/optimizer';

export const BENCH_MODELS = ['linear', 'nonlinear', 'two-layer'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

export const VISIBLE = 784;

/**
 * `linear` 784–200, `nonlinear` 784–[200–200]–200, `two-layer` 784–200–200 (linear), with what
 * `estimator` needs of it, as in the vae task: its objective (vimco's bound) and learned parts.
 */
export function createBenchVae(model: BenchModel, seed: number, estimator: string): SbnVae {
  const latent = model === 'two-layer' ? [200, 200] : [200];
  return createSbnVae({
    visible: VISIBLE,
    latent,
    kind: model === 'nonlinear' ? 'nonlinear' : 'linear',
    seed,
    ...vaeOptionsFor(networkEstimator(estimator)),
  });
}

/** Where the PyTorch peer reads its images; the benchmark uses the same batch when present. */
export const FASHION_MNIST = '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz';

/**
 * `[n, 784]` binary pixels, the peer's batch: the first n Fashion-MNIST training images with
 * pixel > 127 when `FASHION_MNIST` exists, else Bernoulli(0.5) pixels drawn from `seed`.
 */
export function binaryBatch(n: number, seed: number): { x: tf.Tensor2D; data: string } {
  if (fs.existsSync(FASHION_MNIST)) {
    const bytes = zlib.gunzipSync(fs.readFileSync(FASHION_MNIST));
    const count = bytes.readUInt32BE(4);
    if (bytes.readUInt32BE(0) !== 2051 || count < n) throw new Error(`${FASHION_MNIST}: expected an idx3 file of >= ${n} images`);
    const pixels = bytes.subarray(16, 16 + n * VISIBLE);
    const x = tf.tensor2d(Float32Array.from(pixels, (value) => (value > 127 ? 1 : 0)), [n, VISIBLE]);
    return { x, data: `fashion-mnist train[0:${n}] > 0.5` };
  }
  const u = uniformArray(n * VISIBLE, seed);
  const x = tf.tensor2d(Float32Array.from(u, (value) => (value < 0.5 ? 1 : 0)), [n, VISIBLE]);
  return { x, data: `Bernoulli(0.5) pixels, seed ${seed} (${FASHION_MNIST} not found)` };
}

/** Draws per example: the fewest the estimator accepts (leave-one-out: two). */
export function samplesFor(estimator: string): number {
  return fewestDraws(networkEstimator(estimator));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per-step wall-clock and process CPU milliseconds. */
export interface StepSamples {
  wall: number[];
  cpu: number[];
}

export interface StepTiming {
  /** Median wall-clock milliseconds of the timed steps. */
  ms: number;
  /** Median process CPU milliseconds (user + system) of the same steps. */
  cpuMs: number;
}

export const emptySamples = (): StepSamples => ({ wall: [], cpu: [] });

export function summarizeSamples(samples: StepSamples): StepTiming {
  return { ms: median(samples.wall), cpuMs: median(samples.cpu) };
}

/** Runs `step` once and appends its wall and CPU time to `into`. */
export function timed(step: () => void, into: StepSamples): void {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  step();
  const used = process.cpuUsage(cpuStart);
  into.wall.push(performance.now() - start);
  into.cpu.push((used.user + used.system) / 1000);
}

/** FLOPs of the matMuls `run` executes (2·m·k·n each, from the profiled shapes). */
export async function matMulFlops(run: () => tf.Tensor[]): Promise<number> {
  const info = await tf.profile(() => run());
  let flops = 0;
  for (const kernel of info.kernels) {
    if (kernel.name !== 'BatchMatMul' && kernel.name !== '_FusedMatMul') continue;
    const out = kernel.outputShapes[0] ?? [];
    const a = kernel.inputShapes[0] ?? [];
    const [m, n] = out.slice(-2);
    const batch = tf.util.sizeFromShape(out) / (m * n);
    const k = tf.util.sizeFromShape(a) / (batch * m);
    flops += 2 * batch * m * n * k;
  }
  return flops;
}

export interface MatMulRate {
  shape: [number, number, number];
  ms: number;
  gflops: number;
}

export const MATMUL_SHAPE: [number, number, number] = [50, VISIBLE, 200];

/** The rate of the plain matMul `MATMUL_SHAPE` that takes `ms` milliseconds. */
export function matMulRate(ms: number): MatMulRate {
  const [m, k, n] = MATMUL_SHAPE;
  return { shape: [m, k, n], ms, gflops: (2 * m * k * n) / (ms * 1e6) };
}

/**
 * The backend's plain `matMul` `[m, k] · [k, n]` (the benchmark's 50×784×200, weights reused as
 * a layer's are): `time()` appends one call's wall milliseconds to `samples`.
 */
export function createMatMulProbe(): { time(into: StepSamples): void; rate(samples: StepSamples): MatMulRate; dispose(): void } {
  const [m, k, n] = MATMUL_SHAPE;
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  const call = () => tf.tidy(() => void tf.matMul(a, b).dataSync());
  for (let i = 0; i < 3; i++) call();
  return {
    time: (into) => timed(call, into),
    rate: (samples) => matMulRate(median(samples.wall)),
    dispose: () => tf.dispose([a, b]),
  };
}

/** One benchmark row: a model and estimator, stepped at fixed parameters and in training. */
export interface SbnBench {
  model: BenchModel;
  estimator: string;
  samples: number;
  /** The batch: Fashion-MNIST images or random pixels. */
  data: string;
  /** Million FLOPs of a `gradients()` step's matMuls. */
  matMulMFlop: number;
  /** One `gradients()` call at the initial parameters, timed into `into`. */
  gradientStep(into: StepSamples): void;
  /**
   * One training step (`gradients()`, the divergence check, then Adam, as `train` runs it) of a
   * run from the same initial parameters: the `gradients()` part timed into `gradient` (parameters
   * fresh from the last update), the Adam update into `adam` and the whole step into `train`.
   */
  trainStep(gradient: StepSamples, adam: StepSamples, train: StepSamples): void;
  /** The batch objective of the last training step. */
  elbo(): number;
  dispose(): void;
}

export async function createSbnBench(model: BenchModel, estimator: string): Promise<SbnBench> {
  const fixed = createBenchVae(model, 1, estimator);
  const trained = createBenchVae(model, 1, estimator);
  const { x, data } = binaryBatch(50, 2);
  const samples = samplesFor(estimator);
  const adam = createOptimizer({ kind: 'adam', lr: 1e-3 });
  let seed = 1;
  let elbo = NaN;
  const flops = await matMulFlops(() => {
    const result = fixed.gradients(estimator, x, { samples, seed: seed++ });
    return [result.objective, ...Object.values(result.gradients)];
  });
  const release = (result: { objective: tf.Scalar; gradients: Record<string, tf.Tensor> }) =>
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
  return {
    model,
    estimator,
    samples,
    data,
    matMulMFlop: flops / 1e6,
    gradientStep: (into) =>
      timed(() => {
        const result = fixed.gradients(estimator, x, { samples, seed: seed++ });
        result.objective.dataSync();
        release(result);
      }, into),
    trainStep: (gradient, adamStep, train) =>
      timed(() => {
        let result: ReturnType<SbnVae['gradients']> | undefined;
        timed(() => {
          result = trained.gradients(estimator, x, { samples, seed: seed++ });
        }, gradient);
        if (nonFiniteStep(result!) === undefined) timed(() => adam.step(trained.parameters, result!.gradients), adamStep);
        elbo = result!.objective.dataSync()[0];
        release(result!);
      }, train),
    elbo: () => elbo,
    dispose: () => {
      adam.dispose();
      x.dispose();
      fixed.dispose();
      trained.dispose();
    },
  };
}
