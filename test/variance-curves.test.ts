/**
 * Variance curves against φ (lab/variance-curves.ts): the exact mean and variance of one estimate on
 * one unit of ARM's toy against the exact gradient, closed forms re-derived here, and sampled variances.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ArgumentError, armToy, estimate, estimators, tf, uniformArray, zBound } from '../src';
import {
  EXACT_VARIANCE_ESTIMATORS,
  varianceCurves,
  type ExactVarianceEstimator,
  type VarianceCurveRow,
} from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

const P0 = 0.49;
const DELTA = 1 - 2 * P0; // f(1) − f(0)
const sigmoid = (phi: number) => 1 / (1 + Math.exp(-phi));
/** Float32 round-off of estimates of size ≤ 1: 8 ulps (2^-20 ≈ 1e-6). */
const ABSOLUTE = 2 ** -20;

/** Re-derived closed forms of the variance of one estimate (float64), the check on the quadrature. */
const CLOSED_FORM: Partial<Record<ExactVarianceEstimator, (phi: number) => number>> = {
  // f(z)(z − σ): f(1)(1 − σ) with probability σ, −f(0)σ otherwise.
  reinforce: (phi) => {
    const s = sigmoid(phi);
    const [f1, f0] = [(1 - P0) ** 2, P0 ** 2];
    return s * (1 - s) ** 2 * f1 ** 2 + (1 - s) * s ** 2 * f0 ** 2 - (s * (1 - s) * DELTA) ** 2;
  },
  // The pair's mean ½(f(z1) − f(z2))(z1 − z2) = ½Δ 1[z1 ≠ z2], which happens with probability q = 2σ(1 − σ).
  'reinforce-loo': (phi) => {
    const q = 2 * sigmoid(phi) * (1 - sigmoid(phi));
    return (DELTA / 2) ** 2 * q * (1 - q);
  },
  // The residual f(z) − f(σ) − f'(σ)(z − σ) = (z − σ)²: ĝ = (z − σ)³ + const.
  muprop: (phi) => {
    const s = sigmoid(phi);
    return s * (1 - s) ** 6 + (1 - s) * s ** 6 - (s * (1 - s) ** 3 - (1 - s) * s ** 3) ** 2;
  },
  // f(z)(1 − 2u), z = 1[u < σ]: ∫(1 − 2u)² du = −(1 − 2u)³/6.
  ar: (phi) => {
    const s = sigmoid(phi);
    const [f1, f0] = [(1 - P0) ** 2, P0 ** 2];
    const square = (f1 ** 2 * (1 - (1 - 2 * s) ** 3)) / 6 + (f0 ** 2 * ((1 - 2 * s) ** 3 + 1)) / 6;
    return square - (s * (1 - s) * DELTA) ** 2;
  },
  // Δ|u − ½| where the pair differs (|u − ½| > a = |σ − ½|), else 0.
  arm: (phi) => {
    const a = Math.abs(sigmoid(phi) - 0.5);
    return DELTA ** 2 * (2 / 3) * (1 / 8 - a ** 3) - (sigmoid(phi) * (1 - sigmoid(phi)) * DELTA) ** 2;
  },
  // ½Δσ(|φ|) with probability 2(1 − σ(|φ|)) (the pair differs), else 0.
  disarm: (phi) => {
    const s = sigmoid(Math.abs(phi));
    return (DELTA * s * 0.5) ** 2 * 2 * (1 - s) * (2 * s - 1);
  },
  // 2(z − p0): two values 2 apart.
  st: (phi) => 4 * sigmoid(phi) * (1 - sigmoid(phi)),
};

const PHIS = [-6, -3.5, -1, -0.25, 0, 0.5, 2, 4.75, 6];

