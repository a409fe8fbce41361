/**
 * The fast gradient path against tfjs's default autodiff, same seeds, float tolerance:
 * - the registered BatchMatMul gradient (explicit transposes on wasm) against tfjs's own, and the
 *   zero-copy Identity kernel;
 * - logBernoulli's hand-written gradient against autodiff of its formula;
 * - chainGradients (signals off the tape, one forward pass) against the straightforward surrogate
 *   (path sampled first, logits recomputed under the tape);
 * - every network estimator on every SBN VAE kind, fast path on and off;
 * - the kernels on the wasm heap (Adam, batch gathering and binarisation, uniform noise) against
 *   their tf ops or JavaScript, bit for bit.
 * Not timed: `npm run bench` measures the speed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise, logBernoulli, sumSoftplus } from '../src/core/bernoulli';
import { defineOp } from '../src/core/custom-op';
import { denseProduct, fastPathEnabled, product, useFastPath } from '../src/core/fast-path';
import { uint32Stream, uniformArray, uniformNoise } from '../src/core/random';
import { DEFAULT_SETTINGS, layerGradient, NETWORK_ESTIMATOR_NAMES, networkEstimator } from '../src/estimators/layer';
import {
  completion,
  meanFieldExpansions,
  pathObjective,
  sampleFromInput,
  samplePath,
  tileRows,
  type Chain,
} from '../src/models/chain';
import {
  chainGradients,
  chainNoise,
  GENERATIVE_DRAWS,
  GENERATIVE_STREAM,
  type GenerativeDraws,
} from '../src/models/chain-gradients';
import { createParameters, dense, denseSpecs, type Parameters } from '../src/models/parameters';
import { inputBaseline, inputBaselineSpecs } from '../src/models/input-baseline';
import { steinFunction, steinFunctionSpecs } from '../src/models/stein-function';
import { createSbnVae } from '../src/models/sbn-vae';
import { estimators } from '../src/estimators/registry';
import { objectiveOf } from '../src/estimators/types';
import { deriveSeed } from '../src/core/seeds';
import { BATCH_BINARIZE_MODES, createBatcher } from '../src/data/batches';
import { createOptimizer } from '../src/train/optimizer';
import { setupBackend } from './support';

before(setupBackend);
after(() => useFastPath(true));

/** Float32 agreement: the products sum in a different order, so allow a few ulps of the scale. */
function assertClose(actual: tf.Tensor, expected: tf.Tensor, label: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  const scale = Math.max(1e-3, ...Array.from(e, Math.abs));
  for (let i = 0; i < e.length; i++) {
    assert.ok(
      Number.isFinite(a[i]) && Math.abs(a[i] - e[i]) <= 1e-5 * scale + 1e-6,
      `${label}[${i}]: ${a[i]} vs ${e[i]} (scale ${scale})`,
    );
  }
}

/** Bit patterns, so that −0 and +0 differ and equal NaNs compare equal. */
const bits = (values: ArrayLike<number>) =>
  Array.from(new Uint32Array(Float32Array.from(values as ArrayLike<number>).buffer));

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

