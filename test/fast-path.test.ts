/**
 * The fast gradient path against tfjs's default autodiff, same seeds, float tolerance:
 * - the registered BatchMatMul gradient (explicit transposes on wasm) against tfjs's own, and the
 *   zero-copy Identity kernel;
 * - logBernoulli's hand-written gradient against autodiff of its formula;
 * - chainGradients (signals off the tape, one forward pass) against the straightforward surrogate
 *   (path sampled first, logits recomputed under the tape);
 * - every network estimator on every SBN VAE kind, fast path on and off.
 * Not timed: `npm run bench` measures the speed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { logBernoulli } from '../src/core/bernoulli';
import { fastPathEnabled, useFastPath } from '../src/core/fast-path';
import { DEFAULT_SETTINGS, layerGradient, NETWORK_ESTIMATOR_NAMES, networkEstimator } from '../src/estimators/layer';
import { completion, meanFieldExpansions, pathObjective, samplePath, tileRows, type Chain } from '../src/models/chain';
import { chainGradients, chainNoise } from '../src/models/chain-gradients';
import { createParameters, dense, denseSpecs, type Parameters } from '../src/models/parameters';
import { createSbnVae } from '../src/models/sbn-vae';
import { deriveSeed } from '../src/core/seeds';
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
    assert.ok(Number.isFinite(a[i]) && Math.abs(a[i] - e[i]) <= 1e-5 * scale + 1e-6, `${label}[${i}]: ${a[i]} vs ${e[i]} (scale ${scale})`);
  }
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

describe('fast-path: kernels', () => {
  test('fast-path: initBackend registers the fast path', () => {
    assert.equal(fastPathEnabled(), true);
  });

  for (const [transposeA, transposeB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    for (const batch of [[], [3]]) {
      test(`fast-path: BatchMatMul gradient equals tfjs's (transposeA ${transposeA}, transposeB ${transposeB}, batch [${batch}])`, () => {
        const [m, k, n] = [5, 7, 4];
        const a = seeded([...batch, ...(transposeA ? [k, m] : [m, k])], 1);
        const b = seeded([...batch, ...(transposeB ? [n, k] : [k, n])], 2);
        const dy = seeded([...batch, m, n], 3);
        const gradients = () => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB))([a, b], dy);
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

  test('fast-path: a clone (Identity) keeps its values after the original is disposed, and frees them after', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const y = tf.clone(x);
    x.dispose();
    assert.deepEqual(y.arraySync(), [[1, 2, 3], [4, 5, 6]]);
    const z = tf.add(y, 1);
    y.dispose();
    assert.deepEqual(z.arraySync(), [[2, 3, 4], [5, 6, 7]]);
    z.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test("fast-path: logBernoulli's gradient equals autodiff of z·φ − softplus(φ), broadcast and relaxed z included", () => {
    const formula = (z: tf.Tensor, phi: tf.Tensor) => tf.sum(tf.sub(tf.mul(z, phi), tf.softplus(phi)), -1);
    const cases: [tf.Tensor, tf.Tensor][] = [
      [tf.tensor2d([[1, 0, 1], [0, 0, 1]]), tf.tensor2d([[0, -2.5, 7], [0.3, 12, -30]])],
      [tf.tensor2d([[0.2, 0.9, 0.5], [1, 0, 0.1]]), tf.tensor1d([0, 1.5, -4])],
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

/** A two-layer SBN (6–4–3) as a bare chain: its own reference surrogate below. */
function testChain(parameters: Parameters, x: tf.Tensor2D): Chain {
  return {
    input: x,
    units: [4, 3],
    logits: (l, parent) => dense(parameters, `q${l + 1}`, parent),
    term: (l, parent, z, logits) => {
      const own = tf.sub(logBernoulli(parent, dense(parameters, `p${l + 1}`, z)), logBernoulli(z, logits));
      return (l === 1 ? tf.add(own, logBernoulli(z, parameters['prior.b'])) : own) as tf.Tensor1D;
    },
  };
}

