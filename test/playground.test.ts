/** The playground dashboard: exact gradients per objective, unbiasedness, costs, figures, no leaks. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, exactGradient } from '../src';
import { playground, playgroundObjective, type PlaygroundParams } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

const sigmaPrime = (x: number) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2;

const base: PlaygroundParams = {
  objective: { kind: 'quadratic', a: [1, -2, 0.5], b: 0.3 },
  logits: [0, 1, -1],
  estimators: ['reinforce', 'reinforce-loo', 'arm', 'disarm', 'st'],
  samples: 4000,
  seed: 3,
  repeats: 1,
};

describe('playground', () => {
  test('exact gradients: linear cᵀz gives c_i σ′(φ_i); the quadratic matches exactGradient', async () => {
    const linear = await playground({ ...base, objective: { kind: 'linear', c: [2, -1, 0.5] }, estimators: ['arm'] });
    linear.exact.forEach((g, i) => assert.ok(Math.abs(g - [2, -1, 0.5][i] * sigmaPrime(base.logits[i])) < 1e-12));
    const quadratic = await playground({ ...base, estimators: ['arm'] });
    const reference = tf.tidy(() =>
      Array.from(exactGradient(playgroundObjective(base.objective, 3), tf.tensor1d(base.logits)).dataSync()),
    );
    quadratic.exact.forEach((g, i) => assert.ok(Math.abs(g - reference[i]) < 1e-6));
  });

  test('unbiased estimators stay within the Bonferroni bound; straight-through is flagged', async () => {
    const quadratic = await playground(base);
    for (const row of quadratic.rows.filter((r) => r.unbiased)) {
      for (const z of row.biasZ) assert.ok(z === null || Math.abs(z) < quadratic.zBound, `${row.estimator}: z = ${z}`);
    }
    // Straight-through treats ∂z/∂φ as 1: on this non-linear f its mean is far from the gradient
    // (about 95 standard errors at 10^4 samples when this test was written; 4000 here).
    const st = quadratic.rows.find((r) => r.estimator === 'st')!;
    assert.ok(st.biasZ.some((z) => z !== null && Math.abs(z) > quadratic.zBound));
  });

  test('costs: evaluations per estimate as declared, positive times; tables have one row per estimator (and unit)', async () => {
    const result = await playground(base);
    const byName = Object.fromEntries(result.rows.map((r) => [r.estimator, r]));
    assert.equal(byName.reinforce.evaluationsPerSample, 1);
    assert.equal(byName.arm.evaluationsPerSample, 2);
    assert.equal(byName.disarm.evaluationsPerSample, 2);
    assert.ok(result.rows.every((r) => r.secondsPerEstimate > 0));
    assert.equal(result.summary.length, 5);
    assert.equal(result.coordinates.length, 15);
  });

  test('constant estimators are labelled by whether the constant is the gradient (linear f: st-sigmoid exact, st biased)', async () => {
    const result = await playground({
      ...base,
      objective: { kind: 'linear', c: [1, -2, 0.5] },
      estimators: ['st-sigmoid', 'st'],
    });
    assert.deepEqual(
      result.rows.map((r) => r.biasZ.every((z) => z === null)),
      [true, true],
    );
    assert.equal(result.summary[0]['max |bias z|'], 'constant = exact');
    assert.equal(result.summary[1]['max |bias z|'], 'constant ≠ exact (biased)');
  });

  test('figures: titles, axis titles, log scales with powers of ten', async () => {
    const { figures } = await playground({ ...base, estimators: ['arm', 'disarm'] });
    for (const [name, fig] of Object.entries(figures)) {
      assert.ok(fig.layout.title?.text, `${name} has a title`);
      assert.ok(fig.layout.xaxis?.title?.text && fig.layout.yaxis?.title?.text, `${name} has axis titles`);
      assert.equal(fig.layout.yaxis?.exponentformat, 'power');
    }
    for (const name of ['variance', 'snr', 'cost'] as const) assert.equal(figures[name].layout.yaxis?.type, 'log');
  });

  test('mean against exact: unbiased and biased estimators in panels of their own, each bar ± 2 se', async () => {
    const dash = await playground({ ...base, estimators: ['arm', 'disarm', 'st', 'concrete'] });
    const names = (fig: (typeof dash.figures)['meanVsExact']) => fig.data.map((trace) => trace.name);
    assert.deepEqual(names(dash.figures.meanVsExact), ['exact', 'arm', 'disarm']);
    assert.deepEqual(names(dash.figures.biasedMeanVsExact), ['exact', 'st', 'concrete']);
    const arm = dash.rows.find((row) => row.estimator === 'arm')!;
    assert.deepEqual(
      dash.figures.meanVsExact.data[1].error_y?.array,
      arm.standardError.map((se) => 2 * se),
    );
    assert.equal(dash.figures.meanVsExact.data[0].error_y, undefined, 'the exact bars have no error bars');
  });

  test('re-running leaves the tensor count flat', async () => {
    await playground({ ...base, repeats: 2 });
    const before = tf.memory().numTensors;
    await playground({ ...base, repeats: 2 });
    await playground({
      ...base,
      objective: { kind: 'arm-toy', p0: 0.499 },
      estimators: ['relax', 'rebar', 'muprop', 'concrete'],
    });
    assert.equal(tf.memory().numTensors, before);
  });

  test('bad parameters throw ArgumentError naming the parameter', async () => {
    const rejects = (params: unknown, argument: string) =>
      assert.rejects(
        playground(params as PlaygroundParams),
        (e: unknown) => e instanceof ArgumentError && e.argument === argument,
      );
    await rejects({ ...base, objective: { kind: 'cubic' } }, 'params.objective.kind');
    await rejects({ ...base, objective: { kind: 'linear', c: [1, 2] } }, 'params.objective.c');
    await rejects({ ...base, logits: [] }, 'params.logits');
    await rejects({ ...base, estimators: ['nope'] }, 'params.estimators[0]');
    await rejects({ ...base, samples: 1 }, 'params.samples');
    await rejects({ ...base, seed: -1 }, 'params.seed');
  });
});
