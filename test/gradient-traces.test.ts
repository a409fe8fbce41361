/**
 * ARM's figure 1 gradient traces (lab/gradient-traces.ts): each trace is a `toyTrajectories` run,
 * its recorded true gradient is the enumerated gradient at the recorded φ, the unbiased
 * estimators' estimates average to it along the run, the signs behave as chapter 04 says, and
 * nothing leaks.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, armToy, exactGradient, zBound } from '../src';
import { closedFormGradient, gradientTraces, toyTrajectories, type GradientTraceOptions } from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

const isArgumentError = (argument: string) => (e: unknown) => e instanceof ArgumentError && e.argument === argument;

describe('gradient traces', () => {
  test('each trace walks the σ(φ) path of the toyTrajectories run with the same settings', () => {
    const estimators = ['reinforce', 'arm', 'reinforce-ema'];
    const { traces } = gradientTraces({ p0: 0.45, estimators, steps: 60, seed: 2 });
    const runs = toyTrajectories({ p0: 0.45, estimators, seeds: 1, seed: 2, steps: 60, every: 1 });
    traces.forEach((trace, k) => {
      assert.equal(trace.estimator, runs[k].estimator);
      assert.deepEqual(
        trace.step,
        Array.from({ length: 60 }, (_, t) => t),
      );
      // The estimate of step t is taken at φ_t, the trajectory's φ after t steps (the same float32).
      assert.deepEqual(trace.logit, runs[k].logit.slice(0, 60));
      assert.deepEqual(trace.probability, runs[k].probability.slice(0, 60));
      // And the step takes φ_t to φ_{t+1} = φ_t + ĝ_t (lr 1), up to float32 rounding.
      trace.logit.slice(1).forEach((phi, t) => assert.ok(Math.abs(phi - (trace.logit[t] + trace.estimate[t])) < 1e-6));
    });
    const thinned = gradientTraces({ p0: 0.45, estimators: ['arm'], steps: 60, seed: 2, every: 25 }).traces[0];
    assert.deepEqual(thinned.step, [0, 25, 50]);
    assert.deepEqual(
      thinned.logit,
      [0, 25, 50].map((t) => runs[1].logit[t]),
    );
  });

  test('the recorded true gradient is the closed form, and the enumerated gradient, at the recorded φ', () => {
    const { traces } = gradientTraces({ p0: 0.3, estimators: ['ar'], steps: 40, seed: 5, every: 13 });
    const [trace] = traces;
    trace.logit.forEach((phi, k) => {
      assert.equal(trace.exact[k], closedFormGradient(phi, 0.3));
      const logits = tf.tensor1d([phi]);
      const enumerated = exactGradient(armToy(0.3), logits);
      assert.ok(Math.abs(enumerated.dataSync()[0] - trace.exact[k]) < 1e-6);
      tf.dispose([logits, enumerated]);
    });
    assert.notEqual(trace.logit[3], trace.logit[0], 'the run moved, so the points differ');
  });

  test('the unbiased estimators average to the true gradient along the run; straight-through does not', () => {
    // ĝ_t − g(φ_t) has conditional mean 0 at every step (the step's uniforms are fresh), so over the
    // run the mean difference is within a few standard errors sd/√n of 0; one bound for all four.
    const bound = zBound(1e-3, 4);
    const { summary } = gradientTraces({ p0: 0.3, estimators: ['reinforce', 'ar', 'arm', 'disarm', 'st'], steps: 600 });
    for (const row of summary.filter((r) => r.unbiased)) {
      assert.ok(row.z !== null && Math.abs(row.z) < bound, `${row.estimator}: z = ${row.z}`);
      assert.ok(Math.abs(row.meanError - (row.meanEstimate - row.meanExact)) < 1e-12);
    }
    const st = summary[4];
    assert.equal(st.unbiased, false);
    // ST's mean is 2(σ − p0), far from σ(1 − σ)(1 − 2p0): the same statistic sees the bias.
    assert.ok(st.z !== null && Math.abs(st.z) > 10 * bound, `st: z = ${st.z}`);
  });

  test('the signs: AR wrong half the time, REINFORCE with probability 1 − σ(φ), ARM and DisARM never', () => {
    // f > 0, so REINFORCE's sign is that of z − σ(φ) and AR's that of 1 − 2u; on one unit ARM and
    // DisARM are zero or have the sign of 1 − 2p0. Per step the wrong-sign indicator has variance
    // at most 1/4, so the fraction over n steps is within z·√(1/(4n)) of its mean.
    const n = 800;
    const tolerance = zBound(1e-3, 2) * Math.sqrt(1 / (4 * n));
    const { traces, summary } = gradientTraces({ p0: 0.49, steps: n, seed: 3 });
    const [reinforce, ar, arm, disarm] = summary;
    const meanOneMinusSigma = traces[0].probability.reduce((s, p) => s + (1 - p), 0) / n;
    assert.ok(Math.abs(reinforce.wrongSign - meanOneMinusSigma) < tolerance, `${reinforce.wrongSign}`);
    assert.ok(Math.abs(ar.wrongSign - 0.5) < tolerance, `${ar.wrongSign}`);
    assert.equal(arm.wrongSign, 0);
    assert.equal(disarm.wrongSign, 0);
    // ARM is zero exactly when the pair agrees; it moves away from φ = 0, so some estimates are zero.
    assert.ok(arm.zero > 0 && disarm.zero > 0);
    assert.equal(reinforce.zero, 0);
    assert.ok(
      traces[2].estimate.every((g) => g >= 0 && g <= 0.01 + 1e-7),
      'ARM within [0, (1 − 2p0)/2]',
    );
    assert.equal(reinforce.recorded, n);
  });

  test('one panel per estimator: dots, the dark true gradient over them, a y range holding both and 0', () => {
    const result = gradientTraces({ p0: 0.49, estimators: ['reinforce', 'arm'], steps: 50, seed: 1 });
    assert.equal(result.figures.length, 2);
    result.figures.forEach((fig, k) => {
      const trace = result.traces[k];
      assert.equal(fig.data.length, 2);
      assert.equal(fig.data[0].mode, 'markers');
      // Plotted to 4 significant digits.
      fig.data[0].y!.forEach((y, t) =>
        assert.ok(Math.abs((y as number) - trace.estimate[t]) <= 5e-4 * Math.abs(trace.estimate[t])),
      );
      fig.data[1].y!.forEach((y, t) =>
        assert.ok(Math.abs((y as number) - trace.exact[t]) <= 5e-4 * Math.abs(trace.exact[t])),
      );
      assert.equal(fig.data[1].line?.color, '#000000');
      const [low, high] = fig.layout.yaxis!.range!;
      for (const v of [0, ...trace.estimate, ...trace.exact]) assert.ok(v > low && v < high);
      assert.match(fig.layout.title!.text, new RegExp(`^${trace.estimator} .*p0 = 0\\.49`));
    });
    // ARM's own scale is far narrower than REINFORCE's, so the true gradient is not flattened.
    const width = (k: number) => result.figures[k].layout.yaxis!.range![1] - result.figures[k].layout.yaxis!.range![0];
    assert.ok(width(1) < width(0) / 5);
  });

  test('leaves no tensors behind', () => {
    gradientTraces({ p0: 0.49, estimators: ['reinforce-ema'], steps: 3 });
    const before = tf.memory().numTensors;
    gradientTraces({ p0: 0.49, steps: 20 });
    assert.equal(tf.memory().numTensors, before);
  });

  test('bad input throws ArgumentError naming the option', () => {
    const bad: [GradientTraceOptions, string][] = [
      [{ p0: Number.NaN }, 'options.p0'],
      [{ estimators: [] }, 'options.estimators'],
      [{ estimators: 'arm' as unknown as string[] }, 'options.estimators'],
      [{ estimators: ['arm', 'nope'] }, 'options.estimators[1]'],
      [{ steps: 0 }, 'options.steps'],
      [{ steps: 2.5 }, 'options.steps'],
      [{ lr: -1 }, 'options.lr'],
      [{ lr: Number.POSITIVE_INFINITY }, 'options.lr'],
      [{ seed: -1 }, 'options.seed'],
      [{ samples: 0 }, 'options.samples'],
      [{ estimators: ['reinforce-loo'], samples: 1 }, 'options.samples'],
      [{ every: 0 }, 'options.every'],
    ];
    for (const [options, argument] of bad) assert.throws(() => gradientTraces(options), isArgumentError(argument));
    assert.throws(() => gradientTraces(null as unknown as GradientTraceOptions), isArgumentError('options'));
  });
});
