/**
 * The training machinery: Adam and SGD against a plain-JS reference, exact optimiser state,
 * a resumed run equal to an uninterrupted one (a toy, and an SBN VAE on real batches), flat tensor
 * count, history output, bad options.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  createBatcher,
  createOptimizer,
  createSbnVae,
  createToyModel,
  disposeDataset,
  historyFrame,
  loadDataset,
  runExperiment,
  train,
  writeHistoryCsv,
  type ExperimentConfig,
  type OptimizerOptions,
  type SbnVae,
  type ToyModel,
  type TrainOptions,
  type TrainRow,
} from '../src';
import { toySaturation } from '../src/lab/index';
import { CHECKPOINT_FILE } from '../src/train/checkpoint';
import { stepSeed } from '../src/train/train';
import { setupBackend } from './support';

before(setupBackend);

const temporaryDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'stochgrad-train-'));
const isArgumentError = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.argument === argument;

// Gradients of five steps for two parameters, shapes [3] and [2, 2].
const GRADIENTS = Array.from({ length: 5 }, (_, t) => ({
  a: [0.5 - t, 0.1 * (t + 1), -2 + 0.3 * t],
  b: [
    [t % 2 ? 1e-3 : -4, 0.7],
    [0, 1.5 - 0.2 * t],
  ],
}));
const START = {
  a: [0.1, -0.2, 0.3],
  b: [
    [1, 2],
    [3, 4],
  ],
};

/** Adam (ascent, bias-corrected) in float64, elementwise over flat arrays. */
function adamReference(theta: number[], grads: number[][], lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number[] {
  const x = [...theta];
  const m = x.map(() => 0);
  const v = x.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < x.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      x[i] += (lr * (m[i] / (1 - b1 ** t))) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
    }
  });
  return x;
}