describe('fast-path: kernels', () => {
  test('fast-path: initBackend registers the fast path', () => {
    assert.equal(fastPathEnabled(), true);
  });

  for (const [transposeA, transposeB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    for (const batch of [[], [3]]) {
      test(`fast-path: BatchMatMul gradient equals tfjs's (transposeA ${transposeA}, transposeB ${transposeB}, batch [${batch}])`, () => {
        const [m, k, n] = [5, 7, 4];
        const a = seeded([...batch, ...(transposeA ? [k, m] : [m, k])], 1);
        const b = seeded([...batch, ...(transposeB ? [n, k] : [k, n])], 2);
        const dy = seeded([...batch, m, n], 3);
        const gradients = () =>
          tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB))([a, b], dy);
        const fast = gradients();
        useFastPath(false);
        const reference = gradients();
        useFastPath(true);
        assertClose(fast[0], reference[0], 'dA');
        assertClose(fast[1], reference[1], 'dB');
        tf.dispose([a, b, dy, ...fast, ...reference]);
      });
    }
  }

  test("fast-path: LeakyRelu's gradient equals tfjs's, zeros and both signs included", () => {
    const x = tf.tensor2d([
      [-2, -0.5, 0, 0.5, 3],
      [0, 1e-30, -1e-30, 7, -7],
    ]);
    const dy = seeded([2, 5], 13);
    const gradient = () => tf.grad((input: tf.Tensor) => tf.leakyRelu(input, 0.3))(x, dy);
    const fast = gradient();
    useFastPath(false);
    const reference = gradient();
    useFastPath(true);
    assert.deepEqual(Array.from(fast.dataSync()), Array.from(reference.dataSync()));
    tf.dispose([x, dy, fast, reference]);
  });

  test('fast-path: a clone (Identity) keeps its values after the original is disposed, and frees them after', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = tf.clone(x);
    x.dispose();
    assert.deepEqual(y.arraySync(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const z = tf.add(y, 1);
    y.dispose();
    assert.deepEqual(z.arraySync(), [
      [2, 3, 4],
      [5, 6, 7],
    ]);
    z.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test("fast-path: logBernoulli's gradient equals autodiff of z·φ − softplus(φ), broadcast and relaxed z included", () => {
    const formula = (z: tf.Tensor, phi: tf.Tensor) => tf.sum(tf.sub(tf.mul(z, phi), tf.softplus(phi)), -1);
    const cases: [tf.Tensor, tf.Tensor][] = [
      [
        tf.tensor2d([
          [1, 0, 1],
          [0, 0, 1],
        ]),
        tf.tensor2d([
          [0, -2.5, 7],
          [0.3, 12, -30],
        ]),
      ],
      [
        tf.tensor2d([
          [0.2, 0.9, 0.5],
          [1, 0, 0.1],
        ]),
        tf.tensor1d([0, 1.5, -4]),
      ],
    ];
    const before = tf.memory().numTensors;
    for (const [z, phi] of cases) {
      const dy = seeded([z.shape[0]], 4);
      const fast = tf.grads((a: tf.Tensor, b: tf.Tensor) => logBernoulli(a, b))([z, phi], dy);
      const reference = tf.grads((a: tf.Tensor, b: tf.Tensor) => formula(a, b))([z, phi], dy);
      const values = tf.tidy(() => [logBernoulli(z, phi), formula(z, phi)]);
      assertClose(values[0], values[1], 'value');
      assertClose(fast[0], reference[0], '∂/∂z');
      assertClose(fast[1], reference[1], '∂/∂φ');
      tf.dispose([dy, ...fast, ...reference, ...values]);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(cases.flat());
  });
});

/** softplus in float64. */
const softplus64 = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

describe('fast-path: elementwise replacements', () => {
  // Large enough for the chunked products (≥ 4096 logits): chunks of 56 (784 units), 50 (200
  // units), 7 (width 7) and 1 (prime width 67 > 64); logits up to ±100, where σ(|φ|) rounds to 1.
  const cases: [string, number[], number][] = [
    ['[6, 784], |φ| < 8', [6, 784], 8],
    ['[30, 200], |φ| < 100', [30, 200], 100],
    ['[70, 67] (prime width), |φ| < 30', [70, 67], 30],
    ['[300, 3, 7], |φ| < 3', [300, 3, 7], 3],
    ['[4, 200] (the plain kernel below 4096 logits), |φ| < 5', [4, 200], 5],
  ];
  for (const [label, shape, scale] of cases) {
    test(`fast-path: sumSoftplus is as accurate as float32's Σ softplus against float64, ${label}`, () => {
      const logits = tf.mul(seeded(shape, 5), scale);
      const values = logits.dataSync();
      const got = tf.tidy(() => sumSoftplus(logits)).dataSync();
      const plain = tf.tidy(() => tf.sum(tf.softplus(logits), -1)).dataSync();
      const d = shape[shape.length - 1];
      let worstFast = 0;
      let worstPlain = 0;
      for (let r = 0; r < got.length; r++) {
        let exact = 0;
        for (let i = r * d; i < (r + 1) * d; i++) exact += softplus64(values[i]);
        const ulp = 2 ** (Math.floor(Math.log2(Math.max(exact, 2 ** -126))) - 23);
        worstFast = Math.max(worstFast, Math.abs(got[r] - exact) / ulp);
        worstPlain = Math.max(worstPlain, Math.abs(plain[r] - exact) / ulp);
      }
      // In ulps of the exact sum: no worse than 4× the plain float32 formula, or 8 ulps.
      assert.ok(
        worstFast <= Math.max(4 * worstPlain, 8),
        `worst error ${worstFast} ulps; the plain formula's ${worstPlain}`,
      );
      logits.dispose();
    });
  }

  test('fast-path: bernoulliFromNoise is exactly 1[u < σ(φ)], ties and extremes included', () => {
    const logits = tf.tensor2d([[-30, -4, -1e-3, 0, 0, 0, 1e-3, 2, 30, 0]]);
    const sigma = tf.sigmoid(logits);
    // u equal to σ(φ) (a tie: 0), just below, and uniform draws
    const u = tf.concat([sigma, tf.mul(sigma, 1 - 2 ** -23), tf.tensor2d(uniformArray(10, 3), [1, 10])], 0);
    const tiled = tf.concat([logits, logits, logits], 0);
    const fast = bernoulliFromNoise(tiled, u);
    const reference = tf.cast(tf.less(u, tf.sigmoid(tiled)), 'float32');
    assert.deepEqual(Array.from(fast.dataSync()), Array.from(reference.dataSync()));
    assert.deepEqual(Array.from(fast.dataSync()).slice(0, 10), new Array(10).fill(0));
    tf.dispose([logits, sigma, u, tiled, fast, reference]);
  });

  test('fast-path: the inlined uniform generator draws what uint32Stream draws', () => {
    for (const seed of [0, 1, 2 ** 32 - 1, 123456789]) {
      const next = uint32Stream(seed);
      const expected = Float32Array.from({ length: 5000 }, () => ((next() >>> 9) + 0.5) / 2 ** 23);
      assert.deepEqual(uniformArray(5000, seed), expected, `seed ${seed}`);
    }
  });
});

describe('fast-path: custom ops and products', () => {
  test('fast-path: defineOp computes only the gradients that are needed, and leaks nothing', () => {
    const calls = { a: 0, b: 0 };
    const op = defineOp({
      kernelName: 'StochgradTestProduct',
      inputs: ['a', 'b'],
      forward: ({ a, b }) => tf.mul(a, b),
      gradients: {
        a: (dy, { b }) => (calls.a++, tf.mul(dy, b)),
        b: (dy, { a }) => (calls.b++, tf.mul(dy, a)),
      },
    });
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([4, 5, 6]);
    const before = tf.memory().numTensors;
    const onlyA = tf.grad((x: tf.Tensor) => tf.sum(op({ a: x, b })))(a);
    assert.deepEqual(Array.from(onlyA.dataSync()), [4, 5, 6]);
    assert.deepEqual(calls, { a: 1, b: 0 });
    const both = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(op({ a: x, b: y })))([a, b]);
    assert.deepEqual(
      both.map((g) => Array.from(g.dataSync())),
      [
        [4, 5, 6],
        [1, 2, 3],
      ],
    );
    assert.deepEqual(calls, { a: 2, b: 1 });
    tf.dispose([onlyA, ...both]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([a, b]);
  });

  test("fast-path: dense's value and its gradients (x, w, b) equal tfjs's autodiff of x·w + b", () => {
    const parameters = createParameters(denseSpecs('layer', 7, 5), 3);
    parameters['layer.b'].assign(tf.tensor1d([0.1, -0.2, 0.3, 0.4, -0.5]));
    const x = seeded([4, 7], 6);
    const dy = seeded([4, 5], 7);
    const run = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(dense(parameters, 'layer', x as tf.Tensor2D), dy)) as tf.Scalar,
      );
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(dense(parameters, 'layer', input as tf.Tensor2D), dy)))(x);
      return [value, grads[parameters['layer.w'].name], grads[parameters['layer.b'].name], dx];
    };
    const fast = run();
    useFastPath(false);
    const reference = run();
    useFastPath(true);
    ['value', 'dw', 'db', 'dx'].forEach((label, k) => assertClose(fast[k], reference[k], label));
    tf.dispose([x, dy, ...fast, ...reference]);
    Object.values(parameters).forEach((p) => p.dispose());
  });

  // A batch against a wide weight (flipped while the weight is fresh) and many rows against a small
  // weight (always direct, as RODEO's learned function).
  for (const [label, [m, k, n]] of [
    ['batch, wide weight', [4, 300, 200]],
    ['many rows, small weight', [500, 2, 10]],
  ] as const) {
    test(`fast-path: denseProduct gives bit-identical results before and after it starts reusing a packed weight (${label})`, () => {
      const x = seeded([m, k], 8) as tf.Tensor2D;
      const w = seeded([k, n], 9) as tf.Tensor2D;
      const bias = seeded([n], 10) as tf.Tensor1D;
      const results = [1, 2, 3, 4].map(() => tf.tidy(() => Array.from(denseProduct(x, w, bias).dataSync())));
      results.slice(1).forEach((r) => assert.deepEqual(r, results[0]));
      const reference = tf.tidy(() => tf.add(tf.matMul(x, w), bias));
      assertClose(tf.tensor2d(results[0], [m, n]), reference, 'x·w + b');
      tf.dispose([x, w, bias, reference]);
    });
  }

  // Shapes on either side of product's choice between the direct and the flipped form.
  for (const [label, [m, k, n]] of [
    ['few rows, wide right operand: flipped', [2, 40, 30]],
    ['many rows: direct', [40, 6, 3]],
    ['square', [8, 8, 8]],
  ] as const) {
    test(`fast-path: product equals tfjs's matMul for every transpose flag (${label} ${m}×${k}×${n})`, () => {
      for (const [ta, tb] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ] as const) {
        const a = seeded(ta ? [k, m] : [m, k], 11);
        const b = seeded(tb ? [n, k] : [k, n], 12);
        const got = product(a, b, ta, tb);
        const expected = tf.matMul(a, b, ta, tb);
        assertClose(got, expected, `transposeA ${ta}, transposeB ${tb}`);
        tf.dispose([a, b, got, expected]);
      }
    });
  }
});

