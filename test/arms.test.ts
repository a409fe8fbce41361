/**
 * ARMS with the Dirichlet copula: for k = 2 it is DisARM on the copula's first uniform, exactly
 * (the paper: DisARM is ARMS with two samples); the copula's marginals are uniform, its pairs
 * negatively correlated, with the pair probability `C(q)` its debiasing factor uses; and it stays
 * unbiased for k > 2 and on the rare-event problem, with enough groups to see the rare events.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { estimate, gradientStats, groupMeans, uniformNoise, zBound } from '../src';
import { copulaJoint, dirichletCopula } from '../src/estimators/arms';
import { DEFAULT_SETTINGS, layerGradient, networkEstimator } from '../src/estimators/layer';
import { exactOf, extreme, nonlinear, oneUnit, PROBLEMS, setupBackend, stepFunction, type Problem } from './support';

before(setupBackend);

// ARMS thresholds w where p < ½ and 1 − w where p ≥ ½, so its first draw is 1[u′ < p] with
// u′_i = w₁ (p_i < ½) or 1 − w₁ (p_i ≥ ½), and its second is DisARM's twin 1[1 − u′ < p].
describe('k = 2: ARMS is DisARM on the uniform u′ = w₁ or 1 − w₁ by the sign of φ, w₁ = log v₂ / (log v₁ + log v₂), group for row', () => {
  for (const problem of PROBLEMS) {
    test(problem.name, () => {
      const groups = 3000;
      const d = problem.logits.length;
      const v = uniformNoise(2 * groups, d, 31);
      const w = dirichletCopula(v, 2);
      const first = tf.slice(w, [0, 0], [groups, d]) as tf.Tensor2D; // draw 0 of every group
      const phi = tf.tensor1d(problem.logits);
      const mirrored = tf.tidy(() => {
        const low = tf.step(tf.neg(phi)); // 1[p < ½]
        return tf.add(tf.mul(low, first), tf.mul(tf.sub(1, low), tf.sub(1, first))) as tf.Tensor2D;
      });
      const arms = estimate('arms', problem.f, phi, { samples: 2, groups, noise: v });
      const disarm = estimate('disarm', problem.f, phi, { samples: groups, noise: mirrored });
      const perGroup = groupMeans(arms.perSample, groups);
      const a = perGroup.dataSync();
      const b = disarm.perSample.dataSync();
      let nonzero = 0;
      a.forEach((x, k) => {
        if (b[k] !== 0) nonzero++;
        assert.ok(Math.abs(x - b[k]) < 1e-5 * (1 + Math.abs(b[k])), `entry ${k}: arms ${x} vs disarm ${b[k]}`);
      });
      assert.ok(nonzero > 0, 'the comparison is not all zeros');
      assert.equal(arms.evaluations, disarm.evaluations, 'both evaluate f twice per estimate');
      // k = 2's pair is exactly antithetic: w₂ = 1 − w₁.
      const second = tf.slice(w, [groups, 0], [groups, d]);
      const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.add(first, second), 1))).dataSync()[0]);
      assert.ok(gap < 1e-6, `w₁ + w₂ − 1 up to ${gap}`);
      tf.dispose([
        v,
        w,
        first,
        second,
        mirrored,
        phi,
        arms.perSample,
        arms.mean,
        disarm.perSample,
        disarm.mean,
        perGroup,
      ]);
    });
  }
});

describe('the Dirichlet copula', () => {
  const n = 40000;
  const grid = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95];
  const ks = [2, 3, 5, 8];
  // Every check below is one z-test: Bonferroni over all of them.
  const BOUND = zBound(1e-3, ks.length * (2 * grid.length + 1 + 3));

  /** `[k][n]`: the copula's k uniforms for n independent groups of one unit. */
  function copulaDraws(k: number, seed: number): number[][] {
    return tf.tidy(() => {
      const w = dirichletCopula(uniformNoise(k * n, 1, seed), k);
      return w.reshape([k, n]).arraySync() as number[][];
    });
  }

  for (const k of ks) {
    test(`k = ${k}: every marginal is uniform, and the first and last at the same quantiles`, () => {
      const draws = copulaDraws(k, 100 + k);
      for (const j of [0, k - 1]) {
        for (const t of grid) {
          const share = draws[j].filter((x) => x < t).length / n;
          const se = Math.sqrt((t * (1 - t)) / n);
          assert.ok(Math.abs(share - t) < BOUND * se, `draw ${j}: P(w < ${t}) = ${share}`);
        }
      }
    });

    test(`k = ${k}: pairs are negatively correlated, with P(w_i < q, w_j < q) = max(2 q^(1/(k−1)) − 1, 0)^(k−1)`, () => {
      const [a, b] = copulaDraws(k, 200 + k);
      const products = a.map((x, m) => 12 * (x - 0.5) * (b[m] - 0.5)); // correlation of two U(0, 1)
      const mean = products.reduce((s, x) => s + x, 0) / n;
      const sd = Math.sqrt(products.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
      assert.ok(mean + BOUND * (sd / Math.sqrt(n)) < 0, `correlation ${mean} ± ${sd / Math.sqrt(n)}`);
      if (k === 2) assert.ok(mean < -0.999, `k = 2 is perfectly antithetic: ${mean}`);
      for (const q of [0.1, 0.3, 0.5]) {
        const joint = tf.tidy(() => copulaJoint(tf.scalar(q), k).dataSync()[0]);
        const share = a.filter((x, m) => x < q && b[m] < q).length / n;
        const se = Math.sqrt(Math.max(joint * (1 - joint), 1 / n) / n);
        assert.ok(Math.abs(share - joint) < BOUND * se, `q = ${q}: ${share} vs C(q) = ${joint}`);
        assert.ok(joint < q * q || (k === 2 && joint === 0), `q = ${q}: C(q) = ${joint} below independence ${q * q}`);
      }
    });
  }
});

