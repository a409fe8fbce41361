/**
 * The SBN VAE against exact enumeration: `exact()` agrees with finite differences, and for every
 * unbiased estimator the mean of many `gradients()` calls matches `exact().gradients` for every
 * parameter of a two-layer model (z-test, Bonferroni bound). The same test flags the biased
 * estimators — that is what catches bias in multi-layer control-variate plumbing.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, estimators, objectiveOf, zBound } from '../src';
import { NETWORK_ESTIMATOR_NAMES } from '../src/estimators/layer';
import { createSbnVae, type SbnVae } from '../src/models/sbn-vae';
import { finiteDifferences, flattenGradients, gradientMoments, maxAbsZ } from './model-support';
import { setupBackend } from './support';

before(setupBackend);

const X = [
  [1, 0, 1, 1, 0, 0],
  [0, 1, 1, 0, 1, 0],
  [1, 1, 0, 0, 0, 1],
];
const CALLS = 250;
const SAMPLES = 16;
const FALSE_ALARM = 1e-3;

const UNBIASED = NETWORK_ESTIMATOR_NAMES.filter((n) => estimators[n].unbiased);
const BIASED = NETWORK_ESTIMATOR_NAMES.filter((n) => !estimators[n].unbiased);

/** Whether `estimator` trains the k-sample bound (vimco) rather than the ELBO. */
const boundObjective = (estimator: string) =>
  objectiveOf(estimators[estimator as keyof typeof estimators]) === 'k-sample-bound';

/**
 * With `learned`, the learned parts the estimators that need one own: an input baseline (nvil,
 * muprop-c-idb) and RODEO's function (rodeo); the others ignore them. With `bound`, the k-sample
 * bound's VAE (vimco).
 */
function smallVae(kind: 'linear' | 'nonlinear' = 'linear', learned = false, bound = false): SbnVae {
  return createSbnVae({
    visible: 6,
    latent: [4, 3],
    kind,
    seed: 3,
    hidden: 5,
    inputBaseline: learned,
    steinFunction: learned,
    ...(bound ? { objective: 'k-sample-bound' as const } : {}),
  });
}

/** The stochastic layer whose logits parameter `name` computes (q1.* → 0, q2.* → 1). */
const encoderLayer = (name: string) =>
  /^q(\d+)\./.test(name) ? Number(name.slice(1, name.indexOf('.'))) - 1 : undefined;

/** The exact gradient of the model's objective: the ELBO, or the k-sample bound at `k` draws. */
function exactGradients(model: SbnVae, x: tf.Tensor2D, k = 1): Float32Array {
  if (model.config.objective === 'k-sample-bound') {
    const exact = model.exactBound(x, { k });
    const flat = flattenGradients(model, exact.gradients);
    tf.dispose([exact.bound, ...Object.values(exact.gradients)]);
    return flat;
  }
  const exact = model.exact(x);
  const flat = flattenGradients(model, exact.gradients);
  tf.dispose([exact.elbo, exact.logLikelihood, ...Object.values(exact.gradients)]);
  return flat;
}

describe('sbn-vae: exact enumeration', () => {
  for (const [kind, h] of [
    ['linear', 1e-2],
    ['nonlinear', 1e-3],
  ] as const)
    test(`${kind}: exact() gradients agree with central finite differences of the exact ELBO`, () => {
      const model = smallVae(kind);
      // Non-zero biases keep LeakyReLU's pre-activations off the kink, where differences are one-sided.
      model.setParameters(
        Object.fromEntries(
          Object.entries(model.parameters)
            .filter(([name]) => name.endsWith('.b'))
            .map(([name, v], k) => [name, Array.from({ length: v.size }, (_, i) => 0.3 * Math.sin(1 + 7 * k + 3 * i))]),
        ),
      );
      const x = tf.tensor2d(X);
      const exact = exactGradients(model, x);
      const meanElbo = () =>
        tf.tidy(() => {
          const e = model.exact(x);
          const value = tf.mean(e.elbo).dataSync()[0];
          tf.dispose([e.logLikelihood, ...Object.values(e.gradients)]);
          return value;
        });
      finiteDifferences(model, meanElbo, h).forEach((fd, i) =>
        assert.ok(
          Math.abs(fd - exact[i]) < 5e-3 + 2e-2 * Math.abs(fd),
          `coordinate ${i}: fd ${fd} vs exact ${exact[i]}`,
        ),
      );
      x.dispose();
      model.dispose();
    });

  test('log-likelihood ≥ ELBO, and the 1-sample bound and elbo() average to the exact ELBO', () => {
    const model = smallVae();
    const x = tf.tensor2d(X);
    const exact = model.exact(x);
    const elbo = exact.elbo.arraySync();
    const logLikelihood = exact.logLikelihood.arraySync();
    logLikelihood.forEach((ll, i) => assert.ok(ll >= elbo[i], `row ${i}: log p(x) ${ll} < ELBO ${elbo[i]}`));
    const draws = 4000;
    const big = tf.tile(x, [draws, 1]) as tf.Tensor2D;
    for (const [label, values] of [
      ['bound k=1', model.bound(big, { k: 1, seed: 5 })],
      ['elbo()', model.elbo(big, { samples: 1, seed: 6 })],
    ] as const) {
      const perRow = values.reshape([draws, 3]).arraySync() as number[][];
      values.dispose();
      for (let i = 0; i < 3; i++) {
        const column = perRow.map((r) => r[i]);
        const mean = column.reduce((a, b) => a + b, 0) / draws;
        const sd = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws - 1));
        const z = (mean - elbo[i]) / (sd / Math.sqrt(draws));
        assert.ok(
          Math.abs(z) < zBound(FALSE_ALARM, 6),
          `${label} row ${i}: mean ${mean} vs exact ELBO ${elbo[i]} (z ${z})`,
        );
      }
    }
    const k100 = model.bound(x, { k: 100, seed: 9 }).arraySync();
    k100.forEach((b, i) =>
      assert.ok(
        b > elbo[i] && b < logLikelihood[i] + 0.05,
        `row ${i}: bound_100 ${b} vs ELBO ${elbo[i]}, log p ${logLikelihood[i]}`,
      ),
    );
    tf.dispose([big, x, exact.elbo, exact.logLikelihood, ...Object.values(exact.gradients)]);
    model.dispose();
  });
});