/** A two-layer SBN (6–4–3) as a bare chain: its own reference surrogate below. */
function testChain(parameters: Parameters, x: tf.Tensor2D): Chain {
  return {
    baseline: (l) => inputBaseline(parameters, l, x),
    stein: (l, inputs) => steinFunction(parameters, l, inputs),
    input: x,
    units: [4, 3],
    logits: (l, parent) => dense(parameters, `q${l + 1}`, parent),
    term: (l, parent, z, logits) => {
      const own = tf.sub(logBernoulli(parent, dense(parameters, `p${l + 1}`, z)), logBernoulli(z, logits));
      return (l === 1 ? tf.add(own, logBernoulli(z, parameters['prior.b'])) : own) as tf.Tensor1D;
    },
  };
}

/**
 * The straightforward surrogate: sample and estimate first, then recompute every logit under the
 * tape; the objective (whose gradient the generative parameters take) on the estimator's path, or
 * on a path of its own drawn from the generative stream.
 */
function referenceGradients(
  chain: Chain,
  name: string,
  parameters: Parameters,
  samples: number,
  seed: number,
  draws: GenerativeDraws,
) {
  return tf.tidy(() => {
    const estimator = networkEstimator(name);
    if (estimator.kind !== 'signal') throw new Error(`${name} is pathwise`);
    const n = chain.input.shape[0];
    const rows = n * samples;
    const noise = chainNoise(chain, rows, seed);
    const path = samplePath(chain, tileRows(chain.input, rows), noise);
    const expansions = estimator.spec.networkGradient === 'mean-field' ? meanFieldExpansions(chain) : undefined;
    const learned = estimator.spec.learned === 'input-baseline';
    const baselines = chain.units.map((_, layer) => tileRows(chain.baseline!(layer), rows));
    const residuals: tf.Tensor1D[] = [];
    const stein = estimator.spec.learned === 'stein-function';
    const trainings: { inputs: tf.Tensor2D; outputGradient: tf.Tensor2D }[] = [];
    const signals = chain.units.map((_, layer) => {
      const e = expansions?.[layer];
      const {
        gradient,
        residual,
        stein: training,
      } = layerGradient(estimator, {
        logits: path.logits[layer],
        u: noise[layer],
        f: completion(chain, path, noise, layer),
        // The first layer's draws share their logits (the input): arms couples its group there.
        sharedLogits: layer === 0,
        samples,
        examples: n,
        settings: DEFAULT_SETTINGS,
        seed: deriveSeed(seed, 1000 + layer),
        ...(learned ? { inputBaseline: baselines[layer] } : {}),
        // networkGradient 'draws' (double-cv, rodeo): on this tape the estimator differentiates f itself
        ...(stein ? { steinFunction: (inputs: tf.Tensor2D) => chain.stein!(layer, inputs) } : {}),
        ...(e
          ? {
              expansion: {
                point: tileRows(e.point, rows),
                value: tileRows(e.value, rows),
                slope: tileRows(e.slope, rows),
              },
            }
          : {}),
      });
      if (residual) residuals.push(tf.div(residual, rows) as tf.Tensor1D);
      if (training) trainings.push(training);
      return tf.div(gradient, rows);
    });
    const own = samplePath(chain, chain.input, chainNoise(chain, n, deriveSeed(seed, GENERATIVE_STREAM)));
    const generative = draws === 'shared' ? path : own;
    const { grads } = tf.variableGrads(() => {
      const objective = tf.mean(pathObjective(chain, generative));
      const surrogate = signals.map((signal, layer) =>
        tf.sum(tf.mul(signal, chain.logits(layer, path.parents[layer]))),
      );
      const regression = residuals.map((r, layer) => tf.sum(tf.mul(r, tileRows(chain.baseline!(layer), rows))));
      const variance = trainings.map(({ inputs, outputGradient }, layer) =>
        tf.neg(tf.sum(tf.mul(outputGradient, chain.stein!(layer, inputs)))),
      );
      return tf.addN([objective, ...surrogate, ...regression, ...variance]) as tf.Scalar;
    }, Object.values(parameters));
    const gradients = Object.fromEntries(
      Object.entries(parameters).map(([k, v]) => [k, grads[v.name] ?? tf.zerosLike(v)]),
    );
    return { objective: tf.mean(pathObjective(chain, generative)), gradients } as unknown as tf.TensorContainer;
  }) as unknown as { objective: tf.Scalar; gradients: Record<string, tf.Tensor> };
}

