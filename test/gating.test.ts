/**
 * The gated classifier (conditional computation) against exact enumeration of its binary gates:
 * `exact()` agrees with finite differences; for every unbiased network estimator the mean of many
 * `gradients()` calls matches the exact gradient of every parameter (z-test, Bonferroni bound);
 * the same test flags the biased ones (straight-through, concrete, gumbel-st). Main-network
 * coordinates share the sampled gates, so their z-scores are strongly correlated (Bonferroni is
 * conservative there). The unit types are checked as derivatives of the sampled
 * objective at fixed noise (common random numbers).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, estimators, zBound } from '../src';
import { NETWORK_ESTIMATOR_NAMES } from '../src/estimators/layer';
import { createGatingNet, GATING_ESTIMATOR_NAMES, type GatingBatch, type GatingConfig, type GatingNet } from '../src/models/gating';
import { finiteDifferences, flattenGradients, gradientMoments, maxAbsZ } from './model-support';
import { setupBackend } from './support';

before(setupBackend);

/** Pixels in [0, 1], as `gradients()` requires. */
const X = [
  [0.5, 0.0, 1.0],
  [0.1, 0.3, 0.9],
  [1.0, 0.7, 0.2],
];
const Y = [0, 1, 1];
const CALLS = 250;
const SAMPLES = 16;
const FALSE_ALARM = 1e-3;
const TINY: GatingConfig = { input: 3, hidden: 4, classes: 2, gaterHidden: 2, sparsity: 0.5, gaterBias: 0.5, seed: 3 };

const UNBIASED = NETWORK_ESTIMATOR_NAMES.filter((n) => estimators[n].unbiased);
const BIASED = NETWORK_ESTIMATOR_NAMES.filter((n) => !estimators[n].unbiased);

/** The tiny net, its main hidden biases raised so that every hidden unit is active for some example. */
function tinyNet(config: GatingConfig = {}): GatingNet {
  const model = createGatingNet({ ...TINY, ...config });
  model.setParameters({ 'main.h.b': [0.5, 0.5, 0.5, 0.5] });
  return model;
}

function tinyBatch(): GatingBatch {
  return { images: tf.tensor2d(X), labels: tf.tensor1d(Y, 'int32') };
}

function disposeBatch(batch: GatingBatch): void {
  tf.dispose([batch.images, batch.labels]);
}


function exactGradients(model: GatingNet, batch: GatingBatch): Float32Array {
  const exact = model.exact(batch);
  const flat = flattenGradients(model, exact.gradients);
  tf.dispose([exact.objective, ...Object.values(exact.gradients)]);
  return flat;
}




const PARAMETER_COUNT = 3 * 4 + 4 + 4 * 2 + 2 + 3 * 2 + 2 + 2 * 4 + 4;

describe('gating: exact enumeration', () => {
  test('exact() gradients agree with central finite differences of the exact objective', () => {
    const model = tinyNet();
    const batch = tinyBatch();
    const exact = exactGradients(model, batch);
    assert.equal(exact.length, PARAMETER_COUNT);
    const meanObjective = () => {
      const e = model.exact(batch);
      const value = tf.tidy(() => tf.mean(e.objective).dataSync()[0]);
      tf.dispose([e.objective, ...Object.values(e.gradients)]);
      return value;
    };
    finiteDifferences(model, meanObjective, 1e-2).forEach((fd, i) =>
      assert.ok(Math.abs(fd - exact[i]) < 5e-3 + 2e-2 * Math.abs(fd), `coordinate ${i}: fd ${fd} vs exact ${exact[i]}`),
    );
    disposeBatch(batch);
    model.dispose();
  });
});

describe('gating: every unbiased estimator matches the exact gradient of every parameter; the biased ones are flagged', () => {
  const model = tinyNet();
  const bound = zBound(FALSE_ALARM, PARAMETER_COUNT * UNBIASED.length);
  for (const estimator of UNBIASED) {
    test(`${estimator}: |z| < ${bound.toFixed(2)}`, () => {
      const batch = tinyBatch();
      const exact = exactGradients(model, batch);
      const { mean, se } = gradientMoments(model, estimator, batch, CALLS, Math.max(SAMPLES, estimators[estimator as keyof typeof estimators]?.minSamples ?? 1));
      const z = maxAbsZ(mean, se, exact);
      assert.ok(z < bound, `max |z| = ${z.toFixed(2)}`);
      disposeBatch(batch);
    });
  }
  for (const estimator of BIASED) {
    test(`${estimator} is flagged as biased`, () => {
      const batch = tinyBatch();
      const exact = exactGradients(model, batch);
      const { mean, se } = gradientMoments(model, estimator, batch, CALLS, Math.max(SAMPLES, estimators[estimator as keyof typeof estimators]?.minSamples ?? 1));
      assert.ok(maxAbsZ(mean, se, exact) > bound, `max |z| should exceed ${bound.toFixed(2)}`);
      disposeBatch(batch);
    });
  }
});