describe('sbn-vae: every unbiased estimator matches the exact gradient of every parameter (two stochastic layers)', () => {
  const model = smallVae('linear', true);
  // An estimator of the k-sample bound (vimco) trains a VAE of that objective, at its k = minSamples
  // draws (2 · 7 units enumerable), against the exact gradient of that bound.
  const boundModel = smallVae('linear', false, true);
  const parameters = 6 * 4 + 4 + 4 * 6 + 6 + 4 * 3 + 3 + 3 * 4 + 4 + 3;
  const bound = zBound(FALSE_ALARM, parameters * UNBIASED.length);
  for (const estimator of UNBIASED) {
    test(`${estimator}: |z| < ${bound.toFixed(2)}`, () => {
      const x = tf.tensor2d(X);
      const kSample = boundObjective(estimator);
      const k = estimators[estimator].minSamples;
      const exact = kSample ? exactGradients(boundModel, x, k) : exactGradients(model, x);
      const { mean, se } = gradientMoments(
        kSample ? boundModel : model,
        estimator,
        x,
        CALLS,
        kSample ? k : Math.max(SAMPLES, estimators[estimator].minSamples),
        encoderLayer,
      );
      const z = maxAbsZ(mean, se, exact);
      assert.ok(z < bound, `max |z| = ${z.toFixed(2)}`);
      x.dispose();
    });
  }
  // The same model with its weights tripled: a decoder far from quadratic in z, where the "1/2"
  // estimator's bias (exact for quadratic f) stands out as clearly as straight-through's.
  const sharp = smallVae();
  tf.tidy(() =>
    sharp.setParameters(Object.fromEntries(Object.entries(sharp.parameters).map(([name, v]) => [name, tf.mul(v, 3)]))),
  );
  for (const estimator of BIASED) {
    test(`${estimator} is flagged as biased (weights ×3)`, () => {
      const x = tf.tensor2d(X);
      const exact = exactGradients(sharp, x);
      const { mean, se } = gradientMoments(
        sharp,
        estimator,
        x,
        CALLS,
        Math.max(SAMPLES, estimators[estimator].minSamples),
      );
      assert.ok(maxAbsZ(mean, se, exact) > bound, `max |z| should exceed ${bound.toFixed(2)}`);
      x.dispose();
    });
  }
});

