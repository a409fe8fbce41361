/**
 * The black-box objective every estimator differentiates in expectation:
 * `f` maps a batch of configurations `z` of shape `[n, d]` (binary, or relaxed in [0, 1]) to
 * `n` values, one per row. Rows must not interact: row k of the output depends on row k only.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';

export type Objective = ((z: tf.Tensor2D) => tf.Tensor1D) & {
  /** `false` declares that `f` may only be evaluated, never backpropagated through. */
  readonly differentiable?: boolean;
};

/** Marks `f` as a black box: estimators that need `∂f/∂z` refuse it with a clear error. */
export function blackBox(f: (z: tf.Tensor2D) => tf.Tensor1D): Objective {
  const wrapped = (z: tf.Tensor2D) => f(z);
  return Object.assign(wrapped, { differentiable: false as const });
}

/** `f` wrapped to check its output and count the rows it evaluated. */
export interface CheckedObjective {
  (z: tf.Tensor2D): tf.Tensor1D;
  readonly evaluations: number;
}

function checkOutput(argument: string, value: unknown, rows: number): tf.Tensor1D {
  if (!(value instanceof tf.Tensor)) {
    throw new ArgumentError(argument, `must return a tf.Tensor1D of shape [${rows}], got ${typeof value}`);
  }
  if (value.rank !== 1 || value.shape[0] !== rows) {
    throw new ArgumentError(
      argument,
      `must return one value per row of z: ${messages.shape(`[${rows}]`, value.shape)}`,
    );
  }
  if (value.dtype !== 'float32')
    throw new ArgumentError(argument, `must return float values: ${messages.dtype(value.dtype)}`);
  return value as tf.Tensor1D;
}

/**
 * Wraps `f` so that a wrong shape or dtype fails loudly and evaluations are counted;
 * `argument` names it in errors (f, or RELAX's options.surrogate).
 */
export function checkedObjective(f: Objective, argument = 'f'): CheckedObjective {
  if (typeof f !== 'function') throw new ArgumentError(argument, `must be a function of z, got ${typeof f}`);
  let evaluations = 0;
  const checked = (z: tf.Tensor2D) => {
    evaluations += z.shape[0];
    return checkOutput(argument, f(z), z.shape[0]);
  };
  return Object.defineProperty(checked, 'evaluations', { get: () => evaluations }) as CheckedObjective;
}
