/**
 * The learning signal and the surrogate inside an SBN VAE (src/lab/learning-signal-picture.ts):
 * f(z) is the model's objective (its q-weighted mean over every configuration is the exact ELBO),
 * the leave-one-out signals sum to zero and each draw's estimate is signal × (z − σ(φ)), the
 * network's encoder gradient is x ⊗ ĝ_φ, the mean over calls matches the exact gradient within its
 * standard error, the picture is a function of its seed, bad arguments are named, no tensors left.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkFigure, createSbnVae, zBound, type SbnVae } from '../src';
import { learningSignalPicture } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const logBernoulli = (z: number[], logits: number[]) =>
  logits.reduce((s, a, i) => s + z[i] * a - Math.log1p(Math.exp(a)), 0);
const IMAGES = [
  [1, 0, 1, 1, 0, 0, 1, 0],
  [0, 1, 1, 0, 1, 0, 0, 1],
];

/** `f(z) = log p(x | z) + log p(z) − log q(z | x)` from the VAE's parameters, and `q(z | x)`'s logits. */
function objective(vae: SbnVae, x: number[]) {
  const w = (name: string) => vae.parameters[name].arraySync() as number[][];
  const b = (name: string) => vae.parameters[name].arraySync() as number[];
  const affine = (v: number[], m: number[][], c: number[]) =>
    c.map((cj, j) => v.reduce((s, vi, i) => s + vi * m[i][j], cj));
  const phi = affine(x, w('q1.w'), b('q1.b'));
  const f = (z: number[]) =>
    logBernoulli(x, affine(z, w('p1.w'), b('p1.b'))) + logBernoulli(z, b('prior.b')) - logBernoulli(z, phi);
  return { phi, f };
}

test('learningSignalPicture: the draws, their signals and estimates, the surrogate and the exact gradient', () => {
  const images = tf.tensor2d(IMAGES);
  const [d, draws, calls, seed] = [3, 4, 800, 2];
  const before = tf.memory().numTensors;
  const picture = learningSignalPicture(images, { example: 1, latent: d, draws, calls, seed });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  const x = IMAGES[1];
  const vae = createSbnVae({ visible: x.length, latent: [d], kind: 'linear', seed });
  const { phi, f } = objective(vae, x);

  // f is the model's objective: its q-weighted mean over all 2^d configurations is the exact ELBO.
  const xt = tf.tensor2d([x]);
  const exact = vae.exact(xt);
  let elbo = 0;
  for (let k = 0; k < 2 ** d; k++) {
    const z = phi.map((_, i) => (k >> i) & 1);
    elbo += z.reduce((p, zi, i) => p * (zi ? sigmoid(phi[i]) : 1 - sigmoid(phi[i])), 1) * f(z);
  }
  assert.ok(Math.abs(elbo - exact.elbo.dataSync()[0]) < 1e-4 * Math.abs(elbo), `ELBO ${elbo}`);
  const exactGradient = Array.from(exact.gradients['q1.b'].dataSync());
  tf.dispose([xt, exact.elbo, exact.logLikelihood, ...Object.values(exact.gradients)]);

  assert.equal(picture.draws.length, draws);
  let signalSum = 0;
  const mean = new Array<number>(d).fill(0);
  for (const draw of picture.draws) {
    assert.ok(draw.z.every((v) => v === 0 || v === 1));
    assert.ok(Math.abs(draw.f - f(draw.z)) < 1e-4 * Math.abs(draw.f), `f(z) of draw ${draw.draw}`);
    const others = picture.draws.filter((o) => o !== draw).reduce((s, o) => s + o.f, 0) / (draws - 1);
    assert.ok(Math.abs(draw.baseline - others) < 1e-4, 'the leave-one-out baseline');
    assert.ok(Math.abs(draw.signal - (draw.f - draw.baseline)) < 1e-9);
    signalSum += draw.signal;
    draw.gradient.forEach((g, j) => {
      const expected = draw.signal * (draw.z[j] - sigmoid(phi[j]));
      assert.ok(Math.abs(g - expected) < 1e-4, `draw ${draw.draw}, unit ${j}: ${g} vs ${expected}`);
      mean[j] += g / draws;
    });
  }
  assert.ok(Math.abs(signalSum) < 1e-4, 'leave-one-out signals sum to zero');

  const bound = zBound(1e-3, d);
  picture.units.forEach((unit, j) => {
    assert.ok(Math.abs(unit.probability - sigmoid(phi[j])) < 1e-6);
    assert.ok(Math.abs(unit.estimate - mean[j]) < 1e-5, 'ĝ_φ is the mean of the draws');
    assert.ok(Math.abs(unit.network - unit.estimate) < 1e-5, "the network's ∂/∂b is ĝ_φ");
    assert.ok(Math.abs(unit.exact - exactGradient[j]) < 1e-6);
    const z = (unit.mean - unit.exact) / unit.standardError;
    assert.ok(Math.abs(z) < bound, `unit ${j}: mean over calls ${unit.mean} vs exact ${unit.exact}, z = ${z}`);
  });
  // ∂/∂W = x ⊗ ĝ_φ: zero rows exactly where x is 0, and float32 round-off elsewhere.
  assert.equal(picture.pixelsOn, x.filter((v) => v === 1).length);
  assert.equal(picture.zeroRows, x.length - picture.pixelsOn);
  assert.ok(picture.surrogateDifference <= 1e-5 * Math.max(1, picture.surrogateScale));
  assert.ok(picture.surrogateScale > 0);
  checkFigure(picture.figure);
  assert.equal(picture.figure.data.length, 3);

  const again = learningSignalPicture(images, { example: 1, latent: d, draws, calls: 5, seed });
  assert.deepEqual(again.draws, picture.draws, 'a function of the seed');
  const other = learningSignalPicture(images, { example: 1, latent: d, draws, calls: 5, seed: seed + 1 });
  assert.notDeepEqual(other.draws, picture.draws);
  vae.dispose();
  images.dispose();
});

test('learningSignalPicture names its bad arguments', () => {
  const images = tf.tensor2d(IMAGES);
  const named = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.message.includes(argument);
  const before = tf.memory().numTensors;
  assert.throws(() => learningSignalPicture(IMAGES as unknown as tf.Tensor2D), named('images'));
  assert.throws(() => learningSignalPicture(images, { example: 2 }), named('options.example'));
  assert.throws(() => learningSignalPicture(images, { latent: 13 }), named('options.latent'));
  assert.throws(() => learningSignalPicture(images, { draws: 1 }), named('options.draws'));
  assert.throws(() => learningSignalPicture(images, { calls: 1 }), named('options.calls'));
  assert.throws(() => learningSignalPicture(images, { seed: -2 }), named('options.seed'));
  assert.equal(tf.memory().numTensors, before);
  images.dispose();
});
