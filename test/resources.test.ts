/** No tensor leaks, measured evaluation counts, and baseline state carried across calls. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { estimate, ESTIMATOR_NAMES, estimators, exactGradient, uniformNoise } from '../src';
import { learnedParts, nonlinear, setupBackend } from './support';

before(setupBackend);

const extra = (name: string) => learnedParts(name, nonlinear);

test('estimate leaves only its two returned tensors behind, on success and on error', () => {
  const logits = tf.tensor1d(nonlinear.logits);
  for (const name of ESTIMATOR_NAMES) {
    const before = tf.memory().numTensors;
    const result = estimate(name, nonlinear.f, logits, { samples: 16, seed: 1, ...extra(name) });
    const stein = result.stein ? [result.stein.inputs, result.stein.outputGradient] : [];
    assert.equal(tf.memory().numTensors, before + 2 + stein.length, name);
    tf.dispose([result.perSample, result.mean, ...stein]);
    assert.equal(tf.memory().numTensors, before, name);
    const wrongShape = (z: tf.Tensor2D) => tf.sum(z, 1, true) as unknown as tf.Tensor1D;
    assert.throws(() => estimate(name, wrongShape, logits, { samples: 16, seed: 1, ...extra(name) }));
    assert.equal(tf.memory().numTensors, before, `${name} after an error`);
  }
  const before = tf.memory().numTensors;
  exactGradient(nonlinear.f, logits).dispose();
  assert.equal(tf.memory().numTensors, before);
  logits.dispose();
});

test('measured evaluations of f match the registry metadata', () => {
  const logits = tf.tensor1d(nonlinear.logits);
  const samples = 32;
  for (const name of ESTIMATOR_NAMES) {
    const result = estimate(name, nonlinear.f, logits, { samples, seed: 1, ...extra(name) });
    const meanField = estimators[name].evaluationsPerCall ?? 0;
    assert.equal(result.evaluations, samples * estimators[name].evaluationsPerSample + meanField, name);
    tf.dispose([result.perSample, result.mean, result.stein?.inputs, result.stein?.outputGradient]);
  }
  logits.dispose();
});

for (const name of ['reinforce-ema', 'reinforce-optimal'] as const) {
  test(`${name}: two calls with the state carried equal one call over the same draws`, () => {
    const d = nonlinear.logits.length;
    const logits = tf.tensor1d(nonlinear.logits);
    const noise = uniformNoise(40, d, 5);
    const [first, second] = tf.split(noise, 2) as tf.Tensor2D[];
    const whole = estimate(name, nonlinear.f, logits, { samples: 40, noise });
    const a = estimate(name, nonlinear.f, logits, { samples: 20, noise: first });
    const b = estimate(name, nonlinear.f, logits, { samples: 20, noise: second, baseline: a.baseline });
    const joined = [...a.perSample.dataSync(), ...b.perSample.dataSync()];
    Array.from(whole.perSample.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - joined[i]) < 1e-6));
    assert.deepEqual(b.baseline, whole.baseline);
    tf.dispose([logits, noise, first, second, whole.perSample, whole.mean, a.perSample, a.mean, b.perSample, b.mean]);
  });
}
