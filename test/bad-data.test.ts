/**
 * Bad data reaching a model: every model's `gradients()` refuses a batch holding NaN or values
 * outside [0, 1] with an ArgumentError naming the input (`x`; the structured-output model `x`
 * for its top half and `y` for its bottom half), and leaves no tensors behind.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, createGatingNet, createSbnVae, createSop } from '../src';
import { setupBackend } from './support';

before(setupBackend);

const isArgumentError = (argument: string, got: RegExp) => (e: unknown) =>
  e instanceof ArgumentError && e.argument === argument && got.test(e.message) && /\[0, 1\]/.test(e.message);

/** A binary batch [n, d] with one entry replaced by `value` (row r, column c). */
function batchWith(n: number, d: number, value: number, r = 1, c = 3): tf.Tensor2D {
  const values: number[] = Array.from({ length: n * d }, (_, i) => (i % 3 === 0 ? 1 : 0));
  values[r * d + c] = value;
  return tf.tensor2d(values, [n, d]);
}

const BAD: [number, RegExp][] = [
  [NaN, /got NaN/],
  [1.5, /got 1\.5/],
  [-0.25, /got -0\.25/],
  [Infinity, /got Infinity/],
];

test('bad data: the SBN VAE refuses NaN and pixels outside [0, 1] in gradients(), naming x', () => {
  const vae = createSbnVae({ visible: 12, latent: [3], kind: 'linear', seed: 1 });
  const before = tf.memory().numTensors;
  for (const [value, got] of BAD) {
    const x = batchWith(4, 12, value);
    assert.throws(() => vae.gradients('disarm', x, { seed: 1 }), isArgumentError('x', got), String(value));
    x.dispose();
  }
  const nanEverywhere = tf.fill([4, 12], NaN) as tf.Tensor2D;
  assert.throws(
    () => vae.gradients('reinforce', nanEverywhere, { seed: 1 }),
    isArgumentError('x', /got NaN/),
    'a batch full of NaN',
  );
  nanEverywhere.dispose();
  const grey = tf.fill([4, 12], 0.3) as tf.Tensor2D;
  const result = vae.gradients('disarm', grey, { seed: 1 });
  tf.dispose([grey, result.objective, ...Object.values(result.gradients)]);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  vae.dispose();
});

test('bad data: the structured-output model names x for the top half and y for the bottom half', () => {
  const sop = createSop({ kind: 'linear', input: 6, output: 5, latent: [3], seed: 1 });
  const before = tf.memory().numTensors;
  for (const [value, got] of BAD) {
    const good = { x: batchWith(4, 6, 0), y: batchWith(4, 5, 1) };
    const badX = { x: batchWith(4, 6, value), y: good.y };
    const badY = { x: good.x, y: batchWith(4, 5, value, 3, 4) };
    assert.throws(() => sop.gradients('arm', badX, { seed: 1 }), isArgumentError('x', got), `x ${value}`);
    assert.throws(() => sop.gradients('arm', badY, { seed: 1 }), isArgumentError('y', got), `y ${value}`);
    tf.dispose([good.x, good.y, badX.x, badY.y]);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  sop.dispose();
});

test('bad data: the gated classifier refuses bad images, naming x', () => {
  const net = createGatingNet({ input: 8, hidden: 4, classes: 3, gaterHidden: 0, seed: 1 });
  const labels = tf.tensor1d([0, 1, 2, 1], 'int32');
  for (const [value, got] of BAD) {
    const images = batchWith(4, 8, value, 2, 7);
    assert.throws(() => net.gradients('st', { images, labels }, { seed: 1 }), isArgumentError('x', got), String(value));
    images.dispose();
  }
  labels.dispose();
  net.dispose();
});