test('varianceCurves: the exact mean is the exact gradient for the unbiased estimators; st keeps its bias', () => {
  const before = tf.memory().numTensors;
  const curves = varianceCurves({ p0: P0, phis: PHIS, estimators: EXACT_VARIANCE_ESTIMATORS });
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  assert.equal(curves.rows.length, PHIS.length * EXACT_VARIANCE_ESTIMATORS.length);
  for (const row of curves.rows) {
    const exact = sigmoid(row.phi) * (1 - sigmoid(row.phi)) * DELTA;
    // Enumeration sums float32 values of f: Δ = f(1) − f(0) = 0.02 keeps ~1e-6 of their round-off.
    assert.ok(Math.abs(row.exact - exact) < 1e-5 * exact, `${row.estimator} φ = ${row.phi}: exact gradient`);
    if (row.unbiased)
      assert.ok(
        Math.abs(row.mean - row.exact) < ABSOLUTE,
        `${row.estimator} φ = ${row.phi}: mean ${row.mean} against ${row.exact}`,
      );
  }
  // st: E[2(z − p0)] = 2(σ − p0), not σ'(φ)(1 − 2p0); four times the truth at φ = 0.
  for (const row of curves.rows.filter((r) => r.estimator === 'st')) {
    assert.ok(Math.abs(row.mean - 2 * (sigmoid(row.phi) - P0)) < ABSOLUTE, `st φ = ${row.phi}`);
    assert.ok(Math.abs(row.mean - row.exact) > 100 * ABSOLUTE, `st is biased at φ = ${row.phi}`);
  }
  const st0 = curves.rows.find((r) => r.estimator === 'st' && r.phi === 0)!;
  assert.ok(Math.abs(st0.mean / st0.exact - 4) < 1e-4);
  assert.deepEqual(
    EXACT_VARIANCE_ESTIMATORS.filter((name) => !estimators[name].unbiased),
    ['st', 'st-sigmoid', 'st-annealed', 'one-half'],
  );
});

test('varianceCurves: the variance agrees with the closed forms (REINFORCE, leave-one-out, MuProp, AR, ARM, DisARM, st)', () => {
  const names = Object.keys(CLOSED_FORM) as ExactVarianceEstimator[];
  const curves = varianceCurves({ p0: P0, phis: PHIS, estimators: names });
  for (const row of curves.rows) {
    const expected = CLOSED_FORM[row.estimator]!(row.phi);
    assert.ok(
      Math.abs(row.variance - expected) <= 1e-5 * expected + 1e-12,
      `${row.estimator} φ = ${row.phi}: ${row.variance} against ${expected}`,
    );
  }
  // DisARM at φ = 0 is one number: exactly zero variance, left out of the log axis.
  const disarm = curves.rows.find((r) => r.estimator === 'disarm' && r.phi === 0)!;
  assert.equal(disarm.variance, 0);
  const trace = curves.figures.variance.data.find((t) => String(t.name).startsWith('disarm'))!;
  assert.equal((trace.y as (number | null)[])[PHIS.indexOf(0)], null);
  assert.ok((trace.y as (number | null)[]).every((y, k) => (PHIS[k] === 0 ? y === null : y! > 0)));
});

test('varianceCurves: variance × evaluations uses the registry, and matches what estimate counts', () => {
  const curves = varianceCurves({ p0: P0, phis: [0.5], estimators: EXACT_VARIANCE_ESTIMATORS });
  const f = armToy(P0);
  for (const row of curves.rows) {
    const spec = estimators[row.estimator];
    assert.equal(row.evaluations, spec.minSamples * spec.evaluationsPerSample + (spec.evaluationsPerCall ?? 0));
    assert.equal(row.varianceTimesEvaluations, row.variance * row.evaluations);
    const logits = tf.tensor1d([0.5]);
    const result = estimate(row.estimator, f, logits, { samples: spec.minSamples, seed: 3 });
    tf.dispose([logits, result.perSample, result.mean]);
    assert.equal(result.evaluations, row.evaluations, `${row.estimator}: evaluations of one call`);
  }
  const byName = (name: string) => curves.rows.find((r) => r.estimator === name)!;
  assert.deepEqual(
    ['reinforce', 'reinforce-loo', 'muprop', 'ar', 'arm', 'disarm', 'st'].map((n) => byName(n).evaluations),
    [1, 2, 2, 1, 2, 2, 1],
  );
  const costTrace = curves.figures.varianceTimesEvaluations.data.find((t) => String(t.name).startsWith('arm'))!;
  assert.equal((costTrace.y as number[])[0], byName('arm').varianceTimesEvaluations);
});

