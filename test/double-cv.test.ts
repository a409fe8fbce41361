/**
 * double-cv (Titsias & Shi 2022): with α = 0 it is reinforce-loo on the same uniforms; on an f
 * linear in z its rows are exactly `(1 + α) · leave-one-out's − α · ∇`, so α = −1 has zero
 * variance; it stays unbiased for any fixed α (z-test against enumeration); α's Adam step lowers
 * the mean square on the draws it was taken on, and over calls finds α ≈ −1 on a linear f.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, estimate, gradientStats, groupMeans, uniformNoise, zBound } from '../src';
import { DOUBLE_CV_ADAM, doubleCvState } from '../src/estimators/double-cv';
import { exactOf, extreme, nonlinear, oneUnit, setupBackend } from './support';

before(setupBackend);

const w = [0.8, -1.4, 0.3, 2.1];
const phi = [0.4, -1.2, 2.0, -0.3];
const linear = (z: tf.Tensor2D) => tf.tidy(() => tf.add(tf.sum(tf.mul(z, tf.tensor1d(w)), 1), 0.7) as tf.Tensor1D);
const sigma = (x: number) => 1 / (1 + Math.exp(-x));
const linearGradient = w.map((wi, i) => wi * sigma(phi[i]) * (1 - sigma(phi[i])));

/** perSample of `name` on the given uniforms, as a flat array. */
function rowsOf(
  name: 'double-cv' | 'reinforce-loo',
  f: (z: tf.Tensor2D) => tf.Tensor1D,
  logits: number[],
  noise: tf.Tensor2D,
  samples: number,
  groups: number,
  alpha?: number,
) {
  const phis = tf.tensor1d(logits);
  const result = estimate(name, f, phis, {
    samples,
    groups,
    noise,
    ...(alpha === undefined ? {} : { baseline: doubleCvState(alpha) }),
  });
  const rows = Array.from(result.perSample.dataSync());
  tf.dispose([phis, result.perSample, result.mean]);
  return { rows, baseline: result.baseline, evaluations: result.evaluations };
}

