/**
 * The score-function parts (learning-signal.ts): centring and variance normalisation carry their
 * moving averages from call to call, a normalised estimate times its scale is unbiased even when
 * the scale is well above 1, the learned input baseline moves every draw but not the mean, and the
 * "1/2" estimator's formula holds draw by draw.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, estimate, gradientStats, zBound } from '../src';
import { CENTRING_DECAY } from '../src/estimators/learning-signal';
import { exactOf, nonlinear, setupBackend, sigmoid } from './support';

before(setupBackend);

const SAMPLES = 20000;

function run(name: 'nvil' | 'muprop-c' | 'muprop-c-vn' | 'muprop-c-idb', options: Parameters<typeof estimate>[3]) {
  const logits = tf.tensor1d(nonlinear.logits);
  const result = estimate(name, nonlinear.f, logits, options);
  const values = Array.from(result.perSample.dataSync());
  const stats = gradientStats(tf.mul(result.perSample, result.scale ?? 1) as tf.Tensor2D, exactOf(nonlinear));
  tf.dispose([logits, result.perSample, result.mean]);
  return { result, values, stats };
}

describe('learning signal parts', () => {
  test('centring: the state is the bias-corrected moving average of the signal, one step per call', () => {
    const { result } = run('muprop-c', { samples: 50, seed: 3 });
    const state = result.baseline!;
    assert.equal(state.denominator[0], 1 - CENTRING_DECAY);
    const next = run('muprop-c', { samples: 50, seed: 4, baseline: state }).result.baseline!;
    assert.ok(Math.abs(next.denominator[0] - (CENTRING_DECAY * (1 - CENTRING_DECAY) + (1 - CENTRING_DECAY))) < 1e-12);
    assert.ok(Number.isFinite(next.numerator[0]) && next.numerator[0] !== state.numerator[0]);
  });

  test('variance normalisation: a state with v = 9 divides by 3, and scale · ĝ matches the exact gradient', () => {
    const w = 0.5;
    const baseline = { numerator: [0.1 * w], denominator: [w], variance: [9 * w] };
    const { result, stats } = run('muprop-c-vn', { samples: SAMPLES, seed: 5, baseline });
    assert.equal(result.scale, 3);
    const bound = zBound(1e-3, nonlinear.logits.length);
    assert.ok(stats.maxAbsZ! < bound, `z ${stats.zScores}`);
  });

  test('the input-dependent baseline moves every draw by b (z − σ) and leaves the mean unbiased', () => {
    const plain = run('muprop-c-idb', { samples: 8, seed: 6 }).values;
    const shifted = run('muprop-c-idb', { samples: 8, seed: 6, inputBaseline: 2 }).values;
    const logits = nonlinear.logits.map(sigmoid);
    const d = logits.length;
    for (let k = 0; k < plain.length; k++) {
      const difference = plain[k] - shifted[k]; // = 2 (z − σ), whose sign says which way z fell
      const theta = logits[k % d];
      assert.ok(
        Math.abs(Math.abs(difference) - 2 * (difference > 0 ? 1 - theta : theta)) < 1e-5,
        `row ${Math.floor(k / d)}, unit ${k % d}`,
      );
    }
    const { stats } = run('nvil', { samples: SAMPLES, seed: 7, inputBaseline: 2 });
    assert.ok(stats.maxAbsZ! < zBound(1e-3, nonlinear.logits.length), `z ${stats.zScores}`);
  });

  test('a malformed state is refused, naming options.baseline', () => {
    assert.throws(
      () => run('nvil', { samples: 4, seed: 1, baseline: { numerator: [1], denominator: [1] } }),
      (e: unknown) => e instanceof ArgumentError && /options\.baseline/.test(e.message),
    );
  });

  test('"1/2": each draw is ∂f/∂z_i (z) · (z_i − σ_i)(z_i − ½)', () => {
    const f = (z: tf.Tensor2D) => tf.sum(tf.mul(tf.square(z), tf.tensor1d([1.5, -2])), 1) as tf.Tensor1D; // ∂f/∂z = (3 z_1, −4 z_2)
    const logits = tf.tensor1d([0.3, -0.8]);
    const u = tf.tensor2d([
      [0.2, 0.9],
      [0.7, 0.1],
    ]);
    const result = estimate('one-half', f, logits, { samples: 2, noise: u });
    const sigma = [sigmoid(0.3), sigmoid(-0.8)];
    const z = [
      [1, 0],
      [0, 1],
    ];
    const expected = z.flatMap((row) => row.map((zi, i) => [3, -4][i] * zi * (zi - sigma[i]) * (zi - 0.5)));
    Array.from(result.perSample.dataSync()).forEach((v, k) =>
      assert.ok(Math.abs(v - expected[k]) < 1e-6, `${v} vs ${expected[k]}`),
    );
    tf.dispose([logits, u, result.perSample, result.mean]);
  });
});
