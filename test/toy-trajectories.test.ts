/**
 * SGD trajectories on ARM's toy: they replay `toySaturation`'s runs step for step, the
 * deterministic path follows the exact gradient, ARM stays close to it, and nothing leaks.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../src';
import {
  closedFormGradient,
  deterministicStepsTo,
  deterministicToyPath,
  startToyRun,
  summarizeTrajectories,
  toySaturation,
  toyTrajectories,
  trajectoryFigure,
  type ToyTrajectory,
} from '../src/lab/index';
import { setupBackend } from './support';

before(setupBackend);

describe('toy trajectories', () => {
  test('toyTrajectories replays toySaturation: same first step over 0.9, same final σ(φ)', () => {
    const options = { p0: 0.3, estimators: ['arm', 'reinforce'], seeds: 2, steps: 120 };
    const saturation = toySaturation(options);
    const trajectories = toyTrajectories({ ...options, every: 1 });
    assert.equal(trajectories.length, 4);
    saturation.forEach((row, e) => {
      row.firstStep.forEach((first, s) => {
        const run = trajectories[e * 2 + s];
        assert.equal(run.estimator, row.estimator);
        assert.equal(run.seed, s);
        assert.deepEqual(
          run.step,
          Array.from({ length: 121 }, (_, t) => t),
        );
        const crossing = run.probability.findIndex((p) => p > 0.9);
        assert.equal(crossing === -1 ? null : crossing, first, `${row.estimator} seed ${s}`);
        if (first === null) assert.ok(Math.abs(run.probability[120] - row.finalProbability[s]!) < 1e-6);
      });
    });
  });

  test('records σ(φ) at 0, every `every` steps and at the end', () => {
    const [run] = toyTrajectories({ p0: 0.49, estimators: ['disarm'], seeds: 1, steps: 25, every: 10 });
    assert.deepEqual(run.step, [0, 10, 20, 25]);
    assert.equal(run.probability[0], 0.5);
  });

  test('the deterministic path is SGD with the closed-form gradient', () => {
    const path = deterministicToyPath(0.49, { steps: 3, every: 1 });
    let phi = 0;
    const expected = [0.5];
    for (let t = 0; t < 3; t++) {
      phi += closedFormGradient(phi, 0.49);
      expected.push(1 / (1 + Math.exp(-phi)));
    }
    assert.deepEqual(path.step, [0, 1, 2, 3]);
    path.probability.forEach((p, t) => assert.ok(Math.abs(p - expected[t]) < 1e-15));
    const down = deterministicToyPath(0.6, { steps: 50, every: 1 }).probability;
    assert.ok(
      down.every((p, t) => t === 0 || p < down[t - 1]),
      'for p0 > 0.5 σ(φ) decreases',
    );
  });

  test('deterministicStepsTo: the first crossing of the path, ~10x longer per factor 10 closer to 1/2', () => {
    const steps = deterministicStepsTo(0.49, 0.9)!;
    const path = deterministicToyPath(0.49, { steps: steps + 1, every: 1 }).probability;
    assert.equal(
      path.findIndex((p) => p > 0.9),
      steps,
    );
    // The gradient scales with (1 − 2 p0); with small steps, time scales with 1/(1 − 2 p0).
    const slower = deterministicStepsTo(0.499, 0.9)!;
    assert.ok(Math.abs(slower / steps - 10) < 0.1, `ratio ${slower / steps}`);
    assert.equal(deterministicStepsTo(0.499, 0.9, 1, 100), null);
  });

  test('ARM follows the deterministic path at p0 = 0.49', () => {
    // ARM's estimate at φ ≈ 0 has sd = g/√3 (g the true gradient), so after T steps φ has
    // sd ≈ g√(T/3) ≈ 0.005·10 = 0.05 for T = 300, i.e. σ(φ) sd ≈ 0.012; allow 5 sd.
    const runs = toyTrajectories({ p0: 0.49, estimators: ['arm'], seeds: 2, steps: 300, every: 300 });
    const target = deterministicToyPath(0.49, { steps: 300, every: 300 }).probability[1];
    for (const run of runs)
      assert.ok(Math.abs(run.probability[1] - target) < 0.06, `${run.probability[1]} vs ${target}`);
  });

  test('summarizeTrajectories: fractions, median first step and final range per estimator', () => {
    const run = (estimator: string, probability: number[]): ToyTrajectory => ({
      estimator,
      seed: 0,
      samples: 1,
      step: [0, 10, 20],
      probability,
      logit: probability.map((p) => Math.log(p / (1 - p))),
    });
    const [a, b] = summarizeTrajectories([
      run('a', [0.5, 0.95, 0.99]),
      run('b', [0.5, 0.4, 0.1]),
      run('a', [0.5, 0.6, 0.91]),
      run('a', [0.5, 0.45, 0.3]),
    ]);
    assert.deepEqual(
      { ...a },
      {
        estimator: 'a',
        runs: 3,
        reached: 2 / 3,
        medianFirstStep: 15,
        endBelowHalf: 1 / 3,
        finalMin: 0.3,
        finalMean: (0.99 + 0.91 + 0.3) / 3,
        finalMax: 0.99,
      },
    );
    assert.equal(b.reached, 0);
    assert.equal(b.medianFirstStep, null);
    assert.equal(b.endBelowHalf, 1);
    assert.throws(
      () => summarizeTrajectories([]),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'runs',
    );
  });

  test('leaves no tensors behind', () => {
    toyTrajectories({ p0: 0.49, estimators: ['reinforce-ema'], seeds: 1, steps: 5 });
    const before = tf.memory().numTensors;
    toyTrajectories({ p0: 0.49, estimators: ['arm', 'st'], seeds: 2, steps: 20 });
    assert.equal(tf.memory().numTensors, before);
  });

  test('bad input throws ArgumentError naming the option', () => {
    assert.throws(
      () => toyTrajectories({ p0: NaN, estimators: ['arm'] }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.p0',
    );
    assert.throws(
      () => toyTrajectories({ p0: 0.49, estimators: [] }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.estimators',
    );
    assert.throws(
      () => toyTrajectories({ p0: 0.49, estimators: ['arm'], every: 0 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'options.every',
    );
    assert.throws(
      () => toyTrajectories({ p0: 0.49, estimators: ['nope'], steps: 1 }),
      (e: unknown) => e instanceof ArgumentError,
    );
    assert.throws(
      () => deterministicStepsTo(0.49, 1),
      (e: unknown) => e instanceof ArgumentError && e.argument === 'threshold',
    );
  });
});

describe('toy runs in chunks and their figure', () => {
  test('startToyRun advanced in chunks is toyTrajectories step for step, and frees its tensors', () => {
    const [whole] = toyTrajectories({ p0: 0.45, estimators: ['disarm'], seeds: 1, seed: 3, steps: 57, every: 5 });
    const before = tf.memory().numTensors;
    const run = startToyRun({ p0: 0.45, estimator: 'disarm', seed: 3, steps: 57, every: 5 });
    const taken: number[] = [];
    while (!run.done) taken.push(run.advance(10));
    assert.deepEqual(taken, [10, 10, 10, 10, 10, 7]);
    assert.deepEqual(run.trajectory, whole);
    assert.deepEqual(
      whole.logit.map((phi) => 1 / (1 + Math.exp(-phi))),
      whole.probability,
    );
    assert.equal(run.advance(10), 0, 'a finished run takes no more steps');
    assert.equal(tf.memory().numTensors, before, 'a finished run disposed itself');
    const stopped = startToyRun({ p0: 0.45, estimator: 'arm', steps: 100 });
    stopped.advance(3);
    stopped.dispose();
    assert.equal(tf.memory().numTensors, before, 'dispose frees an unfinished run');
    assert.throws(() => startToyRun({ p0: Number.NaN, estimator: 'arm' }), ArgumentError);
    assert.throws(() => run.advance(0), /maxSteps/);
  });

  test('trajectoryFigure: the dashed exact path, one colour and one legend entry per estimator, x up to the budget', () => {
    const runs = toyTrajectories({ p0: 0.49, estimators: ['arm', 'st'], seeds: 2, steps: 20, every: 10 });
    const path = deterministicToyPath(0.49, { steps: 20, every: 10 });
    const fig = trajectoryFigure(runs, path, { p0: 0.49, steps: 20 });
    assert.equal(fig.data.length, 5);
    assert.equal(fig.data[0].line?.dash, 'dash');
    assert.deepEqual(fig.data[0].y, path.probability);
    assert.deepEqual(
      fig.data.slice(1).map((t) => t.name),
      ['arm', 'arm', 'st', 'st'],
    );
    assert.deepEqual(
      fig.data.slice(1).map((t) => t.showlegend),
      [undefined, false, undefined, false],
    );
    assert.equal(fig.data[1].line?.color, fig.data[2].line?.color);
    assert.notEqual(fig.data[1].line?.color, fig.data[3].line?.color);
    assert.deepEqual(fig.layout.xaxis?.range, [0, 20]);
    assert.match(fig.layout.title?.text ?? '', /p0 = 0\.49.*2 seeds each/);
  });
});
