/**
 * Structured output prediction against exact enumeration: `exact()` agrees with finite
 * differences; for every unbiased estimator the mean of many `gradients()` calls matches the
 * exact gradient of the m-sample objective for every parameter of a two-layer model, for m = 1
 * and m = 2 (z-test, Bonferroni bound), and the biased estimators are flagged; `nll` is an
 * unbiased estimate of p(y | x) on the probability scale and approaches −log p(y | x) as m grows.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, estimators, objectiveOf, zBound, type EstimatorName } from '../src';
import { NETWORK_ESTIMATOR_NAMES } from '../src/estimators/layer';
import { createSop, sopBatchFrom, type Sop, type SopBatch } from '../src/models/sop';
import { finiteDifferences, flattenGradients, gradientMoments, maxAbsZ } from './model-support';
import { setupBackend } from './support';

before(setupBackend);

const X = [
  [1, 0, 1, 1],
  [0, 1, 1, 0],
  [1, 1, 0, 0],
];
const Y = [
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 0],
];
const CALLS = 250;
/** Copies of the three examples in one batch: the batch mean then averages this many draws. */
const COPIES = 16;
const FALSE_ALARM = 1e-3;

const UNBIASED = NETWORK_ESTIMATOR_NAMES.filter((n) => estimators[n].unbiased);

/**
 * Whether `estimator` trains the m-sample objective with `samples` = m: an estimator of the k-sample
 * bound (vimco) takes the m draws as its own k, so it needs m >= its minSamples; the others draw
 * their own joint samples and take any m.
 */
const trainsWith = (estimator: EstimatorName, m: number) =>
  objectiveOf(estimators[estimator]) !== 'k-sample-bound' || m >= estimators[estimator].minSamples;
const BIASED = NETWORK_ESTIMATOR_NAMES.filter((n) => !estimators[n].unbiased);

/** With a learned input baseline for the estimators that need one (nvil, muprop-c-idb); the others ignore it. */
function smallSop(kind: 'linear' | 'nonlinear' = 'linear'): Sop {
  return createSop({
    input: 4,
    output: 3,
    latent: [3, 2],
    kind,
    seed: 3,
    hidden: 5,
    inputBaseline: true,
    steinFunction: true,
  });
}

/** The stochastic layer whose logits parameter `name` computes (s1.* → 0, s2.* → 1). */
const stochasticLayer = (name: string) =>
  /^s(\d+)\./.test(name) ? Number(name.slice(1, name.indexOf('.'))) - 1 : undefined;

function makeBatch(copies = 1): SopBatch {
  return tf.tidy(() => ({
    x: tf.tile(tf.tensor2d(X), [copies, 1]),
    y: tf.tile(tf.tensor2d(Y), [copies, 1]),
  })) as SopBatch;
}

function disposeBatch(batch: SopBatch): void {
  tf.dispose([batch.x, batch.y]);
}

function exactValues(model: Sop, batch: SopBatch, samples: number) {
  const exact = model.exact(batch, { samples });
  const result = {
    gradients: flattenGradients(model, exact.gradients),
    objective: exact.objective.arraySync(),
    logLikelihood: exact.logLikelihood.arraySync(),
  };
  tf.dispose([exact.objective, exact.logLikelihood, ...Object.values(exact.gradients)]);
  return result;
}

/** Moments of CALLS gradient estimates on COPIES copies of the batch. */
function sopMoments(model: Sop, estimator: EstimatorName, samples: number) {
  const batch = makeBatch(COPIES);
  try {
    return gradientMoments(model, estimator, batch, CALLS, samples, stochasticLayer);
  } finally {
    disposeBatch(batch);
  }
}

/** Per-example mean and standard error over the `draws` copies of the three examples in `values` `[draws·3]`. */
function perExampleMoments(values: number[], draws: number): { mean: number; se: number }[] {
  return [0, 1, 2].map((i) => {
    const column = Array.from({ length: draws }, (_, k) => values[3 * k + i]);
    const mean = column.reduce((a, b) => a + b, 0) / draws;
    const sd = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws - 1));
    return { mean, se: sd / Math.sqrt(draws) };
  });
}

