/**
 * What a structured-output model predicts (src/models/sop-images.ts) and chapter 03's demo
 * (src/lab/sop-demo.ts): the averaged prediction matches `E[y | x]` by enumeration within its
 * standard error (one and two layers), completions keep the given top half unchanged, results are
 * in [0, 1] and a function of the seed, bad arguments are named, and no tensors are left behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  createSop,
  disposeDataset,
  loadDataset,
  sopCompletions,
  sopPrediction,
  zBound,
  type Dataset,
  type Sop,
} from '../src';
import { sopDemoImages, trainSopDemo } from '../src/lab/index';
import { setupBackend } from './support';

let data: Dataset;
before(async () => {
  await setupBackend();
  data = loadDataset('mnist-2k');
});
after(() => disposeDataset(data));

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const named = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.message.includes(argument);

/** `σ(v · w + b)` for one row `v` and a dense layer `name` of a linear model. */
function layer(model: Sop, name: string, v: number[]): number[] {
  const w = model.parameters[`${name}.w`].arraySync() as number[][];
  const b = model.parameters[`${name}.b`].arraySync() as number[];
  return b.map((bj, j) => sigmoid(v.reduce((s, vi, i) => s + vi * w[i][j], bj)));
}

/** Every configuration of `d` binary units with its probability under independent `p`. */
function configurations(p: number[]): { z: number[]; weight: number }[] {
  return Array.from({ length: 2 ** p.length }, (_, k) => {
    const z = p.map((_, i) => (k >> i) & 1);
    return { z, weight: z.reduce((w, zi, i) => w * (zi ? p[i] : 1 - p[i]), 1) };
  });
}

/** `E[y | x]` and the per-pixel standard deviation of `E[y | x, z]` over z, by enumeration. */
function exactPrediction(model: Sop, x: number[]): { mean: number[]; sd: number[] } {
  const { latent } = model.config;
  // Paths through the layers with their probabilities, layer by layer.
  let paths = [{ z: x, weight: 1 }];
  latent.forEach((_, l) => {
    paths = paths.flatMap((path) =>
      configurations(layer(model, `s${l + 1}`, path.z)).map((c) => ({ z: c.z, weight: path.weight * c.weight })),
    );
  });
  const outputs = paths.map((path) => ({ weight: path.weight, y: layer(model, 'out', path.z) }));
  const mean = outputs[0].y.map((_, j) => outputs.reduce((s, o) => s + o.weight * o.y[j], 0));
  const sd = mean.map((m, j) => Math.sqrt(outputs.reduce((s, o) => s + o.weight * (o.y[j] - m) ** 2, 0)));
  return { mean, sd };
}

