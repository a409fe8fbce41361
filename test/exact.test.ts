/** The oracle itself: closed forms and finite differences of the exact expectation. */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { allConfigurations } from '../src/estimators/exact';
import { exactExpectation, exactGradient, linearObjective } from '../src';
import { extreme, nonlinear, oneUnit, setupBackend, sigmoid } from './support';

before(setupBackend);

const gradientOf = (f: Parameters<typeof exactGradient>[0], logits: number[]) =>
  tf.tidy(() => Array.from(exactGradient(f, tf.tensor1d(logits)).dataSync()));

test('enumeration lists every configuration once', () => {
  const d = 3;
  const rows = allConfigurations(d);
  const keys = new Set<string>();
  for (let k = 0; k < 2 ** d; k++) keys.add(Array.from(rows.slice(k * d, (k + 1) * d)).join(''));
  assert.equal(keys.size, 8);
});

test('one unit: σ(φ)(1 − σ(φ))(f(1) − f(0))', () => {
  const phi = oneUnit.logits[0];
  const f = (z: number) => (z - 0.49) ** 2 + 2 * z;
  const expected = sigmoid(phi) * (1 - sigmoid(phi)) * (f(1) - f(0));
  const [got] = gradientOf(oneUnit.f, oneUnit.logits);
  assert.ok(Math.abs(got - expected) < 1e-6, `${got} vs ${expected}`);
});

test('linear f: c_i σ(φ_i)(1 − σ(φ_i))', () => {
  const c = [1.5, -2, 0.25, 3];
  const logits = [0.3, -1.2, 2.5, -0.1];
  const got = gradientOf(linearObjective(c), logits);
  logits.forEach((phi, i) => assert.ok(Math.abs(got[i] - c[i] * sigmoid(phi) * (1 - sigmoid(phi))) < 1e-6));
});

test('gradient equals central finite differences of the exact expectation', () => {
  for (const problem of [nonlinear, extreme]) {
    const exact = gradientOf(problem.f, problem.logits);
    problem.logits.forEach((phi, i) => {
      const plus = [...problem.logits];
      const minus = [...problem.logits];
      plus[i] = Math.fround(phi + 1e-3);
      minus[i] = Math.fround(phi - 1e-3);
      const e = (l: number[]) => tf.tidy(() => exactExpectation(problem.f, tf.tensor1d(l)));
      const difference = (e(plus) - e(minus)) / (plus[i] - minus[i]);
      assert.ok(
        Math.abs(difference - exact[i]) < 1e-5 * (1 + Math.abs(exact[i])),
        `${problem.name}[${i}]: ${difference} vs ${exact[i]}`,
      );
    });
  }
});