describe('sop: exact enumeration', () => {
  for (const [kind, h, samples] of [
    ['linear', 1e-2, 1],
    ['nonlinear', 1e-3, 1],
    ['linear', 1e-2, 2],
  ] as const) {
    test(`${kind}, m = ${samples}: exact() gradients agree with central finite differences of the exact objective`, () => {
      const model = smallSop(kind);
      // Zero biases put the hidden units of z = 0 exactly on LeakyReLU's kink, where finite
      // differences straddle two slopes; fixed nonzero biases move them off it.
      for (const [name, variable] of Object.entries(model.parameters)) {
        if (name.endsWith('.b'))
          model.setParameters({
            [name]: Array.from({ length: variable.size }, (_, k) => 0.3 * Math.sin(k + name.length)),
          });
      }
      const batch = makeBatch();
      const exact = exactValues(model, batch, samples).gradients;
      const meanObjective = () => {
        const e = model.exact(batch, { samples });
        const value = tf.tidy(() => tf.mean(e.objective).dataSync()[0]);
        tf.dispose([e.objective, e.logLikelihood, ...Object.values(e.gradients)]);
        return value;
      };
      finiteDifferences(model, meanObjective, h).forEach((fd, i) =>
        assert.ok(
          Math.abs(fd - exact[i]) < 5e-3 + 2e-2 * Math.abs(fd),
          `coordinate ${i}: fd ${fd} vs exact ${exact[i]}`,
        ),
      );
      disposeBatch(batch);
      model.dispose();
    });
  }

  test('the m-sample objective rises with m towards log p(y | x), which does not depend on m', () => {
    const model = smallSop();
    const batch = makeBatch();
    const [one, two, three] = [1, 2, 3].map((m) => exactValues(model, batch, m));
    for (let i = 0; i < 3; i++) {
      assert.ok(
        one.objective[i] < two.objective[i] && two.objective[i] < three.objective[i],
        `row ${i}: ${one.objective[i]}, ${two.objective[i]}, ${three.objective[i]}`,
      );
      assert.ok(
        three.objective[i] < one.logLikelihood[i],
        `row ${i}: m = 3 objective ${three.objective[i]} ≥ log p(y|x) ${one.logLikelihood[i]}`,
      );
      for (const other of [two, three])
        assert.ok(Math.abs(other.logLikelihood[i] - one.logLikelihood[i]) < 1e-5, `row ${i}: log p(y|x) depends on m`);
    }
    disposeBatch(batch);
    model.dispose();
  });
});

describe('sop: nll', () => {
  test('−nll with m = 1, 2 averages to the exact m-sample objective; exp(−nll) with m = 1 averages to p(y | x)', () => {
    const model = smallSop();
    const exact = [1, 2].map((m) => {
      const batch = makeBatch();
      const values = exactValues(model, batch, m);
      disposeBatch(batch);
      return values;
    });
    const draws = 4000;
    const big = makeBatch(draws);
    const bound = zBound(FALSE_ALARM, 9);
    for (const m of [1, 2]) {
      const nll = model.nll(big, { m, seed: 5 + m });
      const values = Array.from(nll.dataSync(), (v) => -v);
      nll.dispose();
      perExampleMoments(values, draws).forEach(({ mean, se }, i) => {
        const z = (mean - exact[m - 1].objective[i]) / se;
        assert.ok(
          Math.abs(z) < bound,
          `m = ${m} row ${i}: mean −nll ${mean} vs exact ${exact[m - 1].objective[i]} (z ${z})`,
        );
      });
      if (m === 1) {
        perExampleMoments(values.map(Math.exp), draws).forEach(({ mean, se }, i) => {
          const z = (mean - Math.exp(exact[0].logLikelihood[i])) / se;
          assert.ok(
            Math.abs(z) < bound,
            `row ${i}: mean p(y|z) ${mean} vs p(y|x) ${Math.exp(exact[0].logLikelihood[i])} (z ${z})`,
          );
        });
      }
    }
    disposeBatch(big);
    model.dispose();
  });

  test('nll with large m approaches −log p(y | x) within its delta-method error', () => {
    const model = smallSop();
    const batch = makeBatch();
    const { logLikelihood } = exactValues(model, batch, 1);
    // Relative spread of the weights p(y | z) / p(y | x), from many one-sample draws.
    const draws = 4000;
    const big = makeBatch(draws);
    const one = model.nll(big, { m: 1, seed: 21 });
    const weights = Array.from(one.dataSync(), (v) => Math.exp(-v));
    one.dispose();
    disposeBatch(big);
    const moments = perExampleMoments(weights, draws);
    const m = 2000;
    const nll = model.nll(batch, { m, seed: 22 });
    nll.arraySync().forEach((value, i) => {
      // log of a mean of m weights: sd ≈ s/√m and downward bias ≈ s²/(2m), s the relative sd.
      const s = (moments[i].se * Math.sqrt(draws)) / moments[i].mean;
      const tolerance = zBound(FALSE_ALARM, 3) * (s / Math.sqrt(m)) + (s * s) / m;
      assert.ok(
        Math.abs(-value - logLikelihood[i]) < tolerance,
        `row ${i}: −nll ${-value} vs log p(y|x) ${logLikelihood[i]} (tolerance ${tolerance})`,
      );
    });
    nll.dispose();
    disposeBatch(batch);
    model.dispose();
  });

  test('nll in chunks: each chunk of 50 examples (m = 100) is seeded by its offset; no tensors left behind', () => {
    const model = smallSop('nonlinear');
    const big = makeBatch(100);
    const before = tf.memory().numTensors;
    const nll = model.nll(big, { m: 100, seed: 3 });
    assert.deepEqual(nll.shape, [300]);
    const all = Array.from(nll.dataSync());
    nll.dispose();
    assert.ok(all.every((v) => Number.isFinite(v) && v > 0));
    assert.equal(tf.memory().numTensors, before);
    for (const start of [0, 50, 250]) {
      const chunk = { x: tf.slice(big.x, [start, 0], [50, -1]), y: tf.slice(big.y, [start, 0], [50, -1]) };
      const alone = model.nll(chunk, { m: 100, seed: 3 + start });
      assert.deepEqual(Array.from(alone.dataSync()), all.slice(start, start + 50), `chunk at ${start}`);
      tf.dispose([alone, chunk.x, chunk.y]);
    }
    disposeBatch(big);
    model.dispose();
  });
});