describe('fast-path: chainGradients equals the straightforward surrogate', () => {
  const specs = [
    ...denseSpecs('q1', 6, 4),
    ...denseSpecs('p1', 4, 6),
    ...denseSpecs('q2', 4, 3),
    ...denseSpecs('p2', 3, 4),
  ];
  // The expectation's estimators: the k-sample bound's (vimco) has its own surrogate, checked
  // against its exact gradient in vimco.test.ts and with the fast path on and off below.
  const signal = NETWORK_ESTIMATOR_NAMES.filter(
    (e) => networkEstimator(e).kind === 'signal' && objectiveOf(estimators[e]) === 'expectation',
  );
  for (const [name, draws] of signal.flatMap((e) => GENERATIVE_DRAWS.map((g) => [e, g] as const))) {
    test(`fast-path: chain ${name}, generative draws ${draws}`, () => {
      const parameters = createParameters(
        [
          ...specs,
          { name: 'prior.b', shape: [3], init: 'glorot' as const },
          ...inputBaselineSpecs(2, 6),
          ...steinFunctionSpecs(2),
        ],
        5,
      );
      // α and β away from their initial 0, so that the learned function matters
      parameters['stein1.scale'].assign(tf.tensor1d([0.5, -0.4]));
      parameters['stein2.scale'].assign(tf.tensor1d([-0.3, 0.6]));
      parameters['prior.b'].assign(tf.tensor1d([0.4, -0.3, 1.1]));
      const x = tf.tensor2d([
        [1, 0, 1, 1, 0, 0],
        [0, 1, 1, 0, 1, 0],
        [1, 1, 0, 0, 0, 1],
      ]);
      const chain = testChain(parameters, x);
      const before = tf.memory().numTensors;
      const fast = chainGradients(chain, networkEstimator(name), parameters, {
        samples: 2,
        seed: 9,
        settings: DEFAULT_SETTINGS,
        generativeDraws: draws,
      });
      const reference = referenceGradients(chain, name, parameters, 2, 9, draws);
      assertClose(fast.objective, reference.objective, 'objective');
      for (const key of Object.keys(parameters)) assertClose(fast.gradients[key], reference.gradients[key], key);
      tf.dispose([
        fast.objective,
        reference.objective,
        ...Object.values(fast.gradients),
        ...Object.values(reference.gradients),
      ]);
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
      Object.values(parameters).forEach((p) => p.dispose());
    });
  }
});

