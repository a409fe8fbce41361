/** parameterAgreement: MuProp agrees with the exact gradient of a two-layer SBN VAE, straight-through does not. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError, createSbnVae, parameterAgreement, tf, zBound } from '../src';
import { setupBackend } from './support';

before(setupBackend);

const X = [
  [1, 0, 1, 1, 0, 0],
  [0, 1, 1, 0, 1, 0],
  [1, 1, 0, 0, 0, 1],
];

function setup() {
  const model = createSbnVae({ visible: 6, latent: [4, 3], kind: 'linear', seed: 3 });
  const x = tf.tensor2d(X);
  const exact = model.exact(x);
  const dispose = () => {
    tf.dispose([x, exact.elbo, exact.logLikelihood, ...Object.values(exact.gradients)]);
    model.dispose();
  };
  return { model, x, exact, dispose };
}

test('muprop agrees with the exact gradient parameter by parameter; st does not', () => {
  const { model, x, exact, dispose } = setup();
  const before = tf.memory().numTensors;
  const muprop = parameterAgreement(model, 'muprop', x, exact.gradients, { calls: 200, samples: 8, seed: 1 });
  const st = parameterAgreement(model, 'st', x, exact.gradients, { calls: 200, samples: 8, seed: 1 });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(
    muprop.map((r) => r.name),
    Object.keys(model.parameters),
  );
  const coordinates = muprop.reduce((sum, r) => sum + r.size, 0);
  const bound = zBound(1e-3, coordinates);
  for (const row of muprop) assert.ok(row.maxAbsZ < bound, `${row.name}: |z| = ${row.maxAbsZ}`);
  assert.ok(Math.max(...st.map((r) => r.maxAbsZ)) > bound, 'straight-through should be detectably biased');
  dispose();
});

test('parameterAgreement rejects bad options and missing reference gradients', () => {
  const { model, x, exact, dispose } = setup();
  assert.throws(() => parameterAgreement(model, 'muprop', x, exact.gradients, { calls: 1, seed: 1 }), /options.calls/);
  assert.throws(() => parameterAgreement(model, 'muprop', x, {}, { calls: 2, seed: 1 }), ArgumentError);
  dispose();
});