function runOptimizer(options: OptimizerOptions, steps = GRADIENTS.length) {
  const parameters = tf.tidy(() => ({ a: tf.variable(tf.tensor(START.a)), b: tf.variable(tf.tensor(START.b)) }));
  const optimizer = createOptimizer(options);
  for (const g of GRADIENTS.slice(0, steps)) {
    const grads = { a: tf.tensor(g.a), b: tf.tensor(g.b) };
    optimizer.step(parameters, grads);
    tf.dispose(Object.values(grads));
  }
  return { parameters, optimizer };
}

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  for (let i = 0; i < expected.length; i++) {
    // float32 arithmetic against a float64 reference: a few float32 ulps of the scale involved.
    const tolerance = 1e-6 * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test('train: Adam and SGD match a plain-JS reference on a few steps', () => {
  const before = tf.memory().numTensors;
  for (const options of [
    { kind: 'adam', lr: 0.1 },
    { kind: 'adam', lr: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 },
  ] as const) {
    const { parameters, optimizer } = runOptimizer(options);
    const reference = (key: 'a' | 'b') =>
      adamReference(
        START[key].flat(),
        GRADIENTS.map((g) => g[key].flat()),
        options.lr,
        options.beta1,
        options.beta2,
        options.epsilon,
      );
    assertClose(parameters.a.dataSync(), reference('a'), `adam ${JSON.stringify(options)} a`);
    assertClose(parameters.b.dataSync(), reference('b'), `adam ${JSON.stringify(options)} b`);
    assert.equal(optimizer.getState().step, GRADIENTS.length);
    tf.dispose(Object.values(parameters));
    optimizer.dispose();
  }
  const { parameters, optimizer } = runOptimizer({ kind: 'sgd', lr: 0.5 });
  const sgd = START.a.map((x, i) => x + 0.5 * GRADIENTS.reduce((sum, g) => sum + g.a[i], 0));
  assertClose(parameters.a.dataSync(), sgd, 'sgd a');
  tf.dispose(Object.values(parameters));
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
});

test('train: optimizer state survives JSON exactly and is checked', () => {
  const straight = runOptimizer({ kind: 'adam', lr: 0.1 });
  const first = runOptimizer({ kind: 'adam', lr: 0.1 }, 3);
  const state = JSON.parse(JSON.stringify(first.optimizer.getState()));
  const second = createOptimizer({ kind: 'adam', lr: 0.1 });
  second.setState(state);
  for (const g of GRADIENTS.slice(3)) {
    const grads = { a: tf.tensor(g.a), b: tf.tensor(g.b) };
    second.step(first.parameters, grads);
    tf.dispose(Object.values(grads));
  }
  assert.deepEqual(first.parameters.a.dataSync(), straight.parameters.a.dataSync());
  assert.deepEqual(first.parameters.b.dataSync(), straight.parameters.b.dataSync());
  assert.deepEqual(second.getState(), straight.optimizer.getState());
  assert.throws(() => second.setState({ ...state, kind: 'sgd' }), isArgumentError('state.kind'));
  assert.throws(() => second.setState({ ...state, step: -1 }), isArgumentError('state.step'));
  assert.throws(() => second.setState({ ...state, slots: { m: state.slots.m } }), isArgumentError('state.slots'));
  const broken = { ...state, slots: { ...state.slots, v: { a: { shape: [3], values: [1, 2] } } } };
  assert.throws(() => second.setState(broken), isArgumentError('state.slots.v.a'));
  const wrongShape = tf.tidy(() => ({ a: tf.variable(tf.zeros([4])), b: tf.variable(tf.zeros([2, 2])) }));
  const grads = { a: tf.zeros([4]), b: tf.zeros([2, 2]) };
  assert.throws(() => second.step(wrongShape, grads), isArgumentError('parameters.a'));
  assert.throws(() => second.step(wrongShape, { a: grads.a }), isArgumentError('gradients.b'));
  assert.throws(() => second.step(wrongShape, { ...grads, b: tf.zeros([4]) }), isArgumentError('gradients.b'));
  for (const run of [straight, first]) {
    tf.dispose(Object.values(run.parameters));
    run.optimizer.dispose();
  }
  second.dispose();
  tf.dispose([...Object.values(wrongShape), ...Object.values(grads)]);
});

test('train: createOptimizer rejects bad options', () => {
  const bad: [unknown, string][] = [
    [{ kind: 'rmsprop', lr: 1 }, 'options.kind'],
    [{ kind: 'adam', lr: 0 }, 'options.lr'],
    [{ kind: 'adam', lr: 1, beta1: 1 }, 'options.beta1'],
    [{ kind: 'adam', lr: 1, beta2: 0 }, 'options.beta2'],
    [{ kind: 'adam', lr: 1, epsilon: -1 }, 'options.epsilon'],
    [null, 'options'],
  ];
  for (const [options, argument] of bad) {
    assert.throws(() => createOptimizer(options as OptimizerOptions), isArgumentError(argument), argument);
  }
});

const NO_DATA = { batchAt: () => undefined };
const probability = (model: ToyModel) => () => {
  const p = tf.tidy(() => tf.mean(tf.sigmoid(model.parameters.phi)).dataSync()[0]);
  return { probability: p };
};

function toyFor(estimator: string): ToyModel {
  return createToyModel({
    p0: 0.45,
    units: 2,
    ...(estimator === 'relax' ? { surrogate: { hidden: 5, seed: 2 } } : {}),
  });
}

function withoutSeconds(rows: TrainRow[]) {
  return rows.map(({ seconds, ...rest }) => {
    assert.ok(seconds >= 0);
    return rest;
  });
}

for (const estimator of ['reinforce-ema', 'relax']) {
  test(`train: 200 steps straight equal 100 steps, stop, resume, 100 steps (${estimator})`, async () => {
    const options: TrainOptions<void> = { estimator, steps: 200, lr: 0.05, seed: 7, samples: 3, evalEvery: 30 };
    const straight = toyFor(estimator);
    const full = await train(straight, NO_DATA, { ...options, evaluate: probability(straight) });

    const dir = temporaryDir();
    const first = toyFor(estimator);
    const half = await train(first, NO_DATA, {
      ...options,
      steps: 100,
      evaluate: probability(first),
      checkpoint: { dir, every: 50 },
    });
    assert.equal(half.steps, 100);
    assert.equal(half.history[half.history.length - 1].step, 100, 'the first session ends with a row at its last step');
    first.dispose();
    const resumed = toyFor(estimator);
    const rest = await train(resumed, NO_DATA, {
      ...options,
      evaluate: probability(resumed),
      resume: dir,
      checkpoint: { dir, every: 50 },
    });

    assert.equal(rest.steps, 200);
    for (const name of Object.keys(straight.parameters)) {
      assert.deepEqual(resumed.parameters[name].dataSync(), straight.parameters[name].dataSync(), `parameter ${name}`);
    }
    assert.deepEqual(withoutSeconds(rest.history), withoutSeconds(full.history));
    assert.deepEqual(
      rest.history.map((r) => r.step),
      [0, 30, 60, 90, 120, 150, 180, 200],
    );
    assert.ok(
      Number.isNaN(full.history[0].trainObjective) &&
        full.history.slice(1).every((r) => Number.isFinite(r.trainObjective)),
    );
    assert.deepEqual(resumed.getState(), straight.getState());
    straight.dispose();
    resumed.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

test('train: an SBN VAE with Adam on dynamically binarised batches resumes bit for bit (200 steps = 100 + resume + 100)', async () => {
  const dataset = loadDataset('mnist-10k');
  const batches = createBatcher(dataset.train, { batchSize: 20, seed: 4, binarize: 'dynamic' });
  const data = {
    batchAt: (t: number) => {
      const { images, labels } = batches.batchAt(t);
      labels.dispose();
      return images;
    },
  };
  const probe = batches.batchAt(10 ** 6);
  const createModel = () => createSbnVae({ visible: 784, latent: [10], kind: 'linear', seed: 3 });
  const evaluateOn = (model: SbnVae) => () => ({
    elbo: tf.tidy(() => tf.mean(model.elbo(probe.images, { seed: 5 })).dataSync()[0]),
  });
  const options: TrainOptions<tf.Tensor2D> = { estimator: 'disarm', steps: 200, lr: 3e-3, seed: 4, evalEvery: 40 };
  const [straightDir, resumedDir] = [temporaryDir(), temporaryDir()];
  const checkpointOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_FILE), 'utf8'));

  const straight = createModel();
  const full = await train(straight, data, {
    ...options,
    evaluate: evaluateOn(straight),
    checkpoint: { dir: straightDir, every: 200 },
  });
  const first = createModel();
  await train(first, data, {
    ...options,
    steps: 100,
    evaluate: evaluateOn(first),
    checkpoint: { dir: resumedDir, every: 100 },
  });
  first.dispose();
  const resumed = createModel();
  const rest = await train(resumed, data, {
    ...options,
    evaluate: evaluateOn(resumed),
    resume: resumedDir,
    checkpoint: { dir: resumedDir, every: 100 },
  });

  for (const name of Object.keys(straight.parameters)) {
    assert.deepEqual(resumed.parameters[name].dataSync(), straight.parameters[name].dataSync(), `parameter ${name}`);
  }
  assert.deepEqual(withoutSeconds(rest.history), withoutSeconds(full.history));
  assert.ok(full.history[full.history.length - 1].elbo > full.history[0].elbo, 'the ELBO rises');
  const [a, b] = [checkpointOf(straightDir), checkpointOf(resumedDir)];
  assert.equal(a.optimizer.step, 200);
  assert.deepEqual(b.optimizer, a.optimizer, "Adam's step, m and v");
  assert.deepEqual(b.parameters, a.parameters);
  tf.dispose([probe.images, probe.labels]);
  straight.dispose();
  resumed.dispose();
  disposeDataset(dataset);
  for (const dir of [straightDir, resumedDir]) fs.rmSync(dir, { recursive: true, force: true });
});

test("train: the VAE's periodic bound uses the first min(boundExamples, evalExamples) validation examples", async () => {
  const base = {
    task: 'vae' as const,
    estimators: ['disarm'],
    dataset: 'mnist-10k',
    steps: 1,
    batch: 10,
    lr: 1e-3,
    seed: 2,
    evalEvery: 1,
    latent: [6],
    testExamples: 5,
  };
  const validBound = async (subsets: Partial<ExperimentConfig>) =>
    (await runExperiment({ ...base, ...subsets }))[0].history[0].validBound;
  const twenty = await validBound({ evalExamples: 20 });
  assert.ok(Number.isFinite(twenty));
  assert.equal(await validBound({ evalExamples: 30, boundExamples: 20 }), twenty);
  assert.equal(await validBound({ evalExamples: 20, boundExamples: 200 }), twenty, 'capped by evalExamples');
  assert.notEqual(await validBound({ evalExamples: 30 }), twenty, 'the default, 200, capped at 30');
  await assert.rejects(runExperiment({ ...base, boundExamples: 0 }), isArgumentError('config.boundExamples'));
});

test('train: a checkpoint of another model, estimator or seed is refused; a missing one names its path', async () => {
  const dir = temporaryDir();
  const model = createToyModel({ p0: 0.45 });
  const options: TrainOptions<void> = { estimator: 'arm', steps: 10, lr: 0.1, seed: 1, checkpoint: { dir, every: 5 } };
  await train(model, NO_DATA, options);
  const other = createToyModel({ p0: 0.3 });
  await assert.rejects(train(other, NO_DATA, { ...options, steps: 20, resume: dir }), /options\.resume.*model/);
  await assert.rejects(
    train(model, NO_DATA, { ...options, steps: 20, estimator: 'disarm', resume: dir }),
    /options\.resume.*estimator/,
  );
  await assert.rejects(train(model, NO_DATA, { ...options, steps: 20, seed: 2, resume: dir }), /options\.resume.*seed/);
  await assert.rejects(train(model, NO_DATA, { ...options, steps: 5, resume: dir }), isArgumentError('options.steps'));
  const missing = path.join(dir, 'nowhere');
  await assert.rejects(train(model, NO_DATA, { ...options, resume: missing }), (e: unknown) => {
    return (
      e instanceof ArgumentError &&
      e.argument === 'options.resume' &&
      e.message.includes(path.join(missing, CHECKPOINT_FILE))
    );
  });
  assert.deepEqual(
    fs.readdirSync(dir).filter((f) => f !== 'nowhere'),
    [CHECKPOINT_FILE],
    'no temporary files left',
  );
  model.dispose();
  other.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('train: the tensor count stays flat over 1,000 training steps (tensor batches disposed)', async () => {
  const model = createToyModel({ p0: 0.45, units: 3, surrogate: { hidden: 4 } });
  const counts: number[] = [];
  const before = tf.memory().numTensors;
  for (const estimator of ['disarm', 'relax', 'reinforce-optimal']) {
    await train(
      model,
      { batchAt: (t) => ({ x: tf.fill([2], t), y: [tf.zeros([1])] }) as unknown as void },
      {
        estimator,
        steps: 1000 / 2,
        lr: 0.01,
        seed: 3,
        evalEvery: 100,
        evaluate: probability(model),
        // Adam's slots appear at the first step, so count from then on.
        onProgress: (step) => step > 0 && counts.push(tf.memory().numTensors),
      },
    );
  }
  assert.equal(tf.memory().numTensors, before, 'after the runs');
  assert.ok(
    counts.every((c) => c === counts[0]),
    `during the runs: ${counts}`,
  );
  const result = await train(model, NO_DATA, { estimator: 'arm', steps: 1000, lr: 0.01, seed: 3, optimizer: 'sgd' });
  assert.equal(result.steps, 1000);
  assert.equal(tf.memory().numTensors, before, 'after 1,000 SGD steps');
  model.dispose();
});

test('train: bad options are rejected naming the option', async () => {
  const model = createToyModel({ p0: 0.45 });
  const good: TrainOptions<void> = { estimator: 'arm', steps: 10, lr: 0.1, seed: 1 };
  const bad: [Partial<TrainOptions<void>> & Record<string, unknown>, string][] = [
    [{ estimator: '' }, 'options.estimator'],
    [{ steps: 0 }, 'options.steps'],
    [{ steps: 2.5 }, 'options.steps'],
    [{ lr: -1 }, 'options.lr'],
    [{ seed: -3 }, 'options.seed'],
    [{ seed: 2 ** 32 }, 'options.seed'],
    [{ optimizer: 'rmsprop' as 'adam' }, 'options.optimizer'],
    [{ samples: 0 }, 'options.samples'],
    [{ evalEvery: 0 }, 'options.evalEvery'],
    [{ evaluate: 3 as unknown as undefined }, 'options.evaluate'],
    [{ onProgress: 'x' as unknown as undefined }, 'options.onProgress'],
    [{ checkpoint: { dir: '', every: 1 } }, 'options.checkpoint'],
    [{ checkpoint: { dir: '/tmp/x', every: 0 } }, 'options.checkpoint.every'],
    [{ resume: '' }, 'options.resume'],
    [{ evaluate: () => ({ step: 1 }) }, 'options.evaluate'],
  ];
  for (const [change, argument] of bad) {
    await assert.rejects(train(model, NO_DATA, { ...good, ...change }), isArgumentError(argument), argument);
  }
  await assert.rejects(train(model, {} as typeof NO_DATA, good), isArgumentError('data'));
  await assert.rejects(train({} as ToyModel, NO_DATA, good), isArgumentError('model'));
  await assert.rejects(train(model, NO_DATA, { ...good, estimator: 'nope' }), isArgumentError('estimator'));
  model.dispose();
});

test('train: step seeds are distinct, deterministic uint32s', () => {
  const seeds = Array.from({ length: 10000 }, (_, t) => stepSeed(12345, t));
  assert.equal(new Set(seeds).size, seeds.length);
  assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32));
  assert.equal(stepSeed(12345, 17), seeds[17]);
  assert.notEqual(stepSeed(1, 0), stepSeed(2, 0));
});

test('train: history as a DataFrame and as CSV', async () => {
  const model = createToyModel({ p0: 0.45 });
  const { history } = await train(model, NO_DATA, {
    estimator: 'disarm',
    steps: 20,
    lr: 0.1,
    seed: 1,
    evalEvery: 10,
    evaluate: probability(model),
  });
  model.dispose();
  const frame = historyFrame(history);
  assert.deepEqual(frame.columns, ['step', 'seconds', 'trainObjective', 'probability']);
  assert.deepEqual(frame.shape, [3, 4]);
  const dir = temporaryDir();
  const file = path.join(dir, 'sub', 'history.csv');
  writeHistoryCsv(history, file);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'step,seconds,trainObjective,probability');
  assert.equal(lines.length, 4);
  assert.match(lines[1], /^0,[^,]+,,0\.5$/);
  assert.deepEqual(
    lines.slice(1).map((l) => Number(l.split(',')[0])),
    [0, 10, 20],
  );
  fs.rmSync(dir, { recursive: true, force: true });
  assert.throws(() => writeHistoryCsv('x' as unknown as TrainRow[], file), isArgumentError('rows'));
});

