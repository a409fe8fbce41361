/**
 * The toy model: every unbiased estimator's gradient matches the exact gradient (z-test over
 * repeated calls, Bonferroni bound at a 0.1% false-alarm rate), the baseline state survives
 * getState/setState, and training RELAX's surrogate lowers its variance without bias.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  createOptimizer,
  createToyModel,
  estimate,
  estimators,
  exactExpectation,
  exactGradient,
  gradientStats,
  normalQuantile,
  objectiveOf,
  zBound,
  type ToyModel,
} from '../src';
import { setupBackend, UNBIASED } from './support';

before(setupBackend);

const FALSE_ALARM = 1e-3;
const LOGITS = [0.4, -0.7, 1.2];
const P0 = 0.3;
const CALLS = 400;
const SAMPLES = 50;

function toy(surrogate = false): ToyModel {
  const model = createToyModel({
    p0: P0,
    units: LOGITS.length,
    ...(surrogate ? { surrogate: { hidden: 10, seed: 1 } } : {}),
  });
  model.setParameters({ phi: LOGITS });
  return model;
}

function exactOf(model: ToyModel): number[] {
  return tf.tidy(() => Array.from(exactGradient(model.objective, model.parameters.phi as tf.Tensor1D).dataSync()));
}

/** The gradient of phi and the objective of `calls` consecutive calls, as plain rows. */
function gradientRows(
  model: ToyModel,
  estimator: string,
  calls: number,
  samples: number,
): { gradients: number[][]; objectives: number[] } {
  const gradients: number[][] = [];
  const objectives: number[] = [];
  for (let k = 0; k < calls; k++) {
    const result = model.gradients(estimator, undefined, { samples, seed: 1000 + k });
    gradients.push(Array.from(result.gradients.phi.dataSync()));
    objectives.push(result.objective.dataSync()[0]);
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
  }
  return { gradients, objectives };
}

// Every unbiased estimator the toy runs: of E[f] (the toy refuses vimco's k-sample bound), and not
// those whose learned Stein function only networks own; plus RELAX with a trained (here: initial,
// non-zero) surrogate.
const TOY_RUNS = (name: (typeof UNBIASED)[number]) =>
  objectiveOf(estimators[name]) === 'expectation' && estimators[name].learned !== 'stein-function';
const CASES = [
  ...UNBIASED.filter(TOY_RUNS).map((name) => ({ name, surrogate: false })),
  { name: 'relax', surrogate: true },
];
const BOUND = zBound(FALSE_ALARM, CASES.length * LOGITS.length);

describe(`toy: gradients of the unbiased estimators match the exact gradient (|z| < ${BOUND.toFixed(2)})`, () => {
  for (const { name, surrogate } of CASES) {
    test(`toy: ${name}${surrogate ? ' with a trained surrogate' : ''} is unbiased`, () => {
      const model = toy(surrogate);
      if (surrogate)
        model.setParameters({
          'relax.w2': Array.from({ length: 10 }, (_, i) => 0.3 * Math.sin(i + 1)),
          'relax.b2': [0.4],
        });
      const stats = gradientStats(gradientRows(model, name, CALLS, SAMPLES).gradients, exactOf(model));
      model.dispose();
      assert.ok(stats.maxAbsZ! < BOUND, `mean ${stats.mean} vs exact ${stats.exact}, z ${stats.zScores}`);
    });
  }

  test('toy: the same z-test flags straight-through as biased (it has power)', () => {
    const model = toy();
    const stats = gradientStats(gradientRows(model, 'st', CALLS, SAMPLES).gradients, exactOf(model));
    model.dispose();
    assert.ok(stats.maxAbsZ! > BOUND, `max |z| = ${stats.maxAbsZ}`);
  });
});

test('toy: the objective is the mean of f over the draws (unbiased for E[f])', () => {
  const model = toy();
  const { objectives } = gradientRows(model, 'reinforce', CALLS, SAMPLES);
  const exact = tf.tidy(() => exactExpectation(model.objective, model.parameters.phi as tf.Tensor1D));
  model.dispose();
  const stats = gradientStats(
    objectives.map((x) => [x]),
    [exact],
  );
  assert.ok(stats.maxAbsZ! < zBound(FALSE_ALARM, 1), `mean ${stats.mean[0]} vs exact ${exact}, z ${stats.zScores}`);
});