describe('gating: unit types', () => {
  for (const unit of ['sts', 'noisy-rectifier']) {
    test(`${unit}: the gradient is the derivative of the sampled objective at fixed noise`, () => {
      const model = tinyNet({ noise: 0.8 });
      const batch = tinyBatch();
      const options = { samples: 2, seed: 17 };
      const result = model.gradients(unit, batch, options);
      const gradient = flattenGradients(model, result.gradients);
      tf.dispose([result.objective, ...Object.values(result.gradients)]);
      const objective = () => {
        const r = model.gradients(unit, batch, options);
        const value = r.objective.dataSync()[0];
        tf.dispose([r.objective, ...Object.values(r.gradients)]);
        return value;
      };
      finiteDifferences(model, objective, 1e-3).forEach((fd, i) =>
        assert.ok(Math.abs(fd - gradient[i]) < 5e-3 + 2e-2 * Math.abs(fd), `coordinate ${i}: fd ${fd} vs gradient ${gradient[i]}`),
      );
      disposeBatch(batch);
      model.dispose();
    });
  }

  test('gate values: binary, sts in [0, 1], noisy-rectifier in [0, ∞) with exact zeros', () => {
    const model = tinyNet({ gaterBias: 0 });
    const images = tf.tensor2d(X);
    const values = (estimator: string) => {
      const g = model.gates(images, { seed: 5, estimator });
      const flat = Array.from(g.dataSync());
      g.dispose();
      return flat;
    };
    assert.ok(values('reinforce').every((v) => v === 0 || v === 1));
    const sts = values('sts');
    assert.ok(sts.every((v) => v >= 0 && v <= 1) && sts.some((v) => v === 0) && sts.some((v) => v > 0));
    const rectifier = values('noisy-rectifier');
    assert.ok(rectifier.every((v) => v >= 0) && rectifier.some((v) => v === 0) && rectifier.some((v) => v > 0));
    images.dispose();
    model.dispose();
  });
});

describe('gating: evaluation', () => {
  test('all gates closed: the prediction is argmax main.out.b; all open: the ungated network', () => {
    const batch = tinyBatch();
    const closed = tinyNet({ gaterBias: -40 });
    closed.setParameters({ 'main.out.b': [0.3, -0.2] });
    for (const estimator of ['reinforce', 'sts', 'noisy-rectifier']) {
      const { error, gatesOpen } = closed.evaluate(batch, { seed: 1, estimator });
      assert.equal(gatesOpen, 0, estimator);
      assert.ok(Math.abs(error - 2 / 3) < 1e-6, `${estimator}: every example predicted class 0, two of three are class 1 (error ${error})`);
    }
    closed.dispose();
    const open = tinyNet({ gaterBias: 40 });
    const expected = tf.tidy(() => {
      const p = open.parameters;
      const h = tf.relu(tf.add(tf.matMul(batch.images, p['main.h.w']), p['main.h.b']));
      return Array.from(tf.argMax(tf.add(tf.matMul(h, p['main.out.w']), p['main.out.b']), 1).dataSync());
    });
    const predicted = open.predict(batch.images, { seed: 2, estimator: 'arm' });
    assert.deepEqual(Array.from(predicted.dataSync()), expected);
    predicted.dispose();
    const { error, gatesOpen } = open.evaluate(batch, { seed: 2 });
    assert.equal(gatesOpen, 1);
    assert.ok(Math.abs(error - expected.filter((c, i) => c !== Y[i]).length / Y.length) < 1e-6, `error ${error}`);
    open.dispose();
    disposeBatch(batch);
  });
});