test('train: toySaturation finds the optimum of an easy toy and none within one step', () => {
  const easy = toySaturation({
    p0: 0.2,
    estimators: ['arm', { estimator: 'reinforce-loo', samples: 2 }],
    seeds: 3,
    steps: 2000,
  });
  assert.deepEqual(
    easy.map((r) => [r.estimator, r.samples, r.fraction]),
    [
      ['arm', 1, 1],
      ['reinforce-loo', 2, 1],
    ],
  );
  assert.ok(easy.every((r) => r.firstStep.every((s) => s !== null && s > 1)));
  const none = toySaturation({ p0: 0.2, estimators: ['arm'], seeds: 2, steps: 1 });
  const { finalProbability, ...rest } = none[0];
  assert.deepEqual(rest, { estimator: 'arm', samples: 1, fraction: 0, firstStep: [null, null], medianFirstStep: null });
  assert.ok(
    finalProbability.every((p) => p !== null && p > 0.5 && p < 0.9),
    `after one step up from 0.5: ${finalProbability}`,
  );
  assert.ok(easy.every((r) => r.finalProbability.every((p) => p === null)));
  assert.throws(() => toySaturation({ p0: 0.2, estimators: [] }), isArgumentError('options.estimators'));
  assert.throws(() => toySaturation({ p0: 0.2, estimators: ['arm'], steps: 0 }), isArgumentError('options.steps'));
});

