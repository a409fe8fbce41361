/**
 * The live VAE's computations (src/lab/vae-demo.ts, src/models/sbn-vae-images.ts) and the image
 * grid (src/viz/image-grid.ts): reproducible, in range, stoppable, and leaving no tensors behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  NETWORK_ESTIMATOR_NAMES,
  ArgumentError,
  createSbnVae,
  disposeDataset,
  imageGrid,
  loadDataset,
  vaeReconstructions,
  vaeSamples,
  type Dataset,
} from '../src';
import { trainVaeDemo, vaeDemoImages } from '../src/lab/index';
import { setupBackend } from './support';

let data: Dataset;
before(async () => {
  await setupBackend();
  data = loadDataset('mnist-2k');
});
after(() => disposeDataset(data));

describe('vae images and the live VAE', () => {
  test('reconstructions and samples: pixel means in [0, 1], the same for the same seed, no leaks', () => {
    for (const latent of [[8], [6, 4]]) {
      const vae = createSbnVae({ visible: 784, latent, kind: 'linear', seed: 2 });
      const x = tf.slice(data.valid.images, [0, 0], [5, -1]) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      const [r1, r2, r3] = [
        vaeReconstructions(vae, x, { seed: 4 }),
        vaeReconstructions(vae, x, { seed: 4 }),
        vaeReconstructions(vae, x, { seed: 5 }),
      ];
      const [s1, s2] = [vaeSamples(vae, 7, { seed: 4 }), vaeSamples(vae, 7, { seed: 4 })];
      assert.deepEqual(
        [r1.shape, s1.shape],
        [
          [5, 784],
          [7, 784],
        ],
      );
      const values = [...r1.dataSync(), ...s1.dataSync()];
      assert.ok(
        values.every((v) => v > 0 && v < 1),
        'σ of logits',
      );
      assert.deepEqual(Array.from(r1.dataSync()), Array.from(r2.dataSync()));
      assert.deepEqual(Array.from(s1.dataSync()), Array.from(s2.dataSync()));
      assert.notDeepEqual(Array.from(r1.dataSync()), Array.from(r3.dataSync()), 'another seed draws other z');
      tf.dispose([r1, r2, r3, s1, s2]);
      assert.equal(tf.memory().numTensors, before);
      assert.throws(() => vaeReconstructions(vae, tf.zeros([2, 10]) as tf.Tensor2D), ArgumentError);
      x.dispose();
      vae.dispose();
    }
  });

  test('trainVaeDemo: the ELBO at every evaluation, reproducible, improving, and no tensors left', async () => {
    const before = tf.memory().numTensors;
    const run = async () => {
      const rows: [number, number][] = [];
      let images: ReturnType<typeof vaeDemoImages> | undefined;
      await trainVaeDemo(data, {
        estimator: 'disarm',
        steps: 30,
        latent: [16],
        lr: 0.01,
        evalEvery: 10,
        onEvaluation: (step, metrics, model) => {
          rows.push([step, metrics.elbo]);
          if (step === 30) images = vaeDemoImages(model, data, 4);
        },
      });
      return { rows, images };
    };
    const first = await run();
    const second = await run();
    assert.deepEqual(
      first.rows.map(([step]) => step),
      [0, 10, 20, 30],
    );
    assert.deepEqual(first.rows, second.rows, 'a run is a function of its options');
    assert.ok(
      first.rows[3][1] > first.rows[0][1] + 50,
      `the ELBO improves: ${first.rows.map(([, e]) => e.toFixed(1)).join(' → ')}`,
    );
    assert.deepEqual(
      [first.images!.originals.length, first.images!.reconstructions.length, first.images!.samples.length],
      [4 * 784, 4 * 784, 4 * 784],
    );
    assert.equal(tf.memory().numTensors, before);
  });

  test('trainVaeDemo stops at the next evaluation when its signal aborts, freeing everything', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const seen: number[] = [];
    const stopped = trainVaeDemo(data, {
      estimator: 'reinforce-loo',
      steps: 100,
      latent: [8],
      evalEvery: 5,
      signal: controller.signal,
      onEvaluation: (step) => {
        seen.push(step);
        if (step === 10) controller.abort(new Error('stop here'));
      },
    });
    await assert.rejects(stopped, /stop here/);
    assert.deepEqual(seen, [0, 5, 10]);
    assert.equal(tf.memory().numTensors, before);
  });

  // Every estimator the live page lists: learned parts (rodeo's function, nvil's baseline), vimco's bound.
  test('trainVaeDemo trains every network estimator, each with the parts and the objective it needs', async () => {
    const before = tf.memory().numTensors;
    for (const estimator of NETWORK_ESTIMATOR_NAMES) {
      const { history } = await trainVaeDemo(data, {
        estimator,
        steps: 2,
        evalEvery: 2,
        latent: [5],
        evalExamples: 10,
      });
      assert.deepEqual(
        history.map((row) => row.step),
        [0, 2],
        estimator,
      );
      assert.ok(
        history.every((row) => Number.isFinite(row.elbo)),
        estimator,
      );
    }
    assert.equal(tf.memory().numTensors, before);
  });

  test('imageGrid tiles images row by row, ink dark on white, with gaps', () => {
    const side = 2;
    const values = [1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0];
    const grid = imageGrid(values, { side, columns: 2, gap: 1 });
    assert.deepEqual([grid.width, grid.height, grid.rgba.length], [5, 5, 100]);
    const grey = (x: number, y: number) => grid.rgba[(y * grid.width + x) * 4];
    assert.deepEqual([grey(0, 0), grey(1, 0), grey(1, 1)], [0, 255, 0], 'image 1: the diagonal is ink');
    assert.equal(grey(3, 0), 128, 'image 2: half grey');
    assert.equal(grey(0, 3), 255, 'image 3, next row: white');
    assert.equal(grey(2, 0), 220, 'gap');
    assert.equal(grey(4, 4), 220, 'the empty fourth tile stays gap-coloured');
    assert.ok(
      grid.rgba.every((v, i) => i % 4 !== 3 || v === 255),
      'opaque',
    );
    assert.throws(() => imageGrid([1, 2, 3], { side }), /multiple of 4/);
  });
});