describe('unbiased for k > 2 and on rare events (enough groups to see them)', () => {
  const cases: [Problem, number, number][] = [
    [oneUnit, 3, 20000],
    [nonlinear, 3, 20000],
    [nonlinear, 5, 12000],
    [stepFunction, 4, 15000],
    // φ ≈ ±6: the pair of unit 2 differs in 0.6 % of groups and changes f in 0.7 % of those, so
    // the generic test's 10 000 pairs usually see none; 200 000 pairs see about 8.
    [extreme, 2, 200000],
    [extreme, 4, 100000],
    [extreme, 8, 50000],
  ];
  const BOUND = zBound(
    1e-3,
    cases.reduce((s, [p]) => s + p.logits.length, 0),
  );
  for (const [problem, k, groups] of cases) {
    test(`k = ${k}, ${groups} groups: ${problem.name}`, () => {
      const phi = tf.tensor1d(problem.logits);
      const result = estimate('arms', problem.f, phi, { samples: k, groups, seed: 2024 });
      const estimates = groupMeans(result.perSample, groups);
      const stats = gradientStats(estimates, exactOf(problem));
      tf.dispose([phi, result.perSample, result.mean, estimates]);
      assert.equal(result.evaluations, k * groups, 'one evaluation of f per draw');
      assert.ok(stats.maxAbsZ! < BOUND, `z ${stats.zScores!.map((z) => z.toFixed(2))}`);
    });
  }
});

describe('inside a network', () => {
  test('in the first stochastic layer (shared logits) the group is coupled, one evaluation per draw, as on one problem; below it k per row', () => {
    const k = 3;
    const examples = 4;
    const rows = k * examples;
    const phi = [0.4, -1.2, 2.0];
    const logits = tf.tidy(() => tf.tile(tf.tensor2d([phi]), [rows, 1])) as tf.Tensor2D;
    const u = uniformNoise(rows, phi.length, 11);
    let evaluated = 0;
    const f = (z: tf.Tensor2D) => {
      evaluated += z.shape[0];
      return nonlinear.f(tf.concat([z, tf.zeros([z.shape[0], 3])], 1) as tf.Tensor2D);
    };
    const problem = { logits, u, f, samples: k, examples, settings: DEFAULT_SETTINGS, seed: 1 };
    const estimator = networkEstimator('arms');
    if (estimator.kind !== 'signal') throw new Error('arms is a signal estimator');
    const coupled = layerGradient(estimator, { ...problem, sharedLogits: true }).gradient;
    assert.equal(evaluated, rows);
    // The same numbers as the single problem with the same uniforms.
    const phiTensor = tf.tensor1d(phi);
    const single = estimate('arms', f, phiTensor, { samples: k, groups: examples, noise: u });
    const a = coupled.arraySync();
    const b = single.perSample.arraySync();
    a.forEach((row, r) => row.forEach((x, i) => assert.ok(Math.abs(x - b[r][i]) < 1e-6, `row ${r}, unit ${i}`)));
    evaluated = 0;
    const perRow = layerGradient(estimator, { ...problem, sharedLogits: false }).gradient;
    assert.equal(evaluated, k * rows);
    tf.dispose([logits, u, phiTensor, coupled, single.perSample, single.mean, perRow]);
  });
});