/** A one-parameter model whose step `bad` (0-based) gives a non-finite objective or gradient; SGD ascends w by lr per step. */
function breaksAt(bad: number, where: 'objective' | 'gradient', size = 2) {
  const w = tf.tidy(() => tf.variable(tf.zeros([size])));
  let calls = 0;
  const model = {
    parameters: { w },
    setParameters: () => {},
    gradients: () => {
      const broken = calls++ === bad;
      const gradient = new Float32Array(size).fill(1);
      if (broken && where === 'gradient') gradient[size - 1] = Infinity;
      return {
        objective: tf.scalar(broken && where === 'objective' ? NaN : 1),
        gradients: { w: tf.tensor1d(gradient) },
      };
    },
  };
  return { model, w };
}

for (const [where, size, reason] of [
  ['gradient', 2, /^gradient of w is not finite$/],
  ['gradient', 10_000, /^gradient of w is not finite$/],
  ['objective', 2, /^objective is NaN$/],
] as const) {
  test(`train: a non-finite ${where} (${size} entries) stops the run at that step, unapplied, with a last history row there`, async () => {
    const before = tf.memory().numTensors;
    const { model, w } = breaksAt(7, where, size);
    const result = await train(model, NO_DATA, {
      estimator: 'arm',
      steps: 20,
      lr: 0.5,
      seed: 1,
      optimizer: 'sgd',
      evalEvery: 5,
      evaluate: () => ({ w: w.dataSync()[0] }),
    });
    assert.equal(result.diverged?.step, 7);
    assert.match(result.diverged?.reason ?? '', reason);
    assert.equal(result.steps, 7);
    assert.deepEqual(
      result.history.map((row) => row.step),
      [0, 5, 7],
    );
    assert.deepEqual(
      result.history.map((row) => row.w),
      [0, 2.5, 3.5],
      'steps 0..6 applied, step 7 not',
    );
    assert.ok(Array.from(w.dataSync()).every((v) => v === 3.5));
    w.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  });
}