test('toy: the baseline state is carried across calls and restored by setState', () => {
  const model = toy();
  const phiAt = (seed: number) => {
    const result = model.gradients('reinforce-ema', undefined, { samples: 4, seed });
    const values = Array.from(result.gradients.phi.dataSync());
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
    return values;
  };
  phiAt(1);
  phiAt(2);
  const saved = JSON.parse(JSON.stringify(model.getState()));
  const next = phiAt(3);
  model.setState(saved);
  assert.deepEqual(phiAt(3), next, 'restored state gives the same estimate');
  const fresh = toy();
  const result = fresh.gradients('reinforce-ema', undefined, { samples: 4, seed: 3 });
  assert.notDeepEqual(Array.from(result.gradients.phi.dataSync()), next, 'the baseline matters');
  tf.dispose([result.objective, ...Object.values(result.gradients)]);
  assert.throws(() => model.setState({ baselines: { nonsense: { numerator: [], denominator: [] } } }), ArgumentError);
  assert.throws(
    () => model.setState({ baselines: { 'reinforce-ema': { numerator: [1], denominator: [] } } }),
    ArgumentError,
  );
  model.dispose();
  fresh.dispose();
});

test('toy: gradients name every parameter, relax.* only with a surrogate, and leave no tensors behind', () => {
  for (const surrogate of [false, true]) {
    const model = toy(surrogate);
    const before = tf.memory().numTensors;
    for (const name of ['disarm', 'relax', 'reinforce-optimal']) {
      const result = model.gradients(name, undefined, { samples: 3, seed: 5 });
      assert.deepEqual(Object.keys(result.gradients).sort(), Object.keys(model.parameters).sort(), name);
      for (const [key, g] of Object.entries(result.gradients))
        assert.deepEqual(g.shape, model.parameters[key].shape, `${name} ${key}`);
      tf.dispose([result.objective, ...Object.values(result.gradients)]);
    }
    assert.equal(tf.memory().numTensors, before);
    assert.equal(
      Object.keys(model.parameters).some((k) => k.startsWith('relax.')),
      surrogate,
    );
    model.dispose();
  }
});

