/**
 * Timing of SBN VAE training steps: the models and data of the benchmark, the median
 * `gradients()` and Adam step, and the matMul floor of a step (its matMul FLOPs at the
 * backend's measured plain-matMul rate).
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs';
import { uniformArray } from '../core/random';
import { createSbnVae, type SbnVae } from '../models/sbn-vae';
import { createOptimizer } from '../train/optimizer';

export const BENCH_MODELS = ['linear', 'nonlinear', 'two-layer'] as const;
export type BenchModel = (typeof BENCH_MODELS)[number];

export const VISIBLE = 784;

/** `linear` 784–200, `nonlinear` 784–[200–200]–200, `two-layer` 784–200–200 (linear). */
export function createBenchVae(model: BenchModel, seed: number): SbnVae {
  const latent = model === 'two-layer' ? [200, 200] : [200];
  return createSbnVae({ visible: VISIBLE, latent, kind: model === 'nonlinear' ? 'nonlinear' : 'linear', seed });
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

/** Draws per example: leave-one-out needs two. */
export function samplesFor(estimator: string): number {
  return estimator === 'reinforce-loo' ? 2 : 1;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface StepTiming {
  /** Median wall-clock milliseconds of the timed steps. */
  ms: number;
  /** Median process CPU milliseconds (user + system) of the same steps. */
  cpuMs: number;
}

/** Runs `step` `warmup` times untimed, then `steps` times timed. */
export function timeSteps(step: () => void, warmup: number, steps: number): StepTiming {
  for (let k = 0; k < warmup; k++) step();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < steps; k++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    step();
    const used = process.cpuUsage(cpuStart);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu) };
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

/** The backend's plain `matMul` rate on `[m, k] · [k, n]` (median of `repeats` calls). */
export function matMulRate(m = 50, k = VISIBLE, n = 200, repeats = 50): MatMulRate {
  const a = tf.randomUniform([m, k]);
  const b = tf.randomUniform([k, n]);
  const { ms } = timeSteps(() => tf.tidy(() => void tf.matMul(a, b).dataSync()), 5, repeats);
  tf.dispose([a, b]);
  return { shape: [m, k, n], ms, gflops: (2 * m * k * n) / (ms * 1e6) };
}

export interface SbnStepResult {
  model: BenchModel;
  estimator: string;
  samples: number;
  gradient: StepTiming;
  train: StepTiming;
  /** Million FLOPs of the step's matMuls (gradients() only). */
  matMulMFlop: number;
  /** The ELBO estimate after the training steps (mean over the batch), a sanity check. */
  elbo: number;
  /** The batch: Fashion-MNIST images or random pixels. */
  data: string;
}

/** Times `gradients()` and `gradients()` + Adam for one model and estimator on the current backend. */
export async function benchSbnStep(model: BenchModel, estimator: string, warmup: number, steps: number): Promise<SbnStepResult> {
  const vae = createBenchVae(model, 1);
  const { x, data } = binaryBatch(50, 2);
  const samples = samplesFor(estimator);
  let seed = 1;
  const gradientStep = () => {
    const result = vae.gradients(estimator, x, { samples, seed: seed++ });
    result.objective.dataSync();
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
  };
  const flops = await matMulFlops(() => {
    const result = vae.gradients(estimator, x, { samples, seed: seed++ });
    return [result.objective, ...Object.values(result.gradients)];
  });
  const gradient = timeSteps(gradientStep, warmup, steps);
  const adam = createOptimizer({ kind: 'adam', lr: 1e-3 });
  let elbo = NaN;
  const trainStep = () => {
    const result = vae.gradients(estimator, x, { samples, seed: seed++ });
    adam.step(vae.parameters, result.gradients);
    elbo = result.objective.dataSync()[0];
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
  };
  const train = timeSteps(trainStep, warmup, steps);
  adam.dispose();
  x.dispose();
  vae.dispose();
  return { model, estimator, samples, gradient, train, matMulMFlop: flops / 1e6, elbo, data };
}