test('train: a run that never diverges has no diverged field; step 0 can diverge', async () => {
  const fine = breaksAt(-1, 'objective');
  const full = await train(fine.model, NO_DATA, { estimator: 'arm', steps: 4, lr: 1, seed: 1, optimizer: 'sgd' });
  assert.equal(full.diverged, undefined);
  assert.equal(full.steps, 4);
  const first = breaksAt(0, 'objective');
  const stopped = await train(first.model, NO_DATA, {
    estimator: 'arm',
    steps: 4,
    lr: 1,
    seed: 1,
    optimizer: 'sgd',
    evalEvery: 2,
  });
  assert.deepEqual(
    [stopped.diverged, stopped.steps, stopped.history.map((row) => row.step)],
    [{ step: 0, reason: 'objective is NaN' }, 0, [0]],
  );
  tf.dispose([fine.w, first.w]);
});

/** Parameter values of a model, by name. */
function valuesOf(parameters: Readonly<Record<string, tf.Tensor>>): Record<string, Float32Array> {
  return Object.fromEntries(Object.entries(parameters).map(([name, t]) => [name, t.dataSync() as Float32Array]));
}

test('train: keepBest returns the parameters of the best evaluation, equal to a run stopped there', async () => {
  const options: TrainOptions<void> = { estimator: 'reinforce', steps: 120, lr: 0.5, seed: 4, evalEvery: 10 };
  const distance = (model: ToyModel) => () => ({ distance: Math.abs(probability(model)().probability - 0.7) });
  const model = toyFor('reinforce');
  const stopped = toyFor('reinforce');
  const before = tf.memory().numTensors;
  const result = await train(model, NO_DATA, {
    ...options,
    evaluate: distance(model),
    keepBest: { metric: 'distance', mode: 'min' },
  });
  const best = result.best!;
  const values = result.history.map((row) => row.distance);
  assert.equal(best.value, Math.min(...values));
  assert.equal(best.step, result.history[values.indexOf(best.value)].step);
  assert.ok(best.step > 0 && best.step < 120, `the walk passes σ = 0.7 on its way up (best at step ${best.step})`);
  await train(stopped, NO_DATA, { ...options, steps: best.step });
  assert.deepEqual(valuesOf(best.parameters), valuesOf(stopped.parameters));
  tf.dispose(Object.values(best.parameters));
  assert.equal(tf.memory().numTensors, before, 'the copies of earlier bests were freed');
  await assert.rejects(
    train(model, NO_DATA, { ...options, keepBest: { metric: 'distance', mode: 'lowest' as 'min' } }),
    isArgumentError('options.keepBest.mode'),
  );
  await assert.rejects(
    train(model, NO_DATA, { ...options, evaluate: distance(model), keepBest: { metric: 'nope', mode: 'min' } }),
    isArgumentError('options.keepBest.metric'),
  );
  model.dispose();
  stopped.dispose();
});

