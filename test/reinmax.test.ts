/**
 * ReinMax for binary units: the library's formula is the paper's categorical algorithm on two
 * categories; at τ = 1 it is the "1/2" estimator row for row; and its bias, beside st, st-sigmoid
 * and gumbel-st, is what a closed form predicts on a linear, a quadratic and a non-quadratic f.
 *
 * For a straight-through rule with surrogate derivative `D_i(u_i)` (a function of unit i's own
 * uniform), `E[ĝ_i] = A_i(1) M_i(1) + A_i(0) M_i(0)` with `A_i(b) = E[D_i 1[z_i = b]]` and
 * `M_i(b) = E[∂f/∂z_i(z) | z_i = b]` (the other units are independent of u_i): the predictions below
 * compute `A` in closed form (gumbel-st: by quadrature over u) and `M` in closed form or by
 * enumeration.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  estimate,
  exactGradient,
  gradientStats,
  linearObjective,
  uniformNoise,
  zBound,
  type EstimatorName,
  type Objective,
} from '../src';
import { nonlinear, perSampleArray, setupBackend, sigmoid } from './support';

before(setupBackend);

const dSigmoid = (x: number) => sigmoid(x) * (1 - sigmoid(x));

/** The paper's ReinMax backward pass for K categories: `(2 J(π₁) − ½ J(π₀)) g`, `J(π) = diag(π) − ππᵀ`. */
function categoricalReinmax(theta: number[], sample: number[], g: number[], temperature: number): number[] {
  const softmax = (x: number[]) => {
    const top = Math.max(...x);
    const e = x.map((v) => Math.exp(v - top));
    const total = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / total);
  };
  const jacobianTimes = (pi: number[], v: number[]) => {
    const inner = pi.reduce((s, p, a) => s + p * v[a], 0);
    return pi.map((p, a) => p * (v[a] - inner));
  };
  const pi0 = softmax(theta);
  const tempered = softmax(theta.map((t) => t / temperature));
  const pi1 = sample.map((d, a) => (d + tempered[a]) / 2);
  const first = jacobianTimes(pi1, g);
  const second = jacobianTimes(pi0, g);
  return first.map((x, a) => 2 * x - 0.5 * second[a]);
}

// Chapter 02's problem (notebooks/02_bengio.ipynb, section 2): f = (wᵀz − 1)², where every
// straight-through rule points ∂/∂φ₀ the wrong way.
const W = [2, -1, 1.5];
const CHAPTER_LOGITS = [-1.5, 0.5, 1];
const chapterF: Objective = (z) => tf.tidy(() => tf.square(tf.sub(tf.sum(tf.mul(z, W), 1), 1)) as tf.Tensor1D);
const chapterSlope = (z: number[]) => {
  const inner = z.reduce((s, zi, i) => s + W[i] * zi, 0) - 1;
  return W.map((w) => 2 * w * inner);
};

test('binary ReinMax is the paper’s categorical algorithm on the two categories (φ, 0), row for row', () => {
  const rows = 64;
  const noise = uniformNoise(rows, 3, 11);
  const u = noise.arraySync();
  for (const temperature of [0.5, 1, 2.5]) {
    const values = perSampleArray('reinmax', chapterF, CHAPTER_LOGITS, { samples: rows, noise, temperature });
    for (let k = 0; k < rows; k++) {
      const z = CHAPTER_LOGITS.map((phi, i) => (u[k][i] < sigmoid(phi) ? 1 : 0));
      const slope = chapterSlope(z);
      CHAPTER_LOGITS.forEach((phi, i) => {
        // f read as a function of D₁ = z, and equally of D₂ = 1 − z: the same gradient for φ.
        const viaFirst = categoricalReinmax([phi, 0], [z[i], 1 - z[i]], [slope[i], 0], temperature)[0];
        const viaSecond = categoricalReinmax([phi, 0], [z[i], 1 - z[i]], [0, -slope[i]], temperature)[0];
        assert.ok(Math.abs(viaFirst - viaSecond) < 1e-12);
        const got = values[3 * k + i];
        assert.ok(Math.abs(got - viaFirst) < 1e-5 * (1 + Math.abs(viaFirst)), `τ ${temperature}, row ${k}, unit ${i}`);
      });
    }
  }
  noise.dispose();
});

