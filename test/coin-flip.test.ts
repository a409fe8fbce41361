/** The "why we are here" figure of chapter 01 (lab/coin-flip.ts): the steps jump where u = σ(φ), the mean is σ. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArgumentError } from '../src';
import { coinFlipFigure } from '../src/lab/index';

test('coinFlipFigure: each step jumps at φ = log(u / (1 − u)); the mean curve is σ(φ)', () => {
  const logits = Array.from({ length: 801 }, (_, k) => -4 + k / 100);
  const figure = coinFlipFigure({ uniforms: [0.3, 0.7], logits });
  assert.equal(figure.data.length, 3);
  [0.3, 0.7].forEach((u, i) => {
    const y = figure.data[i].y as number[];
    const jump = logits[y.indexOf(1)];
    assert.ok(Math.abs(jump - Math.log(u / (1 - u))) <= 0.01, `u = ${u}: the step jumps at ${jump}`);
    assert.ok(
      y.every((v, k) => v === (k >= y.indexOf(1) ? 1 : 0)),
      'a single step from 0 to 1',
    );
  });
  const mean = figure.data[2].y as number[];
  logits.forEach((phi, k) => assert.ok(Math.abs(mean[k] - 1 / (1 + Math.exp(-phi))) < 1e-12));
  assert.throws(() => coinFlipFigure({ uniforms: [0] }), ArgumentError);
  assert.throws(() => coinFlipFigure({ logits: [1] }), ArgumentError);
});