test('train: keepBest survives a checkpoint; a closing row off the grid counts only for the session it ends', async () => {
  // The metric peaks at step 100, which only the first session (steps = 100, off the grid of 30) evaluates.
  const scored = (model: ToyModel) => (_: unknown, step: number) => ({
    score: step === 100 ? 1e9 : probability(model)().probability,
  });
  const options: TrainOptions<void> = {
    estimator: 'reinforce-ema',
    steps: 200,
    lr: 0.05,
    seed: 7,
    samples: 3,
    evalEvery: 30,
    keepBest: { metric: 'score', mode: 'max' },
  };
  const straight = toyFor('reinforce-ema');
  const full = await train(straight, NO_DATA, { ...options, evaluate: scored(straight) });
  const dir = temporaryDir();
  const first = toyFor('reinforce-ema');
  const half = await train(first, NO_DATA, {
    ...options,
    steps: 100,
    evaluate: scored(first),
    checkpoint: { dir, every: 50 },
  });
  assert.equal(half.best!.step, 100);
  const saved = JSON.parse(fs.readFileSync(path.join(dir, CHECKPOINT_FILE), 'utf8'));
  assert.equal(saved.best.step, 90, 'the checkpoint keeps the best on the grid');
  const resumed = toyFor('reinforce-ema');
  const rest = await train(resumed, NO_DATA, { ...options, evaluate: scored(resumed), resume: dir });
  assert.deepEqual([rest.best!.step, rest.best!.value], [full.best!.step, full.best!.value]);
  assert.deepEqual(valuesOf(rest.best!.parameters), valuesOf(full.best!.parameters));
  for (const run of [full, half, rest]) tf.dispose(Object.values(run.best!.parameters));
  await assert.rejects(
    train(resumed, NO_DATA, {
      ...options,
      steps: 300,
      resume: dir,
      evaluate: scored(resumed),
      keepBest: undefined,
      lrScale: { phi: 2 },
    }),
    /options\.resume.*lrScale/,
  );
  const plain = temporaryDir();
  await train(first, NO_DATA, { ...options, keepBest: undefined, steps: 30, checkpoint: { dir: plain, every: 30 } });
  await assert.rejects(train(first, NO_DATA, { ...options, steps: 60, resume: plain }), /no best evaluation/);
  for (const model of [straight, first, resumed]) model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(plain, { recursive: true, force: true });
});