test('toy: bad options and arguments are ArgumentErrors naming the argument', () => {
  const cases: [() => unknown, string][] = [
    [() => createToyModel({ p0: NaN }), 'options.p0'],
    [() => createToyModel({ p0: 0.4, units: 0 }), 'options.units'],
    [() => createToyModel({ p0: 0.4, logit: Infinity }), 'options.logit'],
    [() => createToyModel({ p0: 0.4, temperature: -1 }), 'options.temperature'],
    [() => createToyModel({ p0: 0.4, surrogate: { hidden: 1.5 } }), 'options.surrogate.hidden'],
  ];
  for (const [run, argument] of cases)
    assert.throws(run, (e: unknown) => e instanceof ArgumentError && e.argument === argument, argument);
  const model = toy();
  const before = tf.memory().numTensors;
  assert.throws(
    () => model.gradients('nope', undefined, { seed: 1 }),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'estimator',
  );
  assert.throws(() => model.gradients('reinforce-loo', undefined, { samples: 1, seed: 1 }), ArgumentError);
  assert.throws(
    () => model.setParameters({ phi: [1, 2] }),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'values.phi',
  );
  assert.throws(
    () => model.setParameters({ psi: [1] }),
    (e: unknown) => e instanceof ArgumentError && e.argument === 'values.psi',
  );
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

/** Per-sample RELAX estimates at the model's current surrogate, as plain numbers (d = 1). */
function relaxDraws(model: ToyModel, samples: number, seed: number): number[] {
  const result = estimate('relax', model.objective, model.parameters.phi as tf.Tensor1D, {
    samples,
    seed,
    surrogate: model.relaxSurrogate(),
  });
  const values = Array.from(result.perSample.dataSync());
  tf.dispose([result.perSample, result.mean]);
  return values;
}

/** Sample variance and its standard error `√((m4 − s⁴)/N)`. */
function varianceWithError(x: number[]): { variance: number; se: number } {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const m2 = x.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const m4 = x.reduce((a, b) => a + (b - mean) ** 4, 0) / n;
  return { variance: (m2 * n) / (n - 1), se: Math.sqrt(Math.max(m4 - m2 * m2, 0) / n) };
}

test('toy: training the RELAX surrogate with φ fixed lowers the variance, and RELAX stays unbiased', () => {
  const model = createToyModel({ p0: 0.45, units: 1, logit: 0, surrogate: { hidden: 10, seed: 1 } });
  const draws = 20000;
  const before = varianceWithError(relaxDraws(model, draws, 11));
  const psi = Object.fromEntries(Object.entries(model.parameters).filter(([name]) => name.startsWith('relax.')));
  const adam = createOptimizer({ kind: 'adam', lr: 0.01 });
  for (let t = 0; t < 300; t++) {
    const { objective, gradients } = model.gradients('relax', undefined, { samples: 16, seed: 100 + t });
    adam.step(psi, Object.fromEntries(Object.keys(psi).map((name) => [name, gradients[name]])));
    tf.dispose([objective, ...Object.values(gradients)]);
  }
  adam.dispose();
  const afterDraws = relaxDraws(model, draws, 12);
  const after = varianceWithError(afterDraws);
  const z = (before.variance - after.variance) / Math.hypot(before.se, after.se);
  const exact = exactOf(model);
  model.dispose();
  const detail = `variance ${before.variance.toExponential(3)} ± ${before.se.toExponential(2)} -> ${after.variance.toExponential(3)} ± ${after.se.toExponential(2)}, z = ${z.toFixed(1)}`;
  assert.ok(z > normalQuantile(1 - FALSE_ALARM), detail);
  const stats = gradientStats(
    afterDraws.map((x) => [x]),
    exact,
  );
  assert.ok(
    stats.maxAbsZ! < zBound(FALSE_ALARM, 1),
    `after training: mean ${stats.mean} vs exact ${exact}, z ${stats.zScores}; ${detail}`,
  );
});

test('toy: the surrogate gradient −∇ψ mean ‖ĝ‖² matches central finite differences (second-order autodiff)', () => {
  // Guards the choice of squashing unit: with tf.tanh, tfjs 4.22's second-order gradient is wrong.
  const model = createToyModel({ p0: 0.45, units: 2, logit: 0.3, surrogate: { hidden: 4, seed: 3 } });
  model.setParameters({ 'relax.w2': [0.3, -0.2, 0.5, 0.1], 'relax.b2': [0.2] });
  const options = { samples: 5, seed: 7 };
  const result = model.gradients('relax', undefined, options);
  const analytic = Object.fromEntries(Object.entries(result.gradients).map(([k, v]) => [k, Array.from(v.dataSync())]));
  tf.dispose([result.objective, ...Object.values(result.gradients)]);
  const negativeMeanSquare = () =>
    tf.tidy(() => {
      const e = estimate('relax', model.objective, model.parameters.phi as tf.Tensor1D, {
        ...options,
        surrogate: model.relaxSurrogate(),
      });
      return -tf.mean(tf.sum(tf.square(e.perSample), 1)).dataSync()[0];
    });
  const h = 1e-2;
  const scale = Math.max(
    ...Object.entries(analytic)
      .filter(([k]) => k !== 'phi')
      .flatMap(([, v]) => v.map(Math.abs)),
  );
  for (const name of ['relax.w1', 'relax.b1', 'relax.w2', 'relax.b2']) {
    const variable = model.parameters[name];
    const values = Array.from(variable.dataSync());
    for (let i = 0; i < values.length; i++) {
      const at = (delta: number) => {
        const shifted = [...values];
        shifted[i] += delta;
        tf.tidy(() => model.setParameters({ [name]: tf.tensor(shifted, variable.shape) }));
        return negativeMeanSquare();
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      at(0);
      // O(h²) truncation plus float32 rounding of the loss divided by h: well under 1e-3 of the scale.
      assert.ok(
        Math.abs(numeric - analytic[name][i]) <= 1e-3 * scale + 1e-5,
        `${name}[${i}]: finite difference ${numeric}, autodiff ${analytic[name][i]}`,
      );
    }
  }
  model.dispose();
});