test("fast-path: sampleFromInput (first layer once per example, as the bound and the ELBO run) draws the tiled input's path bit for bit", () => {
  const model = createSbnVae({ visible: 784, latent: [30, 20], kind: 'linear', seed: 6 });
  const x = tf.tidy(() => tf.step(tf.sub(tf.randomUniform([9, 784], 0, 1, 'float32', 3), 0.5))) as tf.Tensor2D;
  const parameters = model.parameters as Parameters;
  const chain: Chain = {
    input: x,
    units: [30, 20],
    logits: (l, parent) => dense(parameters, `q${l + 1}`, parent),
    term: (l, parent, z, logits) =>
      tf.sub(logBernoulli(parent, dense(parameters, `p${l + 1}`, z)), logBernoulli(z, logits)) as tf.Tensor1D,
  };
  const rows = 9 * 100;
  const noise = chainNoise(chain, rows, 17);
  const objective = (path: ReturnType<typeof samplePath>) => tf.tidy(() => bits(pathObjective(chain, path).dataSync()));
  // twice each: before and after denseProduct starts reusing the packed weights
  for (let k = 0; k < 2; k++) {
    assert.deepEqual(
      objective(sampleFromInput(chain, rows, noise)),
      objective(samplePath(chain, tileRows(x, rows), noise)),
    );
  }
  tf.dispose([x, ...noise]);
  model.dispose();
});