for (const m of [1, 2]) {
  describe(`sop: every unbiased estimator matches the exact gradient of the ${m}-sample objective (two stochastic layers)`, () => {
    const model = smallSop();
    const parameters = 4 * 3 + 3 + 3 * 2 + 2 + 2 * 3 + 3;
    const bound = zBound(FALSE_ALARM, parameters * UNBIASED.length * 2);
    const exact = () => {
      const batch = makeBatch();
      const values = exactValues(model, batch, m).gradients;
      disposeBatch(batch);
      return values;
    };
    for (const estimator of UNBIASED.filter((name) => trainsWith(name, m))) {
      test(`${estimator}, samples = ${m}: |z| < ${bound.toFixed(2)}`, () => {
        const { mean, se } = sopMoments(model, estimator, m);
        const z = maxAbsZ(mean, se, exact());
        assert.ok(z < bound, `max |z| = ${z.toFixed(2)}`);
      });
    }
    if (m === 2) {
      test('power: disarm with samples = 2 is told apart from the exact gradient of the 1-sample objective', () => {
        const batch = makeBatch();
        const oneSample = exactValues(model, batch, 1).gradients;
        disposeBatch(batch);
        const { mean, se } = sopMoments(model, 'disarm', m);
        assert.ok(maxAbsZ(mean, se, oneSample) > bound, `max |z| should exceed ${bound.toFixed(2)}`);
      });
    }
    if (m === 1) {
      for (const estimator of BIASED) {
        test(`${estimator} is flagged as biased`, () => {
          const { mean, se } = sopMoments(model, estimator, m);
          assert.ok(maxAbsZ(mean, se, exact()) > bound, `max |z| should exceed ${bound.toFixed(2)}`);
        });
      }
    }
  });
}