test('at τ = 1 ReinMax is the "1/2" estimator, row for row (Heun’s midpoint is DARN’s trapezoid)', () => {
  const options = { samples: 200, seed: 4, temperature: 1 };
  const reinmax = perSampleArray('reinmax', nonlinear.f, nonlinear.logits, options);
  const oneHalf = perSampleArray('one-half', nonlinear.f, nonlinear.logits, options);
  reinmax.forEach((x, k) => assert.ok(Math.abs(x - oneHalf[k]) < 1e-6, `entry ${k}: ${x} vs ${oneHalf[k]}`));
});

/** `A_i(1), A_i(0)` of each rule: the surrogate derivative's mass where unit i is 1, and where it is 0. */
function unitWeights(name: EstimatorName, phi: number, temperature: number): [number, number] {
  const s = sigmoid(phi);
  switch (name) {
    case 'st':
      return [s, 1 - s];
    case 'st-sigmoid':
      return [s * dSigmoid(phi), (1 - s) * dSigmoid(phi)];
    case 'reinmax': {
      const t = sigmoid(phi / temperature);
      const atOne = (1 - t * t) / 2 - dSigmoid(phi) / 2; //   2 π₁(1 − π₁) − ½σ' at π₁ = (1 + t)/2
      const atZero = (t * (2 - t)) / 2 - dSigmoid(phi) / 2; // … at π₁ = t/2
      return [s * atOne, (1 - s) * atZero];
    }
    case 'gumbel-st': {
      // z = 1[φ + L(u) > 0] = 1[u > σ(−φ)]; D = σ'((φ + L)/τ)/τ; midpoint rule over u.
      const points = 200000;
      let one = 0;
      let zero = 0;
      for (let k = 0; k < points; k++) {
        const u = (k + 0.5) / points;
        const slope = dSigmoid((phi + Math.log(u) - Math.log(1 - u)) / temperature) / temperature;
        if (u > sigmoid(-phi)) one += slope / points;
        else zero += slope / points;
      }
      return [one, zero];
    }
    default:
      throw new Error(`no closed form for ${name}`);
  }
}

/** `M_i(b) = E[∂f/∂z_i(z) | z_i = b]` by enumeration, `[d][2]` (index b). */
function conditionalSlopes(f: Objective, logits: number[]): number[][] {
  const d = logits.length;
  const configs = Array.from({ length: 2 ** d }, (_, c) => logits.map((_, i) => (c >> i) & 1));
  const slopes = tf.tidy(() => {
    const z = tf.tensor2d(configs);
    return tf
      .grad((x) => tf.sum(f(x as tf.Tensor2D)))(z)
      .arraySync() as number[][];
  });
  return logits.map((_, i) =>
    [0, 1].map((b) =>
      configs.reduce((sum, z, c) => {
        if (z[i] !== b) return sum;
        const others = z.reduce(
          (p, zj, j) => (j === i ? p : p * (zj ? sigmoid(logits[j]) : 1 - sigmoid(logits[j]))),
          1,
        );
        return sum + others * slopes[c][i];
      }, 0),
    ),
  );
}

/** The mean of `name`'s estimate: `A_i(1) M_i(1) + A_i(0) M_i(0)`. */
function predicted(name: EstimatorName, f: Objective, logits: number[], temperature: number): number[] {
  const m = conditionalSlopes(f, logits);
  return logits.map((phi, i) => {
    const [one, zero] = unitWeights(name, phi, temperature);
    return one * m[i][1] + zero * m[i][0];
  });
}

const C = [1.5, -2, 0.75];
const PROBLEMS: { name: string; f: Objective; logits: number[] }[] = [
  { name: 'linear f = cᵀz', f: linearObjective(C), logits: [0.4, -1.3, 2.2] },
  { name: 'quadratic f = (wᵀz − 1)² (chapter 02)', f: chapterF, logits: CHAPTER_LOGITS },
  { name: nonlinear.name, f: nonlinear.f, logits: nonlinear.logits },
];
const RUNS: [EstimatorName, number][] = [
  ['st', 0.5],
  ['st-sigmoid', 0.5],
  ['gumbel-st', 0.5],
  ['reinmax', 0.5],
  ['reinmax', 1],
  ['reinmax', 2],
];
const SAMPLES = 20000;
const BOUND = zBound(1e-3, PROBLEMS.reduce((n, p) => n + p.logits.length, 0) * RUNS.length);

function exactFor(problem: (typeof PROBLEMS)[number]): number[] {
  return tf.tidy(() => Array.from(exactGradient(problem.f, tf.tensor1d(problem.logits)).dataSync()));
}

