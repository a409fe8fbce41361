/**
 * RODEO (rodeo.ts): with its learned function identically zero it is reinforce-loo on the same
 * uniforms; enumerating every pair of draws, its mean is the exact gradient for a fixed non-trivial
 * function; the gradient of the variance loss it returns for training the function agrees with a
 * finite difference of the loss (exact for a quadratic); and online training of the authors'
 * network (α = β = 0 at the start) lowers the estimator's exact variance, computed by enumeration.
 * In an SBN VAE the model owns the function: trained at the paper's rate, saved and resumed exactly.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, createSbnVae, createToyModel, estimate, groupMeans, train } from '../src';
import { RODEO_LEARNING_RATE } from '../src/estimators/rodeo';
import { createParameters } from '../src/models/parameters';
import { steinFunction, steinFunctionSpecs } from '../src/models/stein-function';
import { createOptimizer } from '../src/train/optimizer';
import { exactOf, fixedSteinFunction, nonlinear, setupBackend, sigmoid, type Problem } from './support';

before(setupBackend);

const zero = (inputs: tf.Tensor2D) => tf.zeros([inputs.shape[0], 2]) as tf.Tensor2D;

function disposeEstimate(result: ReturnType<typeof estimate>): void {
  tf.dispose([result.perSample, result.mean, result.stein?.inputs, result.stein?.outputGradient]);
}

/** A d = 3 problem whose 2^6 pairs of draws are few enough to enumerate. */
const small: Problem = {
  name: 'd = 3, sin(wz) + (vz − 1)^2',
  f: (z) =>
    tf.tidy(() => {
      const wz = tf.sum(tf.mul(z, tf.tensor1d([0.9, -1.3, 0.4])), 1);
      const vz = tf.sum(tf.mul(z, tf.tensor1d([0.5, 0.8, -1.2])), 1);
      return tf.add(tf.sin(wz), tf.square(tf.sub(vz, 1))) as tf.Tensor1D;
    }),
  logits: [0.3, -0.8, 1.5],
  blackBox: false,
  surrogate: (r) => tf.sum(r, 1) as tf.Tensor1D,
};

/**
 * Every pair (x_1, x_2) of binary vectors as one group of two draws: uniforms that draw exactly
 * them (`u = p/2` for 1, `(1 + p)/2` for 0) and each pair's probability.
 */
function allPairs(logits: number[]): { noise: tf.Tensor2D; probabilities: number[]; groups: number } {
  const d = logits.length;
  const p = logits.map(sigmoid);
  const configs = 2 ** d;
  const groups = configs * configs;
  const u = new Float32Array(2 * groups * d);
  const probabilities: number[] = [];
  for (let g = 0; g < groups; g++) {
    let probability = 1;
    [g % configs, Math.floor(g / configs)].forEach((config, draw) => {
      for (let i = 0; i < d; i++) {
        const bit = (config >> i) & 1;
        u[(draw * groups + g) * d + i] = bit ? p[i] / 2 : (1 + p[i]) / 2;
        probability *= bit ? p[i] : 1 - p[i];
      }
    });
    probabilities.push(probability);
  }
  return { noise: tf.tensor2d(u, [2 * groups, d]), probabilities, groups };
}

/** The exact mean and total variance of the two-draw estimate with `steinFn`, by enumeration. */
function exactMoments(problem: Problem, steinFn: (inputs: tf.Tensor2D) => tf.Tensor2D) {
  const { noise, probabilities, groups } = allPairs(problem.logits);
  const logits = tf.tensor1d(problem.logits);
  const result = estimate('rodeo', problem.f, logits, { samples: 2, groups, noise, steinFunction: steinFn });
  const perGroup = groupMeans(result.perSample, groups);
  const rows = perGroup.arraySync();
  tf.dispose([noise, logits, perGroup]);
  disposeEstimate(result);
  const d = problem.logits.length;
  const mean = new Array<number>(d).fill(0);
  let square = 0;
  rows.forEach((row, g) => {
    row.forEach((x, i) => {
      mean[i] += probabilities[g] * x;
      square += probabilities[g] * x * x;
    });
  });
  return { mean, variance: square - mean.reduce((a, m) => a + m * m, 0) };
}