describe('sop: contract', () => {
  test('linear parameter names and shapes (defaults: 392 → 392)', () => {
    const model = createSop({ latent: [200, 200], kind: 'linear', seed: 1 });
    const shapes = Object.fromEntries(Object.entries(model.parameters).map(([n, v]) => [n, v.shape]));
    assert.deepEqual(shapes, {
      's1.w': [392, 200],
      's1.b': [200],
      's2.w': [200, 200],
      's2.b': [200],
      'out.w': [200, 392],
      'out.b': [392],
    });
    assert.deepEqual(model.config, {
      input: 392,
      output: 392,
      latent: [200, 200],
      kind: 'linear',
      hidden: 200,
      seed: 1,
      generativeDraws: 'independent',
      inputBaseline: false,
      steinFunction: false,
    });
    model.dispose();
  });

  test('nonlinear parameter names and shapes', () => {
    const model = createSop({ input: 10, output: 7, latent: [6], kind: 'nonlinear', hidden: 5, seed: 1 });
    const shapes = Object.fromEntries(Object.entries(model.parameters).map(([n, v]) => [n, v.shape]));
    assert.deepEqual(shapes, {
      's1.h1.w': [10, 5],
      's1.h1.b': [5],
      's1.h2.w': [5, 5],
      's1.h2.b': [5],
      's1.w': [5, 6],
      's1.b': [6],
      'out.h1.w': [6, 5],
      'out.h1.b': [5],
      'out.h2.w': [5, 5],
      'out.h2.b': [5],
      'out.w': [5, 7],
      'out.b': [7],
    });
    model.dispose();
  });

  test('gradients have one tensor per parameter, of its shape, and leave no tensors behind', () => {
    const model = smallSop('nonlinear');
    const batch = makeBatch();
    const before = tf.memory().numTensors;
    for (const estimator of NETWORK_ESTIMATOR_NAMES) {
      for (const samples of [1, 3].filter((m) => trainsWith(estimator, m))) {
        const result = model.gradients(estimator, batch, { samples, seed: 1 });
        for (const [name, variable] of Object.entries(model.parameters))
          assert.deepEqual(result.gradients[name].shape, variable.shape, name);
        assert.equal(result.objective.rank, 0);
        assert.ok(Number.isFinite(result.objective.dataSync()[0]));
        tf.dispose([result.objective, ...Object.values(result.gradients)]);
      }
    }
    const exact = model.exact(batch);
    tf.dispose([exact.objective, exact.logLikelihood, ...Object.values(exact.gradients)]);
    assert.equal(tf.memory().numTensors, before);
    disposeBatch(batch);
    model.dispose();
  });

  test('equal seeds give identical gradients; baseline state is kept per estimator and m', () => {
    const model = smallSop();
    const batch = makeBatch();
    const run = (estimator: string, samples: number) => {
      const r = model.gradients(estimator, batch, { samples, seed: 11 });
      const flat = flattenGradients(model, r.gradients);
      tf.dispose([r.objective, ...Object.values(r.gradients)]);
      return Array.from(flat);
    };
    assert.deepEqual(run('disarm', 3), run('disarm', 3));
    run('reinforce-optimal', 1);
    run('reinforce-optimal', 2);
    const state = model.getState() as { baselines: Record<string, { numerator: number[] }[]> };
    assert.equal(state.baselines['reinforce-optimal:1'][0].numerator.length, 3);
    assert.equal(state.baselines['reinforce-optimal:2'][0].numerator.length, 6);
    disposeBatch(batch);
    model.dispose();
  });

  test('sopBatchFrom splits 28×28 digits into the top and bottom 14 rows', () => {
    const images = tf.tensor2d(
      Array.from({ length: 2 * 784 }, (_, k) => k % 784),
      [2, 784],
    );
    const before = tf.memory().numTensors;
    const { x, y } = sopBatchFrom(images);
    assert.deepEqual(
      [x.shape, y.shape],
      [
        [2, 392],
        [2, 392],
      ],
    );
    const [xs, ys] = [x.arraySync(), y.arraySync()];
    assert.deepEqual(xs[1].slice(0, 3), [0, 1, 2]);
    assert.equal(xs[0][391], 13 * 28 + 27);
    assert.deepEqual(ys[0].slice(0, 2), [14 * 28, 14 * 28 + 1]);
    assert.equal(ys[1][391], 783);
    tf.dispose([x, y]);
    assert.equal(tf.memory().numTensors, before);
    assert.throws(
      () => sopBatchFrom(tf.zeros([2, 783]) as tf.Tensor2D),
      (e: Error) => e instanceof ArgumentError && /images.*\[n, 28 × 28 = 784\]/.test(e.message),
    );
    images.dispose();
  });

  test('bad input is a clear error', () => {
    const model = smallSop();
    const batch = makeBatch();
    const isArgumentError = (pattern: RegExp) => (e: Error) => e instanceof ArgumentError && pattern.test(e.message);
    assert.throws(() => model.gradients('nope', batch), isArgumentError(/estimator.*valid names/));
    assert.throws(() => model.gradients('relax', batch), /not available inside networks/);
    const wrongX = { x: tf.zeros([3, 5]) as tf.Tensor2D, y: batch.y };
    assert.throws(
      () => model.gradients('arm', wrongX),
      isArgumentError(/batch\.x: expected shape \[n, input = 4\], got \[3, 5\]/),
    );
    const wrongY = { x: batch.x, y: tf.zeros([3, 4]) as tf.Tensor2D };
    assert.throws(() => model.gradients('arm', wrongY), isArgumentError(/batch\.y: expected shape \[n, output = 3\]/));
    const fewerY = { x: batch.x, y: tf.zeros([2, 3]) as tf.Tensor2D };
    assert.throws(() => model.nll(fewerY), isArgumentError(/batch\.y: expected as many rows as batch\.x \(3\), got 2/));
    assert.throws(() => model.gradients('arm', batch.x as unknown as SopBatch), isArgumentError(/batch\.x/));
    assert.throws(() => model.gradients('arm', batch, { samples: 0 }), isArgumentError(/options\.samples/));
    assert.throws(() => model.nll(batch, { m: 1.5 }), isArgumentError(/options\.m/));
    assert.throws(() => model.exact(batch, { samples: 5 }), /2\^d/);
    assert.throws(() => createSop({ latent: [], kind: 'linear' }), /config\.latent/);
    assert.throws(() => createSop({ kind: 'deep' as 'linear' }), /config\.kind.*linear, nonlinear/);
    assert.throws(() => createSop({ input: 0, kind: 'linear' }), /config\.input/);
    tf.dispose([wrongX.x, wrongY.y, fewerY.y]);
    disposeBatch(batch);
    model.dispose();
  });
});