describe(`biased straight-through rules: the mean estimate is the predicted one (|z| < ${BOUND.toFixed(2)})`, () => {
  for (const problem of PROBLEMS) {
    for (const [name, temperature] of RUNS) {
      test(`${name}${name === 'reinmax' || name === 'gumbel-st' ? `, τ = ${temperature}` : ''} on ${problem.name}`, (t) => {
        const expected = predicted(name, problem.f, problem.logits, temperature);
        const exact = exactFor(problem);
        const phi = tf.tensor1d(problem.logits);
        const result = estimate(name, problem.f, phi, { samples: SAMPLES, seed: 17, temperature });
        const stats = gradientStats(result.perSample, exact);
        tf.dispose([phi, result.perSample, result.mean]);
        t.diagnostic(`predicted ${expected.map((x) => x.toFixed(4))}, exact ${exact.map((x) => x.toFixed(4))}`);
        stats.mean.forEach((m, i) => {
          const se = stats.standardError[i];
          // st and st-sigmoid on a linear f have no variance: float32 rounding is allowed for.
          const tolerance = BOUND * se + 1e-6 * (1 + Math.abs(expected[i]));
          assert.ok(
            Math.abs(m - expected[i]) < tolerance,
            `coordinate ${i}: mean ${m} vs predicted ${expected[i]} (se ${se})`,
          );
        });
      });
    }
  }
});

describe('ReinMax’s bias in closed form', () => {
  test('τ = 1: unbiased on the linear and the quadratic f (the trapezoidal rule is exact), biased on the non-quadratic one', () => {
    for (const problem of PROBLEMS) {
      const bias = predicted('reinmax', problem.f, problem.logits, 1).map((x, i) => x - exactFor(problem)[i]);
      const size = Math.max(...bias.map(Math.abs));
      if (problem.f === nonlinear.f) assert.ok(size > 0.01, `${problem.name}: bias ${bias}`);
      else assert.ok(size < 1e-6, `${problem.name}: bias ${bias}`);
    }
  });

  test('τ ≠ 1: biased even for a linear f, E[ĝ] = c [σ(1 − s²)/2 + (1 − σ) s(2 − s)/2 − σ′/2], s = σ(φ/τ)', () => {
    const [problem] = PROBLEMS;
    for (const temperature of [0.5, 2]) {
      const expected = predicted('reinmax', problem.f, problem.logits, temperature);
      problem.logits.forEach((phi, i) => {
        const s = sigmoid(phi);
        const t = sigmoid(phi / temperature);
        const closed = C[i] * ((s * (1 - t * t)) / 2 + ((1 - s) * t * (2 - t)) / 2 - dSigmoid(phi) / 2);
        assert.ok(Math.abs(expected[i] - closed) < 1e-9);
        assert.ok(Math.abs(closed - C[i] * dSigmoid(phi)) > 1e-3, `τ ${temperature}: not the exact c σ'(φ)`);
      });
    }
  });
});

describe('chapter 02’s sign flip (f = (wᵀz − 1)², w = (2, −1, 1.5), φ = (−1.5, 0.5, 1))', () => {
  const chapter = PROBLEMS[1];
  test('exact, st and ReinMax at τ = 0.5, 1, 2: the expected gradients, computed', () => {
    const exact = exactFor(chapter);
    const st = predicted('st', chapter.f, chapter.logits, 1);
    const at = (temperature: number) => predicted('reinmax', chapter.f, chapter.logits, temperature);
    // The truth: ∂/∂φ₀ is positive; st's expectation of it is negative (the chapter's flip).
    assert.ok(exact[0] > 0.28 && exact[0] < 0.29, `exact ${exact}`);
    assert.ok(st[0] < -0.6, `st ${st}`);
    // τ = 1 (the paper's Heun step): exactly the true gradient, every coordinate.
    at(1).forEach((g, i) => assert.ok(Math.abs(g - exact[i]) < 1e-6, `τ = 1, coordinate ${i}: ${g} vs ${exact[i]}`));
    // τ = 0.5 (the library's default temperature): coordinate 0 has the right sign, but ~1.8× too
    // large, and coordinate 1 (exact +0.018) flips to about −0.043.
    const half = at(0.5);
    assert.ok(half[0] > 0.5 && half[0] < 0.51, `τ = 0.5: ${half}`);
    assert.ok(exact[1] > 0 && half[1] < -0.04 && half[1] > -0.045, `τ = 0.5: ${half} vs exact ${exact}`);
    // τ = 2 (the authors' τ ≥ 1): every sign right, magnitudes off.
    at(2).forEach((g, i) => assert.ok(Math.sign(g) === Math.sign(exact[i]), `τ = 2, coordinate ${i}: ${g}`));
  });
});