describe('sbn-vae: contract', () => {
  test('linear parameter names and shapes', () => {
    const model = createSbnVae({ visible: 784, latent: [200, 100], kind: 'linear', seed: 1 });
    const shapes = Object.fromEntries(Object.entries(model.parameters).map(([n, v]) => [n, v.shape]));
    assert.deepEqual(shapes, {
      'q1.w': [784, 200],
      'q1.b': [200],
      'p1.w': [200, 784],
      'p1.b': [784],
      'q2.w': [200, 100],
      'q2.b': [100],
      'p2.w': [100, 200],
      'p2.b': [200],
      'prior.b': [100],
    });
    model.dispose();
  });

  test('nonlinear parameter names and shapes', () => {
    const model = createSbnVae({ visible: 784, latent: [200], kind: 'nonlinear', seed: 1 });
    const shapes = Object.fromEntries(Object.entries(model.parameters).map(([n, v]) => [n, v.shape]));
    assert.deepEqual(shapes, {
      'q1.h1.w': [784, 200],
      'q1.h1.b': [200],
      'q1.h2.w': [200, 200],
      'q1.h2.b': [200],
      'q1.w': [200, 200],
      'q1.b': [200],
      'p1.h1.w': [200, 200],
      'p1.h1.b': [200],
      'p1.h2.w': [200, 200],
      'p1.h2.b': [200],
      'p1.w': [200, 784],
      'p1.b': [784],
      'prior.b': [200],
    });
    model.dispose();
  });

  test('gradients have one tensor per parameter, of its shape, and leave no tensors behind', () => {
    const model = smallVae('nonlinear', true);
    const boundModel = smallVae('nonlinear', false, true);
    const x = tf.tensor2d(X);
    const before = tf.memory().numTensors;
    for (const estimator of NETWORK_ESTIMATOR_NAMES) {
      const used = boundObjective(estimator) ? boundModel : model;
      const result = used.gradients(estimator, x, { samples: 2, seed: 1 });
      for (const [name, variable] of Object.entries(used.parameters))
        assert.deepEqual(result.gradients[name].shape, variable.shape, name);
      assert.equal(result.objective.rank, 0);
      tf.dispose([result.objective, ...Object.values(result.gradients)]);
    }
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    boundModel.dispose();
    model.dispose();
  });

  test('equal seeds give identical gradients', () => {
    const model = smallVae();
    const x = tf.tensor2d(X);
    const run = () => {
      const r = model.gradients('disarm', x, { samples: 3, seed: 11 });
      const flat = flattenGradients(model, r.gradients);
      tf.dispose([r.objective, ...Object.values(r.gradients)]);
      return Array.from(flat);
    };
    assert.deepEqual(run(), run());
    x.dispose();
    model.dispose();
  });

  test('setParameters assigns by name and checks every shape', () => {
    const model = smallVae();
    model.setParameters({ 'prior.b': [1, 2, 3] });
    assert.deepEqual(Array.from(model.parameters['prior.b'].dataSync()), [1, 2, 3]);
    assert.throws(
      () => model.setParameters({ 'prior.b': [1, 2] }),
      (e: Error) => e instanceof ArgumentError && /prior\.b.*\[3\]/.test(e.message),
    );
    assert.throws(
      () => model.setParameters({ 'q9.w': [1] }),
      (e: Error) => e instanceof ArgumentError && /q9\.w.*valid names/.test(e.message),
    );
    assert.throws(() => model.setParameters({ 'prior.b': [1, NaN, 3] }), /finite/);
    model.dispose();
  });

  test('bad input is a clear error', () => {
    const model = smallVae();
    const x = tf.tensor2d(X);
    assert.throws(
      () => model.gradients('nope', x),
      (e: Error) => e instanceof ArgumentError && /valid names/.test(e.message),
    );
    assert.throws(() => model.gradients('relax', x), /not available inside networks/);
    assert.throws(() => model.gradients('reinforce-loo', x, { samples: 1 }), /samples >= 2/);
    assert.throws(() => model.gradients('arm', tf.zeros([3, 5]) as tf.Tensor2D), /x: expected shape \[n, 6\]/);
    assert.throws(() => createSbnVae({ visible: 6, latent: [], kind: 'linear' }), /config\.latent/);
    assert.throws(
      () => createSbnVae({ visible: 6, latent: [3], kind: 'deep' as 'linear' }),
      /config\.kind.*linear, nonlinear/,
    );
    assert.throws(() => createSbnVae({ visible: 6, latent: [12, 12], kind: 'linear' }).exact(x), /2\^d/);
    x.dispose();
    model.dispose();
  });
});

describe('sbn-vae: training', () => {
  test('the tensor count stays flat over 1,000 training steps', async () => {
    const { train } = await import('../src/train/train');
    const model = smallVae('nonlinear');
    const x = tf.tensor2d(X);
    const before = tf.memory().numTensors;
    let during = 0;
    const result = await train(
      model,
      { batchAt: () => x.clone() },
      {
        estimator: 'reinforce-ema',
        steps: 1000,
        lr: 1e-2,
        seed: 4,
        evalEvery: 500,
        evaluate: () => {
          during = tf.memory().numTensors;
          return {};
        },
      },
    );
    assert.equal(result.steps, 1000);
    assert.equal(tf.memory().numTensors, before, 'tensors left after training');
    assert.ok(
      during - before <= 2 * Object.keys(model.parameters).length + 1,
      `tensors during training: ${during - before} above the start`,
    );
    x.dispose();
    model.dispose();
  });
});
