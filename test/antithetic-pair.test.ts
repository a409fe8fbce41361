/** ARM's antithetic pair: the twin is DisARM's `1[1 − u < σ(φ)]`, and P(b ≠ b̃) = 1 − |1 − 2σ(φ)|. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { antitheticPair, ArgumentError, bernoulliFromNoise, pairDifferProbability, uniformNoise } from '../src';
import { setupBackend } from './support';

before(setupBackend);

const N = 10_000;
/** Midpoints (k + ½)/N: no u equals σ(±φ) for the logits below, so there are no ties. */
const grid = () =>
  tf.tensor2d(
    Float32Array.from({ length: N }, (_, k) => (k + 0.5) / N),
    [N, 1],
  );

describe('antithetic pair', () => {
  for (const phi of [-2.3, -0.4, 0, 0.7, 3.1]) {
    test(`φ = ${phi}: the twin is 1[1 − u < σ(φ)] and the pair differs on a fraction 1 − |1 − 2σ(φ)| of u`, () => {
      const u = grid();
      const logits = tf.tensor1d([phi]);
      const { b, twin } = antitheticPair(logits, u);
      const disarmTwin = tf.tidy(() => bernoulliFromNoise(logits, tf.sub(1, u)));
      assert.deepEqual(Array.from(twin.dataSync()), Array.from(disarmTwin.dataSync()));
      const differ = tf.tidy(() => tf.mean(tf.abs(tf.sub(b, twin))).dataSync()[0]);
      // On the midpoint grid the fraction is exact up to one grid cell at each of two edges.
      assert.ok(
        Math.abs(differ - pairDifferProbability(phi)) <= 2 / N + 1e-6,
        `${differ} vs ${pairDifferProbability(phi)}`,
      );
      const meanB = tf.tidy(() => tf.mean(b).dataSync()[0]);
      const meanTwin = tf.tidy(() => tf.mean(twin).dataSync()[0]);
      const sigma = 1 / (1 + Math.exp(-phi));
      assert.ok(
        Math.abs(meanB - sigma) <= 1 / N + 1e-6 && Math.abs(meanTwin - sigma) <= 1 / N + 1e-6,
        'each member is Bernoulli(σ(φ))',
      );
      tf.dispose([u, logits, b, twin, disarmTwin]);
    });
  }

  test('with random uniforms the fraction that differs is within 4 standard errors', () => {
    const phi = 1.2;
    const p = pairDifferProbability(phi);
    const u = uniformNoise(N, 1, 5);
    const logits = tf.tensor1d([phi]);
    const { b, twin } = antitheticPair(logits, u);
    const differ = tf.tidy(() => tf.mean(tf.abs(tf.sub(b, twin))).dataSync()[0]);
    assert.ok(Math.abs(differ - p) < 4 * Math.sqrt((p * (1 - p)) / N));
    tf.dispose([u, logits, b, twin]);
  });

  test('pairDifferProbability: 1 at φ = 0, symmetric, vanishing as the unit saturates', () => {
    assert.equal(pairDifferProbability(0), 1);
    assert.ok(Math.abs(pairDifferProbability(1.5) - pairDifferProbability(-1.5)) < 1e-15);
    assert.ok(Math.abs(pairDifferProbability(2) - 2 / (1 + Math.exp(2))) < 1e-12); // 2 min(σ, 1 − σ)
    assert.ok(pairDifferProbability(20) < 1e-8);
    assert.throws(
      () => pairDifferProbability(NaN),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'logit',
    );
  });
});
