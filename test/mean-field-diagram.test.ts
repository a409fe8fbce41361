/**
 * MuProp's mean-field pass, drawn (src/lab/mean-field-diagram.ts): both passes' numbers against a
 * hand computation from the network's parameters (means, the objective and its slopes through the
 * later mean-field layers), the sampled pass against the model's own one-draw NLL on the same
 * uniforms, the figure's labels carrying those numbers, bad arguments named, no tensors left.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkFigure, createSop, uniformNoise, type Sop } from '../src';
import { deriveSeed } from '../src/core/seeds';
import { meanFieldDiagram } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-5 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const allClose = (a: number[], b: number[], what: string) => {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => close(v, b[i], `${what}[${i}]`));
};

/** `W` `[in, out]` and `b` `[out]` of a dense layer. */
function dense(model: Sop, name: string) {
  return {
    w: model.parameters[`${name}.w`].arraySync() as number[][],
    b: model.parameters[`${name}.b`].arraySync() as number[],
  };
}

/** `v · W + b`. */
const affine = (v: number[], { w, b }: ReturnType<typeof dense>) =>
  b.map((bj, j) => v.reduce((s, vi, i) => s + vi * w[i][j], bj));

/** `log p(y | logits)` for independent Bernoulli pixels. */
const logLikelihood = (y: number[], logits: number[]) =>
  logits.reduce((s, a, j) => s + (y[j] ? Math.log(sigmoid(a)) : Math.log(1 - sigmoid(a))), 0);

test('meanFieldDiagram: both passes as computed by hand, the sampled one as the model draws it', () => {
  const x = [1, 0, 1];
  const y = [1, 0];
  const seed = 1;
  const before = tf.memory().numTensors;
  const diagram = meanFieldDiagram({ x, y, latent: [3, 2], seed });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  const model = createSop({ input: 3, output: 2, latent: [3, 2], kind: 'linear', seed });
  const [s1, s2, out] = ['s1', 's2', 'out'].map((name) => dense(model, name));

  // Mean field: μ₁ = σ(x W₁ + b₁), μ₂ = σ(μ₁ W₂ + b₂), f(μ) = log p(y | μ₂).
  const mu1 = affine(x, s1).map(sigmoid);
  const mu2 = affine(mu1, s2).map(sigmoid);
  const outLogits = affine(mu2, out);
  allClose(diagram.meanField.units[0], mu1, 'μ₁');
  allClose(diagram.meanField.units[1], mu2, 'μ₂');
  close(diagram.meanField.f, logLikelihood(y, outLogits), 'f(μ)');
  // Slopes: ∂f/∂μ₂ = W_out (y − σ(a)); ∂f/∂μ₁ = W₂ (σ′ ⊙ ∂f/∂μ₂), through the mean-field layer 2.
  const residual = outLogits.map((a, j) => y[j] - sigmoid(a));
  const slope2 = mu2.map((_, i) => residual.reduce((s, r, j) => s + out.w[i][j] * r, 0));
  const slope1 = mu1.map((_, i) => mu2.reduce((s, m, j) => s + s2.w[i][j] * m * (1 - m) * slope2[j], 0));
  allClose(diagram.meanField.slopes[1], slope2, '∂f/∂μ₂');
  allClose(diagram.meanField.slopes[0], slope1, '∂f/∂μ₁');

  // Sampled: z_l = 1[u_l < σ(W_l z_{l−1} + b_l)] on the uniforms of stream l of the seed.
  const [u1, u2] = [3, 2].map((d, l) => {
    const u = uniformNoise(1, d, deriveSeed(seed, l));
    const values = Array.from(u.dataSync());
    u.dispose();
    return values;
  });
  const { units, probabilities, f } = diagram.sampled;
  allClose(probabilities[0], mu1, 'the first layer: the same probabilities in both passes');
  assert.deepEqual(
    units[0],
    mu1.map((p, j) => (u1[j] < p ? 1 : 0)),
  );
  const p2 = affine(units[0], s2).map(sigmoid);
  allClose(probabilities[1], p2, 'p₂ = σ(W₂ z₁ + b₂)');
  assert.deepEqual(
    units[1],
    p2.map((p, j) => (u2[j] < p ? 1 : 0)),
  );
  close(f, logLikelihood(y, affine(units[1], out)), 'f(z)');
  // The same draw as the model's own one-sample NLL with this seed.
  const batch = { x: tf.tensor2d([x]), y: tf.tensor2d([y]) };
  const nll = model.nll(batch, { m: 1, seed });
  close(f, -nll.dataSync()[0], 'f(z) = −NLL(m = 1)');
  tf.dispose([batch.x, batch.y, nll]);
  model.dispose();
});

test('meanFieldDiagram: a figure whose labels carry the passes’ values, and its layout', () => {
  const diagram = meanFieldDiagram();
  const { figure, meanField, sampled } = diagram;
  checkFigure(figure);
  const layout = figure.layout as typeof figure.layout & { annotations: { text: string }[] };
  const texts = layout.annotations.map((a) => a.text).join('\n');
  const shown = (v: number) => v.toFixed(3).replace('-', '−');
  [
    ...meanField.units.flat(),
    ...meanField.slopes.flat(),
    meanField.f,
    sampled.f,
    ...sampled.probabilities.flat(),
  ].forEach((v) => assert.ok(texts.includes(shown(v)), `${shown(v)} is on the figure`));
  // Edges: x→z₁ 3·3, z₁→z₂ 3·2, z₂→f 2, per pass; a dashed frame of 4 lines around each μ layer.
  assert.equal(layout.shapes!.length, 2 * (9 + 6 + 2) + 2 * 4);
  // Nodes: 3 + 3 + 2 + 1 per pass, each an outline and a fill.
  assert.equal(figure.data.length, 2 * 2 * 9);
  assert.equal(figure.config?.staticPlot, true);
  assert.deepEqual(diagram.x, [1, 0, 1]);
});

test('meanFieldDiagram: other sizes, and bad arguments named', () => {
  const one = meanFieldDiagram({ x: [1, 1, 0, 0, 1], y: [0, 1, 1], latent: [4], seed: 3 });
  assert.deepEqual(
    one.meanField.units.map((u) => u.length),
    [4],
  );
  assert.equal(one.figure.data.length, 2 * 2 * (5 + 4 + 1));
  const named = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.message.includes(argument);
  assert.throws(() => meanFieldDiagram({ x: [1, 0.5] }), named('options.x'));
  assert.throws(() => meanFieldDiagram({ x: [] }), named('options.x'));
  assert.throws(() => meanFieldDiagram({ y: [1, 0, 1, 0, 1, 0, 1] }), named('options.y'));
  assert.throws(() => meanFieldDiagram({ latent: [7] }), named('options.latent[0]'));
  assert.throws(() => meanFieldDiagram({ latent: [2, 0] }), named('options.latent[1]'));
  assert.throws(() => meanFieldDiagram({ latent: [1, 1, 1, 1] }), named('options.latent'));
  assert.throws(() => meanFieldDiagram({ seed: -1 }), named('options.seed'));
  assert.throws(() => meanFieldDiagram(null as never), named('options'));
});