describe('rodeo', () => {
  test('with the learned function identically zero it is reinforce-loo on the same uniforms', () => {
    for (const samples of [2, 3, 5]) {
      const logits = tf.tensor1d(nonlinear.logits);
      const options = { samples, groups: 7, seed: 31 };
      const a = estimate('rodeo', nonlinear.f, logits, { ...options, steinFunction: zero });
      const b = estimate('reinforce-loo', nonlinear.f, logits, options);
      const diff = tf.max(tf.abs(tf.sub(a.perSample, b.perSample))).dataSync()[0];
      assert.ok(diff < 1e-6, `k = ${samples}: max difference ${diff}`);
      disposeEstimate(a);
      disposeEstimate(b);
      logits.dispose();
    }
  });

  test('a fixed non-trivial function changes every draw but not the mean: exact over every pair of draws', () => {
    const exact = exactOf(small);
    const withFunction = exactMoments(small, fixedSteinFunction);
    const loo = exactMoments(small, zero);
    withFunction.mean.forEach((m, i) => assert.ok(Math.abs(m - exact[i]) < 1e-5, `unit ${i}: ${m} vs ${exact[i]}`));
    loo.mean.forEach((m, i) => assert.ok(Math.abs(m - exact[i]) < 1e-5, `unit ${i}: ${m} vs ${exact[i]}`));
    assert.ok(Math.abs(withFunction.variance - loo.variance) > 1e-3, 'the function must change the estimates');
  });

  test("the variance loss's gradient with respect to the function's outputs matches a finite difference", () => {
    // L(t) = mean over groups and units of ĝ² with outputs N + t·V is quadratic in t:
    // (L(t) − L(−t)) / 2t = ⟨∂L/∂N, V⟩ exactly, up to float rounding.
    const logits = tf.tensor1d(nonlinear.logits);
    const groups = 5;
    for (const samples of [2, 3]) {
      const points = samples * groups * (samples - 1) * (nonlinear.logits.length + 1);
      const direction = tf.randomNormal([points, 2], 0, 1, 'float32', 4);
      const lossAt = (t: number) => {
        const shifted = (inputs: tf.Tensor2D) =>
          tf.add(fixedSteinFunction(inputs), tf.mul(t, direction)) as tf.Tensor2D;
        const result = estimate('rodeo', nonlinear.f, logits, { samples, groups, seed: 8, steinFunction: shifted });
        const perGroup = groupMeans(result.perSample, groups);
        const loss = tf.mean(tf.square(perGroup)).dataSync()[0];
        const directional = tf.sum(tf.mul(result.stein!.outputGradient, direction)).dataSync()[0];
        perGroup.dispose();
        disposeEstimate(result);
        return { loss, directional };
      };
      const t = 0.05;
      const numeric = (lossAt(t).loss - lossAt(-t).loss) / (2 * t);
      const analytic = lossAt(0).directional;
      assert.ok(
        Math.abs(numeric - analytic) < 1e-3 * Math.max(1, Math.abs(analytic)),
        `k = ${samples}: ${numeric} vs ${analytic}`,
      );
      direction.dispose();
    }
    logits.dispose();
  });

  test("online training of the authors' network (Adam, from α = β = 0) lowers the exact variance", () => {
    const parameters = createParameters(steinFunctionSpecs(1), 3);
    const learned = (inputs: tf.Tensor2D) => steinFunction(parameters, 0, inputs);
    const adam = createOptimizer({ kind: 'adam', lr: 1e-2 });
    const logits = tf.tensor1d(small.logits);
    const start = exactMoments(small, learned).variance;
    for (let step = 0; step < 150; step++) {
      const result = estimate('rodeo', small.f, logits, {
        samples: 2,
        groups: 32,
        seed: 100 + step,
        steinFunction: learned,
      });
      const { inputs, outputGradient } = result.stein!;
      // ascent direction for the optimiser: −∂L/∂ψ = −Σ ⟨∂L/∂N, ∂N/∂ψ⟩
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.sum(tf.mul(outputGradient, steinFunction(parameters, 0, inputs)))) as tf.Scalar,
        Object.values(parameters),
      );
      const gradients = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, grads[v.name]]));
      adam.step(parameters, gradients);
      tf.dispose([value, ...Object.values(grads)]);
      disposeEstimate(result);
    }
    const end = exactMoments(small, learned);
    const exact = exactOf(small);
    end.mean.forEach((m, i) => assert.ok(Math.abs(m - exact[i]) < 1e-5, `unit ${i}: ${m} vs ${exact[i]}`));
    assert.ok(end.variance < 0.9 * start, `variance ${start} → ${end.variance}`);
    logits.dispose();
    adam.dispose();
    Object.values(parameters).forEach((p) => p.dispose());
  });

  test('its learned function defaults to zero (reinforce-loo); a wrong one, too few samples and the toy model are refused', () => {
    const logits = tf.tensor1d(nonlinear.logits);
    const plain = estimate('rodeo', nonlinear.f, logits, { samples: 2, groups: 3, seed: 5 });
    const loo = estimate('reinforce-loo', nonlinear.f, logits, { samples: 2, groups: 3, seed: 5 });
    assert.ok(tf.max(tf.abs(tf.sub(plain.perSample, loo.perSample))).dataSync()[0] < 1e-6);
    disposeEstimate(plain);
    disposeEstimate(loo);
    const wrong = (inputs: tf.Tensor2D) => tf.zeros([inputs.shape[0], 1]) as tf.Tensor2D;
    assert.throws(
      () => estimate('rodeo', nonlinear.f, logits, { samples: 2, steinFunction: wrong }),
      (e: unknown) => e instanceof ArgumentError && /options\.steinFunction/.test(e.message),
    );
    assert.throws(
      () => estimate('rodeo', nonlinear.f, logits, { samples: 1, steinFunction: zero }),
      (e: unknown) => e instanceof ArgumentError && /samples/.test(e.message),
    );
    const toy = createToyModel({ p0: 0.45, units: 2 });
    assert.throws(
      () => toy.gradients('rodeo', undefined, { samples: 2 }),
      (e: unknown) => e instanceof ArgumentError && /Stein function/.test(e.message),
    );
    toy.dispose();
    logits.dispose();
  });

  test('sbn-vae: the model owns the learned function, trains it, and a resumed run equals an uninterrupted one', async () => {
    const x = tf.tidy(() => tf.step(tf.sub(tf.randomUniform([8, 20], 0, 1, 'float32', 5), 0.5))) as tf.Tensor2D;
    const data = { batchAt: () => x.clone() }; // the training loop disposes each batch
    const lr = 3e-3;
    const createModel = () => createSbnVae({ visible: 20, latent: [6], kind: 'linear', seed: 3, steinFunction: true });
    const probe = createModel();
    const own = [...probe.estimatorParameters];
    assert.deepEqual(own.sort(), ['stein1.b', 'stein1.h.b', 'stein1.h.w', 'stein1.scale', 'stein1.w'].sort());
    probe.dispose();
    const lrScale = Object.fromEntries(own.map((name) => [name, RODEO_LEARNING_RATE / lr]));
    const options = { estimator: 'rodeo', steps: 30, lr, seed: 4, samples: 2, lrScale } as const;
    const [straightDir, resumedDir] = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-rodeo-')));
    const straight = createModel();
    await train(straight, data, { ...options, checkpoint: { dir: straightDir, every: 30 } });
    const first = createModel();
    await train(first, data, { ...options, steps: 15, checkpoint: { dir: resumedDir, every: 15 } });
    first.dispose();
    const resumed = createModel();
    await train(resumed, data, { ...options, resume: resumedDir, checkpoint: { dir: resumedDir, every: 15 } });
    for (const name of Object.keys(straight.parameters)) {
      assert.deepEqual(resumed.parameters[name].dataSync(), straight.parameters[name].dataSync(), name);
    }
    const scale = Array.from(straight.parameters['stein1.scale'].dataSync());
    assert.ok(
      scale.every((v) => v !== 0),
      `α and β moved from 0: ${scale}`,
    );
    tf.dispose(x);
    straight.dispose();
    resumed.dispose();
    for (const dir of [straightDir, resumedDir]) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('sbn-vae: rodeo without the learned function is a clear error naming the option', () => {
    const model = createSbnVae({ visible: 6, latent: [3], kind: 'linear', seed: 1 });
    const x = tf.tensor2d([[1, 0, 1, 1, 0, 0]]);
    assert.throws(
      () => model.gradients('rodeo', x, { samples: 2 }),
      (e: unknown) => e instanceof ArgumentError && /steinFunction/.test(e.message),
    );
    tf.dispose(x);
    model.dispose();
  });
});