describe('double-cv', () => {
  for (const samples of [2, 3, 5]) {
    test(`α = 0 (its first call) is reinforce-loo on the same uniforms, k = ${samples}`, () => {
      const groups = 7;
      const noise = uniformNoise(samples * groups, nonlinear.logits.length, 11);
      const loo = rowsOf('reinforce-loo', nonlinear.f, nonlinear.logits, noise, samples, groups);
      const first = rowsOf('double-cv', nonlinear.f, nonlinear.logits, noise, samples, groups);
      assert.deepEqual(first.rows, loo.rows);
      assert.equal(first.evaluations, samples * groups); // one evaluation of f per draw, as leave-one-out
      noise.dispose();
    });
  }

  for (const alpha of [-1, -0.5, 0.7]) {
    test(`linear f, α = ${alpha}: rows are (1 + α) · leave-one-out's − α · ∇ exactly`, () => {
      const samples = 3;
      const groups = 50;
      const noise = uniformNoise(samples * groups, w.length, 3);
      const loo = rowsOf('reinforce-loo', linear, phi, noise, samples, groups).rows;
      const dcv = rowsOf('double-cv', linear, phi, noise, samples, groups, alpha).rows;
      dcv.forEach((x, i) => {
        const expected = (1 + alpha) * loo[i] - alpha * linearGradient[i % w.length];
        assert.ok(Math.abs(x - expected) < 1e-5, `row ${Math.floor(i / w.length)}: ${x} vs ${expected}`);
      });
      noise.dispose();
    });
  }

  test('linear f, α = −1: every group estimate is the exact gradient (zero variance)', () => {
    const logits = tf.tensor1d(phi);
    const result = estimate('double-cv', linear, logits, {
      samples: 2,
      groups: 400,
      seed: 9,
      baseline: doubleCvState(-1),
    });
    const estimates = groupMeans(result.perSample, 400);
    const stats = gradientStats(estimates, linearGradient);
    stats.mean.forEach((m, i) => assert.ok(Math.abs(m - linearGradient[i]) < 1e-6, `unit ${i}`));
    stats.variance.forEach((v, i) => assert.ok(v < 1e-11, `unit ${i}: variance ${v}`));
    tf.dispose([logits, result.perSample, result.mean, estimates]);
  });

  describe('unbiased for a fixed α ≠ 0 (z-test against enumeration, 0.1% false alarm over all coordinates)', () => {
    const problems = [oneUnit, nonlinear, extreme];
    const alphas = [-1, 0.8];
    const bound = zBound(1e-3, alphas.length * problems.reduce((sum, p) => sum + p.logits.length, 0));
    for (const problem of problems) {
      for (const alpha of alphas) {
        test(`α = ${alpha} on ${problem.name}`, () => {
          const groups = 10000;
          const logits = tf.tensor1d(problem.logits);
          const result = estimate('double-cv', problem.f, logits, {
            samples: 2,
            groups,
            seed: 77,
            baseline: doubleCvState(alpha),
          });
          const estimates = groupMeans(result.perSample, groups);
          const stats = gradientStats(estimates, exactOf(problem));
          tf.dispose([logits, result.perSample, result.mean, estimates]);
          assert.ok(stats.maxAbsZ! < bound, `z ${stats.zScores!.map((z) => z.toFixed(2))}, bound ${bound.toFixed(2)}`);
        });
      }
    }
  });

  test("α's Adam step moves α by the learning rate, downhill for mean(ĝ²) on the same draws", () => {
    const samples = 2;
    const groups = 64;
    const noise = uniformNoise(samples * groups, nonlinear.logits.length, 5);
    const meanSquare = (alpha: number) => {
      const { rows } = rowsOf('double-cv', nonlinear.f, nonlinear.logits, noise, samples, groups, alpha);
      const d = nonlinear.logits.length;
      let total = 0;
      for (let g = 0; g < groups; g++) {
        for (let i = 0; i < d; i++) {
          let m = 0;
          for (let k = 0; k < samples; k++) m += rows[(k * groups + g) * d + i] / samples;
          total += m * m;
        }
      }
      return total / (groups * d);
    };
    const { baseline } = rowsOf('double-cv', nonlinear.f, nonlinear.logits, noise, samples, groups, 0.3);
    const next = baseline!.numerator[0];
    // Adam's first step is lr · g / (|g| + ε): the learning rate, against the derivative's sign.
    assert.ok(Math.abs(Math.abs(next - 0.3) - DOUBLE_CV_ADAM.learningRate) < 1e-8, `α ${next}`);
    assert.ok(meanSquare(next) < meanSquare(0.3));
    noise.dispose();
  });

  test('learned over calls from α = 0, α approaches −1 on a linear f', () => {
    let baseline = undefined as ReturnType<typeof doubleCvState> | undefined;
    const logits = tf.tensor1d(phi);
    for (let call = 0; call < 1500; call++) {
      const result = estimate('double-cv', linear, logits, { samples: 2, groups: 8, seed: call, baseline });
      baseline = result.baseline;
      tf.dispose([result.perSample, result.mean]);
    }
    logits.dispose();
    const alpha = baseline!.numerator[0];
    // From 0, 1500 steps of at most ~10⁻³ each: within a quarter of the optimum −1, never past it by much.
    assert.ok(alpha > -1.1 && alpha < -0.75, `α = ${alpha}`);
  });

  test('a malformed state is an ArgumentError naming options.baseline', () => {
    const logits = tf.tensor1d(nonlinear.logits);
    assert.throws(
      () => estimate('double-cv', nonlinear.f, logits, { samples: 2, baseline: { numerator: [1], denominator: [1] } }),
      (error: unknown) => error instanceof ArgumentError && /options\.baseline/.test(String(error)),
    );
    assert.throws(() => doubleCvState(Number.NaN), ArgumentError);
    logits.dispose();
  });
});
