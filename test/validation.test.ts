/** Bad input gets a clear error naming the argument. */
import assert from 'node:assert/strict';
import { afterEach, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  ArgumentError,
  blackBox,
  estimate,
  ESTIMATOR_NAMES,
  estimators,
  exactGradient,
  type EstimatorName,
} from '../src';
import { nonlinear, setupBackend, stepFunction } from './support';

before(setupBackend);
let tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T) => (tensors.push(t), t);
afterEach(() => {
  tf.dispose(tensors);
  tensors = [];
});

const f = nonlinear.f;
const logits = () => keep(tf.tensor1d(nonlinear.logits));

function rejects(run: () => unknown, argument: string, pattern: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ArgumentError, `expected ArgumentError, got ${error}`);
    assert.equal(error.argument, argument);
    assert.match(error.message, pattern);
    return true;
  });
}

test('NaN and Infinity logits', () => {
  rejects(() => estimate('arm', f, keep(tf.tensor1d([0.1, NaN])), { samples: 4 }), 'logits', /finite/);
  rejects(() => estimate('arm', f, keep(tf.tensor1d([Infinity])), { samples: 4 }), 'logits', /finite/);
  rejects(() => exactGradient(f, keep(tf.tensor1d([NaN]))), 'logits', /finite/);
});

test('logits of the wrong rank', () => {
  rejects(
    () => estimate('arm', f, keep(tf.tensor2d([[0.1, 0.2]])) as unknown as tf.Tensor1D, { samples: 4 }),
    'logits',
    /shape \[d\]/,
  );
});

test('f returning the wrong shape or dtype', () => {
  const column = (z: tf.Tensor2D) => tf.sum(z, 1, true) as unknown as tf.Tensor1D;
  rejects(() => estimate('reinforce', column, logits(), { samples: 4 }), 'f', /one value per row.*\[4\].*\[4, 1\]/);
  const integers = (z: tf.Tensor2D) => tf.cast(tf.sum(z, 1), 'int32') as tf.Tensor1D;
  rejects(() => estimate('reinforce', integers, logits(), { samples: 4 }), 'f', /float32.*int32/);
  rejects(() => exactGradient(column, logits()), 'f', /one value per row/);
});

test('unknown estimator name lists the valid ones', () => {
  rejects(
    () => estimate('reinforcee' as EstimatorName, f, logits(), { samples: 4 }),
    'name',
    new RegExp(ESTIMATOR_NAMES.join(', ')),
  );
});

test('d > 20 for enumeration', () => {
  rejects(() => exactGradient(f, keep(tf.zeros([21]) as tf.Tensor1D)), 'logits', /d = 21.*d <= 20/);
});

test('samples < 2 for reinforce-loo, samples not a positive integer', () => {
  rejects(() => estimate('reinforce-loo', f, logits(), { samples: 1 }), 'options.samples', /samples >= 2/);
  rejects(() => estimate('arm', f, logits(), { samples: 0 }), 'options.samples', /integer >= 1/);
  rejects(() => estimate('arm', f, logits(), { samples: 2.5 }), 'options.samples', /integer >= 1/);
});

test('non-differentiable f given to an estimator that backpropagates through it', () => {
  const viaComparison = (z: tf.Tensor2D) => tf.cast(tf.greater(tf.sum(z, 1), 1), 'float32') as tf.Tensor1D;
  for (const name of ESTIMATOR_NAMES.filter((n) => estimators[n].needsGradient)) {
    const before = tf.memory().numTensors;
    rejects(
      () => estimate(name, stepFunction.f, keep(tf.tensor1d(stepFunction.logits)), { samples: 4 }),
      'f',
      /not differentiable.*blackBox/,
    );
    rejects(() => estimate(name, viaComparison, logits(), { samples: 4 }), 'f', /not differentiable.*Greater/);
    assert.equal(tf.memory().numTensors, before + 2, `${name}: only the two logits made here remain`);
  }
});

test('noise of the wrong shape or outside (0, 1)', () => {
  rejects(
    () => estimate('arm', f, logits(), { samples: 4, noise: keep(tf.fill([4, 2], 0.5)) as tf.Tensor2D }),
    'options.noise',
    /\[4, 6\]/,
  );
  rejects(
    () => estimate('arm', f, logits(), { samples: 4, noise: keep(tf.fill([4, 6], 1)) as tf.Tensor2D }),
    'options.noise',
    /\(0, 1\)/,
  );
});

test('estimator options out of range', () => {
  rejects(() => estimate('concrete', f, logits(), { samples: 4, temperature: 0 }), 'options.temperature', /positive/);
  rejects(() => estimate('st-annealed', f, logits(), { samples: 4, slope: -1 }), 'options.slope', /positive/);
  rejects(() => estimate('reinforce-ema', f, logits(), { samples: 4, decay: 1 }), 'options.decay', /\(0, 1\)/);
  rejects(() => estimate('relax', f, logits(), { samples: 4 }), 'options.surrogate', /surrogate/);
  const column = (z: tf.Tensor2D) => tf.sum(z, 1, true) as unknown as tf.Tensor1D;
  rejects(
    () => estimate('relax', f, logits(), { samples: 4, surrogate: column }),
    'options.surrogate',
    /one value per row/,
  );
  rejects(
    () => estimate('reinforce-ema', f, logits(), { samples: 4, baseline: { numerator: [1, 2], denominator: [1] } }),
    'options.baseline',
    /length 1/,
  );
});

test('blackBox f still works with the estimators that only evaluate f', () => {
  const result = estimate('disarm', blackBox(f), logits(), { samples: 8, seed: 1 });
  keep(result.perSample);
  keep(result.mean);
  assert.deepEqual(result.perSample.shape, [8, 6]);
});