describe('sop images', () => {
  test('the prediction averaged over many draws matches E[y | x] by enumeration (one and two layers)', () => {
    const X = [
      [1, 0, 1, 1, 0, 0],
      [0, 1, 1, 0, 1, 1],
    ];
    const draws = 4000;
    for (const latent of [[3], [2, 3]]) {
      const model = createSop({ input: 6, output: 5, latent, kind: 'linear', seed: 3 });
      // Weights four times their initial size: units far from ½, where the mean field is far off.
      const larger = Object.fromEntries(
        Object.entries(model.parameters)
          .filter(([name]) => name.endsWith('.w'))
          .map(([name, w]) => [name, tf.mul(w, 4)]),
      );
      model.setParameters(larger);
      tf.dispose(Object.values(larger));
      const x = tf.tensor2d(X);
      const before = tf.memory().numTensors;
      const predicted = sopPrediction(model, x, { draws, seed: 7 });
      assert.deepEqual(predicted.shape, [2, 5]);
      const values = predicted.arraySync() as number[][];
      predicted.dispose();
      assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
      const bound = zBound(1e-3, 2 * 5);
      X.forEach((row, n) => {
        const { mean, sd } = exactPrediction(model, row);
        mean.forEach((m, j) => {
          const z = (values[n][j] - m) / (sd[j] / Math.sqrt(draws));
          assert.ok(Math.abs(z) < bound, `latent ${latent}, example ${n}, pixel ${j}: z = ${z.toFixed(2)}`);
        });
      });
      x.dispose();
      model.dispose();
    }
  });

  test('completions: the top half unchanged, the prediction below it, in [0, 1], a function of the seed', () => {
    const model = createSop({ latent: [8, 4], kind: 'linear', seed: 2 });
    const images = tf.slice(data.valid.images, [0, 0], [3, -1]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const [c1, c2, c3] = [{ seed: 4 }, { seed: 4 }, { seed: 5 }].map((o) => sopCompletions(model, images, o));
    const top = tf.slice(images, [0, 0], [-1, 392]) as tf.Tensor2D;
    const below = sopPrediction(model, top, { seed: 4 });
    const averaged = sopCompletions(model, images, { draws: 3, seed: 4 });
    assert.deepEqual(c1.shape, [3, 784]);
    const rows = c1.arraySync() as number[][];
    const original = images.arraySync() as number[][];
    const predicted = below.arraySync() as number[][];
    rows.forEach((row, n) => {
      assert.deepEqual(row.slice(0, 392), original[n].slice(0, 392), `digit ${n}: the top half is copied`);
      assert.deepEqual(row.slice(392), predicted[n], `digit ${n}: the bottom half is sopPrediction's`);
    });
    const all = [...c1.dataSync(), ...averaged.dataSync()];
    assert.ok(
      all.every((v) => v >= 0 && v <= 1),
      'values in [0, 1]',
    );
    assert.deepEqual(Array.from(c1.dataSync()), Array.from(c2.dataSync()), 'the same seed, the same images');
    assert.notDeepEqual(Array.from(c1.dataSync()), Array.from(c3.dataSync()), 'another seed draws other z');
    assert.notDeepEqual(Array.from(c1.dataSync()), Array.from(averaged.dataSync()), 'three draws average');
    tf.dispose([c1, c2, c3, top, below, averaged]);
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    images.dispose();
    model.dispose();
  });

  test('bad arguments are named', () => {
    const model = createSop({ input: 4, output: 3, latent: [2], kind: 'linear', seed: 1 });
    const [x, wide, odd] = [tf.zeros([2, 4]), tf.zeros([2, 5]), tf.zeros([1, 7])] as tf.Tensor2D[];
    const before = tf.memory().numTensors;
    assert.throws(() => sopPrediction(model, wide), named('x'));
    assert.throws(() => sopPrediction(model, [[1, 0, 1, 0]] as unknown as tf.Tensor2D), named('x'));
    assert.throws(() => sopPrediction(model, x, { draws: 0 }), named('options.draws'));
    assert.throws(() => sopPrediction(model, x, { seed: -1 }), named('options.seed'));
    assert.throws(() => sopCompletions(model, x), named('images'));
    assert.throws(() => sopCompletions(model, odd, { draws: 1.5 }), named('options.draws'));
    assert.equal(tf.memory().numTensors, before, 'nothing allocated by the refused calls');
    tf.dispose([wide, odd]);
    x.dispose();
    model.dispose();
  });
});

describe('sop demo', () => {
  test('trainSopDemo: the NLL at every evaluation, reproducible, improving; its images; no tensors left', async () => {
    const before = tf.memory().numTensors;
    const run = async () => {
      const rows: [number, number][] = [];
      let images: ReturnType<typeof sopDemoImages> | undefined;
      await trainSopDemo(data, {
        estimator: 'muprop',
        steps: 10,
        latent: [16],
        lr: 0.01,
        evalEvery: 5,
        evalExamples: 20,
        onEvaluation: (step, metrics, model) => {
          rows.push([step, metrics.validNll]);
          if (step === 10) images = sopDemoImages(model, data, 3, 2, 5);
        },
      });
      return { rows, images: images! };
    };
    const first = await run();
    const second = await run();
    assert.deepEqual(
      first.rows.map(([step]) => step),
      [0, 5, 10],
    );
    assert.deepEqual(first.rows, second.rows, 'a run is a function of its options');
    assert.deepEqual(first.images, second.images);
    assert.ok(
      first.rows[2][1] < first.rows[0][1] - 50,
      `the NLL falls: ${first.rows.map(([, v]) => v.toFixed(1)).join(' → ')}`,
    );
    const { originals, averaged, single } = first.images;
    assert.deepEqual(
      [originals.length, averaged.length, single.length, single[0].length, single[1].length],
      [3 * 784, 3 * 784, 2, 3 * 784, 3 * 784],
    );
    for (const images of [averaged, ...single]) {
      for (let n = 0; n < 3; n++) {
        assert.deepEqual(images.slice(n * 784, n * 784 + 392), originals.slice(n * 784, n * 784 + 392));
      }
    }
    assert.notDeepEqual(single[0], single[1], 'two draws of z');
    assert.equal(tf.memory().numTensors, before);
  });

  test('trainSopDemo and sopDemoImages name their bad arguments', async () => {
    const before = tf.memory().numTensors;
    await assert.rejects(trainSopDemo(data, { estimator: 'nope', steps: 2 }), named('options.estimator'));
    await assert.rejects(trainSopDemo(data, { estimator: 'st', steps: 2, lr: -1 }), named('options.lr'));
    await assert.rejects(trainSopDemo(data, { estimator: 'st', steps: 0 }), named('options.steps'));
    const model = createSop({ latent: [4], kind: 'linear', seed: 1 });
    assert.throws(() => sopDemoImages(model, data, 0), named('count'));
    assert.throws(() => sopDemoImages(model, data, 2, 1, 0), named('draws'));
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
