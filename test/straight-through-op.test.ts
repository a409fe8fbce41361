/** The custom-gradient op used inside networks gives the same gradients as the estimators. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { estimate, straightThroughSample, uniformNoise, type EstimatorName, type SurrogateDerivative } from '../src';
import { nonlinear, setupBackend } from './support';

before(setupBackend);

const cases: [EstimatorName, SurrogateDerivative][] = [
  ['st', { kind: 'identity' }],
  ['st-sigmoid', { kind: 'sigmoid' }],
  ['st-annealed', { kind: 'annealed', slope: 2.5 }],
  ['gumbel-st', { kind: 'gumbel', temperature: 0.7 }],
];

for (const [name, rule] of cases) {
  test(`straightThroughSample with rule ${rule.kind} backpropagates like estimator ${name}`, () => {
    const samples = 50;
    const d = nonlinear.logits.length;
    const logits = tf.tensor1d(nonlinear.logits);
    const u = uniformNoise(samples, d, 4);
    const options = { samples, noise: u, slope: 2.5, temperature: 0.7 };
    const expected = estimate(name, nonlinear.f, logits, options);
    const before = tf.memory().numTensors;
    const viaOp = tf.tidy(() => {
      const tiled = tf.tile(logits.reshape([1, d]), [samples, 1]) as tf.Tensor2D;
      return tf.grad((phi) => tf.sum(nonlinear.f(straightThroughSample(phi as tf.Tensor2D, u, rule))))(tiled);
    });
    assert.equal(tf.memory().numTensors, before + 1, 'no tensors leak from the custom gradient');
    const a = viaOp.dataSync();
    expected.perSample.dataSync().forEach((x, i) => assert.ok(Math.abs(x - a[i]) < 1e-5, `${x} vs ${a[i]}`));
    tf.dispose([logits, u, viaOp, expected.perSample, expected.mean]);
  });
}
