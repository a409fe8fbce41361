import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { BACKENDS, initBackend, parseBackendName } from '../src/backend';

/** d/dW and d/db of mean(sigmoid(x·W + b)), computed on `backend`. */
async function sigmoidLayerGrads(backend: string): Promise<number[][]> {
  assert.ok(await tf.setBackend(backend), `could not activate the ${backend} backend`);
  await tf.ready();
  return tf.tidy(() => {
    const x = tf.tensor2d([
      [0.5, -1.2, 2.0],
      [1.5, 0.3, -0.7],
    ]);
    const w = tf.tensor2d([
      [0.1, -0.4],
      [0.8, 0.25],
      [-0.6, 0.05],
    ]);
    const b = tf.tensor1d([0.2, -0.3]);
    const loss = (wv: tf.Tensor, bv: tf.Tensor) => tf.sigmoid(tf.add(tf.matMul(x, wv as tf.Tensor2D), bv)).mean();
    const [dw, db] = tf.grads(loss)([w, b]);
    return [Array.from(dw.dataSync()), Array.from(db.dataSync())];
  });
}

after(async () => {
  await tf.setBackend('cpu');
});

test('cpu and wasm backends agree on a sigmoid-layer gradient', async () => {
  const cpu = await sigmoidLayerGrads('cpu');
  const wasm = await sigmoidLayerGrads('wasm');
  assert.equal(wasm.length, cpu.length);
  cpu.forEach((values, i) => {
    assert.equal(wasm[i].length, values.length);
    values.forEach((value, j) => {
      assert.ok(Number.isFinite(value) && value !== 0, `gradient ${i}[${j}] should be a non-zero number`);
      assert.ok(
        Math.abs(wasm[i][j] - value) <= 1e-5 + 1e-4 * Math.abs(value),
        `gradient ${i}[${j}]: cpu ${value} vs wasm ${wasm[i][j]}`,
      );
    });
  });
});

test('parseBackendName rejects unknown names, listing the valid ones', () => {
  assert.throws(() => parseBackendName('nonsense'), /tensorflow, wasm, cpu/);
  for (const name of BACKENDS) assert.equal(parseBackendName(name), name);
});

test('initBackend picks a valid backend from the environment (STOCHGRAD_BACKEND or the default)', async () => {
  const name = await initBackend({ log: false });
  assert.ok((BACKENDS as readonly string[]).includes(name), `unexpected backend ${name}`);
  assert.equal(tf.getBackend(), name);
});