describe('fast-path: SBN VAE gradients with the fast path on and off', () => {
  const kinds = [
    { label: 'linear', latent: [5], kind: 'linear' as const },
    { label: 'nonlinear', latent: [5], kind: 'nonlinear' as const },
    { label: 'two-layer', latent: [5, 4], kind: 'linear' as const },
  ];
  for (const { label, latent, kind } of kinds) {
    test(`fast-path: ${label} VAE, every network estimator`, () => {
      const elboModel = createSbnVae({
        visible: 12,
        latent,
        kind,
        seed: 4,
        hidden: 7,
        inputBaseline: true,
        steinFunction: true,
      });
      const boundModel = createSbnVae({ visible: 12, latent, kind, seed: 4, hidden: 7, objective: 'k-sample-bound' });
      const x = tf.tidy(() =>
        tf.cast(tf.greater(tf.randomUniform([4, 12], 0, 1, 'float32', 8), 0.5), 'float32'),
      ) as tf.Tensor2D;
      for (const estimator of NETWORK_ESTIMATOR_NAMES) {
        const model = objectiveOf(estimators[estimator]) === 'k-sample-bound' ? boundModel : elboModel;
        const state = model.getState(); // moving-average baselines: both runs start from the same state
        const run = () => model.gradients(estimator, x, { samples: 2, seed: 21 });
        const fast = run();
        model.setState(state);
        useFastPath(false);
        const reference = run();
        useFastPath(true);
        assertClose(fast.objective, reference.objective, `${estimator} objective`);
        for (const name of Object.keys(model.parameters))
          assertClose(fast.gradients[name], reference.gradients[name], `${estimator} ${name}`);
        tf.dispose([
          fast.objective,
          reference.objective,
          ...Object.values(fast.gradients),
          ...Object.values(reference.gradients),
        ]);
      }
      x.dispose();
      elboModel.dispose();
      boundModel.dispose();
    });
  }
});