/** The straightforward surrogate: sample and estimate first, then recompute every logit under the tape. */
function referenceGradients(chain: Chain, name: string, parameters: Parameters, samples: number, seed: number) {
  return tf.tidy(() => {
    const estimator = networkEstimator(name);
    if (estimator.kind !== 'signal') throw new Error(`${name} is pathwise`);
    const n = chain.input.shape[0];
    const rows = n * samples;
    const noise = chainNoise(chain, rows, seed);
    const path = samplePath(chain, tileRows(chain.input, rows), noise);
    const expansions = estimator.spec.needsGradient ? meanFieldExpansions(chain) : undefined;
    const signals = chain.units.map((_, layer) => {
      const e = expansions?.[layer];
      const { gradient } = layerGradient(estimator, {
        logits: path.logits[layer],
        u: noise[layer],
        f: completion(chain, path, noise, layer),
        samples,
        examples: n,
        settings: DEFAULT_SETTINGS,
        seed: deriveSeed(seed, 1000 + layer),
        ...(e ? { expansion: { point: tileRows(e.point, rows), value: tileRows(e.value, rows), slope: tileRows(e.slope, rows) } } : {}),
      });
      return tf.div(gradient, rows);
    });
    const { grads } = tf.variableGrads(() => {
      const objective = tf.mean(pathObjective(chain, path));
      const surrogate = signals.map((signal, layer) => tf.sum(tf.mul(signal, chain.logits(layer, path.parents[layer]))));
      return tf.addN([objective, ...surrogate]) as tf.Scalar;
    }, Object.values(parameters));
    const gradients = Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, grads[v.name]]));
    return { objective: tf.mean(pathObjective(chain, path)), gradients } as unknown as tf.TensorContainer;
  }) as unknown as { objective: tf.Scalar; gradients: Record<string, tf.Tensor> };
}

describe('fast-path: chainGradients equals the straightforward surrogate', () => {
  const specs = [...denseSpecs('q1', 6, 4), ...denseSpecs('p1', 4, 6), ...denseSpecs('q2', 4, 3), ...denseSpecs('p2', 3, 4)];
  for (const name of NETWORK_ESTIMATOR_NAMES.filter((e) => networkEstimator(e).kind === 'signal')) {
    test(`fast-path: chain ${name}`, () => {
      const parameters = createParameters([...specs, { name: 'prior.b', shape: [3], init: 'glorot' as const }], 5);
      parameters['prior.b'].assign(tf.tensor1d([0.4, -0.3, 1.1]));
      const x = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 1, 1, 0, 1, 0], [1, 1, 0, 0, 0, 1]]);
      const chain = testChain(parameters, x);
      const before = tf.memory().numTensors;
      const fast = chainGradients(chain, networkEstimator(name), parameters, { samples: 2, seed: 9, settings: DEFAULT_SETTINGS });
      const reference = referenceGradients(chain, name, parameters, 2, 9);
      assertClose(fast.objective, reference.objective, 'objective');
      for (const key of Object.keys(parameters)) assertClose(fast.gradients[key], reference.gradients[key], key);
      tf.dispose([fast.objective, reference.objective, ...Object.values(fast.gradients), ...Object.values(reference.gradients)]);
      assert.equal(tf.memory().numTensors, before);
      x.dispose();
      Object.values(parameters).forEach((p) => p.dispose());
    });
  }
});

describe('fast-path: SBN VAE gradients with the fast path on and off', () => {
  const kinds = [
    { label: 'linear', latent: [5], kind: 'linear' as const },
    { label: 'nonlinear', latent: [5], kind: 'nonlinear' as const },
    { label: 'two-layer', latent: [5, 4], kind: 'linear' as const },
  ];
  for (const { label, latent, kind } of kinds) {
    test(`fast-path: ${label} VAE, every network estimator`, () => {
      const model = createSbnVae({ visible: 12, latent, kind, seed: 4, hidden: 7 });
      const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 12], 0, 1, 'float32', 8), 0.5), 'float32')) as tf.Tensor2D;
      for (const estimator of NETWORK_ESTIMATOR_NAMES) {
        const state = model.getState(); // moving-average baselines: both runs start from the same state
        const run = () => model.gradients(estimator, x, { samples: 2, seed: 21 });
        const fast = run();
        model.setState(state);
        useFastPath(false);
        const reference = run();
        useFastPath(true);
        assertClose(fast.objective, reference.objective, `${estimator} objective`);
        for (const name of Object.keys(model.parameters)) assertClose(fast.gradients[name], reference.gradients[name], `${estimator} ${name}`);
        tf.dispose([fast.objective, reference.objective, ...Object.values(fast.gradients), ...Object.values(reference.gradients)]);
      }
      x.dispose();
      model.dispose();
    });
  }
});
