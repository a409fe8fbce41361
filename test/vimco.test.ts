/**
 * VIMCO and the k-sample bound: the oracle (k = 1 is the ordinary exact gradient; a d = 1, k = 2
 * case by hand), the learning signals by hand, unbiasedness at k = 3 and power against ∇E[f], the
 * SBN VAE trained on the k-sample bound against its exact gradient, and the refusals.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  enumerate,
  enumerateBound,
  estimate,
  exactGradientOf,
  gradientStats,
  groupMeans,
  zBound,
} from '../src';
import { resolveTaskEstimator } from '../src/experiments/tasks/task';
import { createGatingNet } from '../src/models/gating';
import { createSbnVae, type SbnVae } from '../src/models/sbn-vae';
import { createToyModel } from '../src/models/toy-model';
import { flattenGradients, gradientMoments, maxAbsZ } from './model-support';
import { nonlinear, oneUnit, setupBackend, sigmoid } from './support';

before(setupBackend);

const FALSE_ALARM = 1e-3;

describe('the k-sample bound oracle', () => {
  test('k = 1 is the ordinary exact gradient and expectation', () => {
    const logits = tf.tensor1d(nonlinear.logits);
    const one = enumerateBound(nonlinear.f, logits, 1);
    const ordinary = enumerate(nonlinear.f, logits);
    assert.ok(Math.abs(one.bound - ordinary.expectation) < 1e-9);
    one.gradient.forEach((g, i) => assert.ok(Math.abs(g - ordinary.gradient[i]) < 1e-9, `coordinate ${i}`));
    logits.dispose();
  });

  test('d = 1, k = 2 by hand', () => {
    const [phi] = oneUnit.logits;
    const p = sigmoid(phi);
    const f0 = 0.49 ** 2;
    const f1 = 0.51 ** 2 + 2;
    const mixed = Math.log((Math.exp(f0) + Math.exp(f1)) / 2);
    const bound = (1 - p) ** 2 * f0 + p ** 2 * f1 + 2 * p * (1 - p) * mixed;
    // Σ over (z1, z2) of p(z1) p(z2) L̂ (s(z1) + s(z2)), s(z) = z − p.
    const gradient = (1 - p) ** 2 * f0 * (-2 * p) + p ** 2 * f1 * 2 * (1 - p) + 2 * p * (1 - p) * mixed * (1 - 2 * p);
    const logits = tf.tensor1d([phi]);
    const exact = enumerateBound(oneUnit.f, logits, 2);
    assert.ok(Math.abs(exact.bound - bound) < 1e-6, `${exact.bound} vs ${bound}`);
    assert.ok(Math.abs(exact.gradient[0] - gradient) < 1e-6, `${exact.gradient[0]} vs ${gradient}`);
    logits.dispose();
  });

  test('refuses 2^(d·k) beyond the enumeration limit, and a bad k', () => {
    const logits = tf.tensor1d(nonlinear.logits);
    assert.throws(
      () => enumerateBound(nonlinear.f, logits, 4),
      (e: Error) => e instanceof ArgumentError && /d·k = 6·4 = 24 exceeds 20/.test(e.message),
    );
    assert.throws(
      () => enumerateBound(nonlinear.f, logits, 0),
      (e: Error) => e instanceof ArgumentError && /k/.test(e.message),
    );
    logits.dispose();
  });
});

describe('vimco: the estimator', () => {
  test('k = 2 by hand: row j is 2 (L̂ − f(z_other)) (z_j − σ(φ)), the geometric mean of one draw being that draw', () => {
    const phi = 0.3;
    const f = (z: tf.Tensor2D) => tf.tidy(() => tf.sum(tf.mul(z, tf.tensor1d([1.5, -0.7])), 1) as tf.Tensor1D);
    // Draw 0: z = [1, 0]; draw 1: z = [1, 1] (u < σ(0.3) ≈ 0.574 means on).
    const noise = tf.tensor2d([
      [0.2, 0.9],
      [0.1, 0.3],
    ]);
    const logits = tf.tensor1d([phi, phi]);
    const result = estimate('vimco', f, logits, { samples: 2, noise });
    const rows = result.perSample.arraySync();
    const [fa, fb] = [1.5, 0.8];
    const bound = Math.log((Math.exp(fa) + Math.exp(fb)) / 2);
    const s = sigmoid(phi);
    const expected = [
      [1 - s, -s].map((score) => 2 * (bound - fb) * score),
      [1 - s, 1 - s].map((score) => 2 * (bound - fa) * score),
    ];
    rows.forEach((row, j) => row.forEach((x, i) => assert.ok(Math.abs(x - expected[j][i]) < 1e-5, `row ${j}: ${row}`)));
    assert.equal(result.evaluations, 2);
    tf.dispose([noise, logits, result.perSample, result.mean]);
  });

  test('k = 3: unbiased for the 3-sample bound, and told apart from ∇E[f]', () => {
    const logits = tf.tensor1d(nonlinear.logits);
    const groups = 20000;
    const result = estimate('vimco', nonlinear.f, logits, { samples: 3, groups, seed: 31 });
    const estimates = groupMeans(result.perSample, groups);
    const bound = Array.from(exactGradientOf('k-sample-bound', nonlinear.f, logits, 3));
    const expectation = Array.from(exactGradientOf('expectation', nonlinear.f, logits));
    const limit = zBound(FALSE_ALARM, 2 * nonlinear.logits.length);
    const stats = gradientStats(estimates, bound);
    assert.ok(stats.maxAbsZ! < limit, `max |z| ${stats.maxAbsZ} vs the 3-sample bound's gradient`);
    const other = gradientStats(estimates, expectation);
    assert.ok(other.maxAbsZ! > limit, `max |z| ${other.maxAbsZ} vs ∇E[f] should exceed ${limit}`);
    tf.dispose([logits, result.perSample, result.mean, estimates]);
  });

  test('needs samples >= 2', () => {
    const logits = tf.tensor1d([0.1]);
    assert.throws(
      () => estimate('vimco', oneUnit.f, logits, { samples: 1 }),
      (e: Error) => e instanceof ArgumentError && /samples >= 2/.test(e.message),
    );
    logits.dispose();
  });
});

const X = [
  [1, 0, 1, 1, 0, 0],
  [0, 1, 1, 0, 1, 0],
  [1, 1, 0, 0, 0, 1],
];

function boundVae(latent = [4, 3]): SbnVae {
  return createSbnVae({ visible: 6, latent, kind: 'linear', seed: 3, hidden: 5, objective: 'k-sample-bound' });
}

function exactBoundGradients(model: SbnVae, x: tf.Tensor2D, k: number): Float32Array {
  const exact = model.exactBound(x, { k });
  const flat = flattenGradients(model, exact.gradients);
  tf.dispose([exact.bound, ...Object.values(exact.gradients)]);
  return flat;
}

describe('sbn-vae trained on the k-sample bound', () => {
  test('exactBound with k = 1 is the exact ELBO and its gradient', () => {
    const model = boundVae();
    const x = tf.tensor2d(X);
    const one = model.exactBound(x, { k: 1 });
    const elbo = model.exact(x);
    const a = one.bound.arraySync();
    elbo.elbo.arraySync().forEach((e, i) => assert.ok(Math.abs(e - a[i]) < 1e-3, `row ${i}`));
    const g1 = flattenGradients(model, one.gradients);
    const g2 = flattenGradients(model, elbo.gradients);
    g1.forEach((g, i) => assert.ok(Math.abs(g - g2[i]) < 1e-3 + 1e-3 * Math.abs(g2[i]), `coordinate ${i}`));
    tf.dispose([
      one.bound,
      elbo.elbo,
      elbo.logLikelihood,
      ...Object.values(one.gradients),
      ...Object.values(elbo.gradients),
    ]);
    x.dispose();
    model.dispose();
  });

  test('the ELBO < the 2-sample bound < log p(x), exactly', () => {
    const model = boundVae();
    const x = tf.tensor2d(X);
    const two = model.exactBound(x, { k: 2 });
    const exact = model.exact(x);
    const [b, e, l] = [two.bound.arraySync(), exact.elbo.arraySync(), exact.logLikelihood.arraySync()];
    b.forEach((value, i) => assert.ok(e[i] < value && value < l[i], `row ${i}: ${e[i]} < ${value} < ${l[i]}`));
    tf.dispose([
      two.bound,
      exact.elbo,
      exact.logLikelihood,
      ...Object.values(two.gradients),
      ...Object.values(exact.gradients),
    ]);
    x.dispose();
    model.dispose();
  });

  for (const [k, latent] of [
    [2, [4, 3]],
    [3, [3, 2]],
  ] as const) {
    test(`vimco, k = ${k}: the mean of gradients() is the exact gradient of the ${k}-sample bound for every parameter`, () => {
      const model = boundVae([...latent]);
      const x = tf.tensor2d(X);
      const exact = exactBoundGradients(model, x, k);
      const { mean, se } = gradientMoments(model, 'vimco', x, 250, k);
      const limit = zBound(FALSE_ALARM, 2 * exact.length);
      const z = maxAbsZ(mean, se, exact);
      assert.ok(z < limit, `max |z| = ${z.toFixed(2)} (bound ${limit.toFixed(2)})`);
      if (k === 2) {
        // Power: the same estimates are told apart from the exact ELBO gradient.
        const elbo = model.exact(x);
        const elboGradient = flattenGradients(model, elbo.gradients);
        tf.dispose([elbo.elbo, elbo.logLikelihood, ...Object.values(elbo.gradients)]);
        assert.ok(maxAbsZ(mean, se, elboGradient) > limit, 'vimco should not match the ELBO gradient');
      }
      x.dispose();
      model.dispose();
    });
  }

  test('the objective returned is the batch mean of the k-sample bound at the draws; equal seeds, equal gradients; no tensors left', () => {
    const model = boundVae();
    const x = tf.tensor2d(X);
    const before = tf.memory().numTensors;
    const run = () => {
      const r = model.gradients('vimco', x, { samples: 4, seed: 11 });
      const flat = Array.from(flattenGradients(model, r.gradients));
      const objective = r.objective.dataSync()[0];
      tf.dispose([r.objective, ...Object.values(r.gradients)]);
      return { flat, objective };
    };
    const first = run();
    assert.deepEqual(first, run());
    assert.ok(Number.isFinite(first.objective) && first.objective < 0);
    const exact = model.exactBound(x, { k: 2 });
    tf.dispose([exact.bound, ...Object.values(exact.gradients)]);
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    model.dispose();
  });
});

describe('vimco: refusals through the objective capability', () => {
  test('the VAE refuses vimco under the ELBO and the other estimators under the k-sample bound', () => {
    const elboVae = createSbnVae({ visible: 6, latent: [3], kind: 'linear', seed: 1 });
    const bound = createSbnVae({ visible: 6, latent: [3], kind: 'linear', seed: 1, objective: 'k-sample-bound' });
    const x = tf.tensor2d(X);
    assert.throws(
      () => elboVae.gradients('vimco', x, { samples: 2 }),
      (e: Error) => e instanceof ArgumentError && /"vimco".*k-sample bound.*objective 'elbo'/.test(e.message),
    );
    for (const name of ['reinforce-loo', 'disarm', 'st'])
      assert.throws(
        () => bound.gradients(name, x, { samples: 2 }),
        (e: Error) => e instanceof ArgumentError && /expectation.*objective 'k-sample-bound'/.test(e.message),
        name,
      );
    assert.throws(() => bound.gradients('vimco', x, { samples: 1 }), /samples >= 2/);
    assert.throws(
      () => createSbnVae({ visible: 6, latent: [3], kind: 'linear', objective: 'iwae' as 'elbo' }),
      /config\.objective.*elbo, k-sample-bound/,
    );
    assert.throws(() => bound.exactBound(x, { k: 7 }), /exceeds 20/);
    x.dispose();
    elboVae.dispose();
    bound.dispose();
  });

  test('the tasks, the toy model and the gating network refuse vimco where it does not apply', () => {
    // Without an objective each estimator trains its own: vimco the bound, the others the ELBO.
    assert.equal(resolveTaskEstimator('vae', 'vimco').name, 'vimco');
    assert.equal(resolveTaskEstimator('vae', 'arm').name, 'arm');
    assert.throws(() => resolveTaskEstimator('vae', 'vimco', 'estimator', { objective: 'elbo' }), /objective 'elbo'/);
    assert.equal(resolveTaskEstimator('vae', 'vimco', 'estimator', { objective: 'k-sample-bound' }).name, 'vimco');
    assert.throws(
      () => resolveTaskEstimator('vae', 'arm', 'estimator', { objective: 'k-sample-bound' }),
      /k-sample bound/,
    );
    assert.equal(resolveTaskEstimator('sop', 'vimco').name, 'vimco');
    assert.throws(() => resolveTaskEstimator('toy', 'vimco'), /toy/);
    assert.throws(() => resolveTaskEstimator('gating', 'vimco'), /gating network/);
    const toy = createToyModel({ p0: 0.49, units: 1 });
    assert.throws(() => toy.gradients('vimco', undefined, { samples: 2 }), /toy model/);
    toy.dispose();
    const gating = createGatingNet({ input: 4, hidden: 3, classes: 2, seed: 1 });
    const batch = { images: tf.zeros([2, 4]) as tf.Tensor2D, labels: tf.tensor1d([0, 1], 'int32') };
    assert.throws(() => gating.gradients('vimco', batch, { samples: 2 }), /gating network/);
    tf.dispose([batch.images, batch.labels]);
    gating.dispose();
  });
});

describe('vimco: stochgrad train vae (--objective)', () => {
  test("parses and runs a few steps of the k-sample bound, vimco's own objective by default; the history labels it", async () => {
    const { parseTrainArgs } = await import('../src/experiments/train-options');
    const { runExperiment } = await import('../src/experiments/experiment');
    const argv = ['vae', '--estimators', 'vimco', '--samples', '2'];
    const small = ['--steps', '4', '--batch', '10', '--eval-every', '2', '--latent', '8'];
    const sizes = ['--eval-examples', '20', '--bound-examples', '10', '--test-examples', '20'];
    const parsed = parseTrainArgs([...argv, ...small, ...sizes]);
    assert.ok(!parsed.help);
    assert.equal(parsed.config.objective, undefined);
    const [run] = await runExperiment(parsed.config);
    assert.equal(run.steps, 4);
    assert.ok(run.history.every((row) => row.objective === 'k-sample-bound'));
    const last = run.history[run.history.length - 1];
    assert.ok(Number.isFinite(last.trainObjective as number) && Number.isFinite(last.validBound as number));
    assert.ok(Number.isFinite(run.summary.testBound as number));
  });

  test('the command line refuses vimco under the ELBO, other estimators under the bound, and --objective elsewhere', async () => {
    const { parseTrainArgs } = await import('../src/experiments/train-options');
    assert.throws(
      () => parseTrainArgs(['vae', '--estimators', 'vimco', '--samples', '2', '--objective', 'elbo']),
      /objective 'elbo'/,
    );
    // One grid may hold both kinds, each on its own objective.
    assert.ok(!parseTrainArgs(['vae', '--estimators', 'vimco,disarm', '--samples', '2']).help);
    assert.throws(
      () => parseTrainArgs(['vae', '--estimators', 'arm', '--objective', 'k-sample-bound']),
      /"arm".*k-sample-bound/,
    );
    assert.throws(
      () => parseTrainArgs(['vae', '--estimators', 'vimco', '--objective', 'k-sample-bound', '--samples', '1']),
      /vimco needs --samples >= 2/,
    );
    assert.throws(
      () => parseTrainArgs(['sop', '--estimators', 'vimco', '--objective', 'elbo']),
      /--objective applies to the vae task/,
    );
    assert.throws(
      () => parseTrainArgs(['sop', '--estimators', 'vimco', '--samples', '1']),
      /vimco needs --samples >= 2/,
    );
    assert.throws(() => parseTrainArgs(['gating', '--estimators', 'vimco']), /gating network/);
  });
});