test('train: lrScale multiplies the step of the named parameters; afterStep runs after every update', async () => {
  const { parameters, optimizer } = runOptimizer({ kind: 'sgd', lr: 0.5, lrScale: { a: 0.25 } });
  const a = START.a.map((x, i) => x + 0.125 * GRADIENTS.reduce((sum, g) => sum + g.a[i], 0));
  const b = START.b.flat().map((x, i) => x + 0.5 * GRADIENTS.reduce((sum, g) => sum + g.b.flat()[i], 0));
  assertClose(parameters.a.dataSync(), a, 'sgd a, scaled');
  assertClose(parameters.b.dataSync(), b, 'sgd b');
  tf.dispose(Object.values(parameters));
  optimizer.dispose();
  assert.throws(
    () => createOptimizer({ kind: 'adam', lr: 1, lrScale: { a: 0 } }),
    isArgumentError('options.lrScale.a'),
  );
  const model = createToyModel({ p0: 0.45 });
  const seen: number[] = [];
  const hooked = Object.assign(Object.create(model) as ToyModel, {
    afterStep: () => seen.push(model.parameters.phi.dataSync()[0]),
  });
  await train(hooked, NO_DATA, { estimator: 'arm', steps: 5, lr: 0.1, seed: 1 });
  assert.equal(seen.length, 5);
  assert.equal(seen[4], model.parameters.phi.dataSync()[0]);
  model.dispose();
});
