/** Creating and disposing a model leaves no tensors behind (the initial values are not leaked). */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createSbnVae, createSop, tf } from '../src';
import { setupBackend } from './support';

before(setupBackend);

test('createSbnVae and createSop then dispose: tensor count unchanged', () => {
  const before = tf.memory().numTensors;
  createSbnVae({ visible: 6, latent: [4, 3], kind: 'nonlinear', hidden: 5, seed: 1 }).dispose();
  createSop({ latent: [4], kind: 'linear', seed: 1 }).dispose();
  assert.equal(tf.memory().numTensors, before);
});