describe('gating: contract', () => {
  test('creating and disposing a net leaves no tensors behind (initial values and the gater bias are freed)', () => {
    const before = tf.memory().numTensors;
    createGatingNet({ input: 6, hidden: 4, classes: 3, gaterHidden: 2, seed: 1 }).dispose();
    createGatingNet({ input: 6, hidden: 4, classes: 3, gaterHidden: 0, seed: 1 }).dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  test('parameter names and shapes (default and linear gater)', () => {
    const model = createGatingNet({ seed: 1 });
    const shapes = Object.fromEntries(Object.entries(model.parameters).map(([n, v]) => [n, v.shape]));
    assert.deepEqual(shapes, {
      'main.h.w': [784, 200], 'main.h.b': [200], 'main.out.w': [200, 10], 'main.out.b': [10],
      'gater.h.w': [784, 50], 'gater.h.b': [50], 'gater.w': [50, 200], 'gater.b': [200],
    });
    assert.ok(model.parameters['gater.b'].dataSync().every((b) => b === 2), 'gates start mostly open');
    model.dispose();
    const linear = createGatingNet({ input: 5, hidden: 3, classes: 4, gaterHidden: 0, seed: 1 });
    const linearShapes = Object.fromEntries(Object.entries(linear.parameters).map(([n, v]) => [n, v.shape]));
    assert.deepEqual(linearShapes, {
      'main.h.w': [5, 3], 'main.h.b': [3], 'main.out.w': [3, 4], 'main.out.b': [4], 'gater.w': [5, 3], 'gater.b': [3],
    });
    linear.dispose();
  });

  test('every estimator and unit type gives one gradient per parameter, of its shape, and leaves no tensors behind', () => {
    const model = tinyNet();
    const batch = tinyBatch();
    const before = tf.memory().numTensors;
    for (const estimator of GATING_ESTIMATOR_NAMES) {
      const result = model.gradients(estimator, batch, { samples: 2, seed: 1 });
      for (const [name, variable] of Object.entries(model.parameters)) assert.deepEqual(result.gradients[name].shape, variable.shape, `${estimator}: ${name}`);
      assert.equal(result.objective.rank, 0);
      tf.dispose([result.objective, ...Object.values(result.gradients)]);
      model.evaluate(batch, { seed: 1, estimator });
      model.predict(batch.images, { seed: 1, estimator }).dispose();
      model.gates(batch.images, { seed: 1, estimator }).dispose();
    }
    const exact = model.exact(batch);
    tf.dispose([exact.objective, ...Object.values(exact.gradients)]);
    assert.equal(tf.memory().numTensors, before);
    disposeBatch(batch);
    model.dispose();
  });

  test('equal seeds give identical gradients; the baseline state round-trips', () => {
    const model = tinyNet();
    const batch = tinyBatch();
    const run = (estimator: string) => {
      const r = model.gradients(estimator, batch, { samples: 3, seed: 11 });
      const flat = flattenGradients(model, r.gradients);
      tf.dispose([r.objective, ...Object.values(r.gradients)]);
      return Array.from(flat);
    };
    for (const estimator of ['disarm', 'sts', 'noisy-rectifier']) assert.deepEqual(run(estimator), run(estimator), estimator);
    run('reinforce-optimal');
    const state = model.getState();
    const next = run('reinforce-optimal');
    model.setState(state);
    assert.deepEqual(run('reinforce-optimal'), next);
    disposeBatch(batch);
    model.dispose();
  });

  test('setParameters assigns by name and checks every shape', () => {
    const model = tinyNet();
    model.setParameters({ 'gater.b': [1, 2, 3, 4] });
    assert.deepEqual(Array.from(model.parameters['gater.b'].dataSync()), [1, 2, 3, 4]);
    assert.throws(() => model.setParameters({ 'gater.b': [1, 2] }), (e: Error) => e instanceof ArgumentError && /gater\.b.*\[4\]/.test(e.message));
    assert.throws(() => model.setParameters({ 'gate.w': [1] }), (e: Error) => e instanceof ArgumentError && /gate\.w.*valid names/.test(e.message));
    model.dispose();
  });

  test('bad input is a clear error', () => {
    const model = tinyNet();
    const batch = tinyBatch();
    const isArgumentError = (pattern: RegExp) => (e: Error) => e instanceof ArgumentError && pattern.test(e.message);
    assert.throws(() => model.gradients('nope', batch), isArgumentError(/valid names are reinforce, .*disarm.*, sts, noisy-rectifier/));
    assert.throws(() => model.evaluate(batch, { estimator: 'relu' }), isArgumentError(/options\.estimator.*sts, noisy-rectifier/));
    assert.throws(() => model.gradients('relax', batch), /not available inside networks/);
    assert.throws(() => model.gradients('reinforce-loo', batch, { samples: 1 }), /samples >= 2/);
    const labels = (values: number[], dtype: 'int32' | 'float32' = 'int32') => ({ images: batch.images, labels: tf.tensor1d(values, dtype) });
    for (const [bad, pattern] of [
      [labels([0, 2, 1]), /batch\.labels.*\[0, 2\).*got 2/],
      [labels([0, -1, 1]), /batch\.labels.*got -1/],
      [labels([0, 1]), /batch\.labels: expected shape \[3\]/],
      [labels([0, 1, 1], 'float32'), /batch\.labels: expected dtype int32/],
      [{ images: tf.zeros([3, 5]), labels: batch.labels }, /batch\.images: expected shape \[n, 3\]/],
      [{ images: batch.images }, /batch\.labels/],
    ] as const) {
      assert.throws(() => model.gradients('arm', bad as GatingBatch), isArgumentError(pattern));
      tf.dispose((bad as GatingBatch).labels === batch.labels ? (bad as GatingBatch).images : (bad as GatingBatch).labels);
    }
    const wide = tf.zeros([2, 4]) as tf.Tensor2D;
    assert.throws(() => model.predict(wide), isArgumentError(/images: expected shape \[n, 3\]/));
    wide.dispose();
    assert.throws(() => createGatingNet({ hidden: 0 }), isArgumentError(/config\.hidden/));
    assert.throws(() => createGatingNet({ classes: 1 }), isArgumentError(/config\.classes/));
    assert.throws(() => createGatingNet({ sparsity: -1 }), isArgumentError(/config\.sparsity/));
    assert.throws(() => createGatingNet({ noise: NaN }), isArgumentError(/config\.noise/));
    assert.throws(() => createGatingNet({ gaterBias: Infinity }), isArgumentError(/config\.gaterBias: expected a finite number, got Infinity/));
    const wideGates = createGatingNet({ ...TINY, hidden: 21 });
    assert.throws(() => wideGates.exact(batch), /2\^d/);
    wideGates.dispose();
    disposeBatch(batch);
    model.dispose();
  });
});