/** Sample variance of one estimate and its standard error `√((m4 − s⁴)/n)`. */
function sampledVariance(values: readonly number[]): { variance: number; se: number } {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const m2 = values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  const m4 = values.reduce((s, v) => s + (v - mean) ** 4, 0) / n;
  return { variance: (m2 * n) / (n - 1), se: Math.sqrt(Math.max(m4 - m2 * m2, 0) / n) };
}

/** `n` single estimates of `name` at `phi`: one call of n draws, or n calls of the estimator's fewest draws. */
function sampled(name: ExactVarianceEstimator, phi: number, n: number, seed: number): number[] {
  const f = armToy(P0);
  const logits = tf.tensor1d([phi]);
  const draws = estimators[name].minSamples;
  const values: number[] = [];
  if (draws === 1) {
    const result = estimate(name, f, logits, { samples: n, seed });
    values.push(...result.perSample.dataSync());
    tf.dispose([result.perSample, result.mean]);
  } else {
    const u = uniformArray(n * draws, seed);
    for (let k = 0; k < n; k++) {
      const noise = tf.tensor2d(Array.from(u.subarray(k * draws, (k + 1) * draws)), [draws, 1]);
      const result = estimate(name, f, logits, { samples: draws, noise });
      values.push(result.mean.dataSync()[0]);
      tf.dispose([noise, result.perSample, result.mean]);
    }
  }
  logits.dispose();
  return values;
}

test('varianceCurves: the exact variance agrees with sampled variances (fixed seed, standard-error tolerance)', () => {
  const phis = [-1.5, 2];
  const curves = varianceCurves({ p0: P0, phis, estimators: EXACT_VARIANCE_ESTIMATORS });
  const bound = zBound(1e-3, curves.rows.length);
  for (const row of curves.rows as VarianceCurveRow[]) {
    const n = estimators[row.estimator].minSamples === 1 ? 40_000 : 4000;
    const { variance, se } = sampledVariance(sampled(row.estimator, row.phi, n, 7 + phis.indexOf(row.phi)));
    assert.ok(se > 0, `${row.estimator} φ = ${row.phi}: the sample varies`);
    const z = (variance - row.variance) / se;
    assert.ok(
      Math.abs(z) < bound,
      `${row.estimator} φ = ${row.phi}: sampled ${variance} ± ${se}, exact ${row.variance}`,
    );
  }
});

test('varianceCurves: bad arguments name the option', () => {
  const bad: [unknown, string][] = [
    [{ p0: Number.NaN }, 'options.p0'],
    [{ phis: [] }, 'options.phis'],
    [{ phis: [0, Number.POSITIVE_INFINITY] }, 'options.phis'],
    [{ phis: [13] }, 'options.phis'],
    [{ phis: 'x' }, 'options.phis'],
    [{ estimators: [] }, 'options.estimators'],
    [{ estimators: ['arm', 'concrete'] }, 'options.estimators[1]'],
    [{ estimators: ['nope'] }, 'options.estimators[0]'],
    [null, 'options'],
  ];
  const before = tf.memory().numTensors;
  for (const [options, argument] of bad)
    assert.throws(
      () => varianceCurves(options as never),
      (e: unknown) => e instanceof ArgumentError && e.argument === argument,
      argument,
    );
  assert.equal(tf.memory().numTensors, before);
});