describe('fast-path: kernels on the wasm heap equal their tf ops bit for bit', () => {
  /** The kernels run on wasm only; elsewhere the tf ops are all there is. */
  const onWasm = (t: TestContext) =>
    tf.getBackend() === 'wasm' ? true : (t.skip(`backend ${tf.getBackend()}`), false);

  // Sizes on both sides of the four-lane loop's end (1, 3: one-lane only; 4; 7; 200; 784·200).
  for (const shape of [[1], [3], [4], [7], [200], [784, 200]]) {
    test(`fast-path: the Adam kernel equals Adam as tf ops bit for bit over 40 steps, shape [${shape}]`, (t) => {
      if (!onWasm(t)) return;
      const size = shape.reduce((a, b) => a * b, 1);
      const run = (fast: boolean) => {
        useFastPath(fast);
        const theta = tf.tidy(() =>
          tf.variable(
            tf.tensor(
              Float32Array.from(uniformArray(size, 1), (u) => 4 * u - 2),
              shape,
            ),
          ),
        );
        const adam = createOptimizer({ kind: 'adam', lr: 1e-3 });
        for (let t = 0; t < 40; t++) {
          // gradients from 1e-30 (g² underflows to subnormals and 0) to 1e10, exact zeros every 7th
          const g = tf.tensor(
            Float32Array.from(uniformArray(size, 100 + t), (u, i) =>
              i % 7 === 0 ? 0 : (u - 0.5) * 10 ** ((i % 41) - 30),
            ),
            shape,
          );
          adam.step({ theta }, { theta: g });
          g.dispose();
        }
        const state = adam.getState();
        const result = {
          theta: bits(theta.dataSync()),
          m: bits(state.slots.m.theta.values),
          v: bits(state.slots.v.theta.values),
        };
        theta.dispose();
        adam.dispose();
        useFastPath(true);
        return result;
      };
      const before = tf.memory().numTensors;
      const fused = run(true);
      const reference = run(false);
      assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
      for (const key of ['theta', 'm', 'v'] as const)
        assert.ok(
          fused[key].every((b, i) => b === reference[key][i]),
          `${key} differs`,
        );
    });
  }

  test('fast-path: uniformNoise drawn on the heap equals uniformArray, every seed and shape (one-lane tails included)', (t) => {
    if (!onWasm(t)) return;
    for (const [rows, cols] of [
      [1, 1],
      [3, 5],
      [50, 200],
      [7, 13],
      [0, 4],
    ]) {
      for (const seed of [0, 1, 2 ** 32 - 1, 987654321]) {
        const drawn = uniformNoise(rows, cols, seed);
        assert.deepEqual(drawn.shape, [rows, cols]);
        assert.deepEqual(
          bits(drawn.dataSync()),
          bits(uniformArray(rows * cols, seed)),
          `[${rows}, ${cols}], seed ${seed}`,
        );
        drawn.dispose();
      }
    }
  });

  // Rows of 784 pixels (four lanes only) and of 7 (a one-lane tail per row and in the uniforms).
  for (const width of [784, 7]) {
    test(`fast-path: batches gathered and binarised on the heap equal the tf ops bit for bit, every mode, rows of ${width}`, (t) => {
      if (!onWasm(t)) return;
      const n = 40;
      // pixels k/16 for k = 0 … 16: ties with the threshold 0.5, and 0 and 1
      const split = tf.tidy(() => ({
        images: tf.tensor2d(
          Float32Array.from({ length: n * width }, (_, i) => ((i * 7) % 17) / 16),
          [n, width],
        ),
        labels: tf.range(0, n, 1, 'int32') as tf.Tensor1D,
      }));
      for (const mode of BATCH_BINARIZE_MODES) {
        for (const batchSize of [1, 13, 40]) {
          const batcher = createBatcher(split, { batchSize, seed: 11, binarize: mode });
          for (const step of [0, 5]) {
            const fused = batcher.batchAt(step);
            useFastPath(false);
            const reference = batcher.batchAt(step);
            useFastPath(true);
            const label = `${mode}, batch ${batchSize}, step ${step}`;
            assert.deepEqual(fused.images.shape, reference.images.shape, label);
            assert.deepEqual(bits(fused.images.dataSync()), bits(reference.images.dataSync()), label);
            assert.deepEqual(Array.from(fused.labels.dataSync()), Array.from(reference.labels.dataSync()), label);
            tf.dispose([fused.images, fused.labels, reference.images, reference.labels]);
          }
        }
      }
      tf.dispose([split.images, split.labels]);
    });
  }
});
