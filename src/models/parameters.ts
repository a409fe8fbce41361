/** Named model parameters: seeded initialisation, shape-checked assignment, dense layers. */
import * as tf from '@tensorflow/tfjs';
import { defineOp } from '../core/custom-op';
import { denseProduct, fastPathEnabled, product } from '../core/fast-path';
import { uniformArray } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { ArgumentError, messages } from '../errors';
import type { NestedArray } from './model';

export type Parameters = Record<string, tf.Variable>;

export interface ParameterSpec {
  name: string;
  shape: number[];
  /** `glorot`: uniform in ±sqrt(6 / (fan_in + fan_out)); `zeros`. */
  init: 'glorot' | 'zeros';
}

/** Creates the parameters in order, parameter k drawn from stream k of `seed`. */
export function createParameters(specs: readonly ParameterSpec[], seed: number): Parameters {
  const parameters: Parameters = {};
  specs.forEach((spec, k) => {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    if (spec.init === 'glorot') {
      const [fanIn, fanOut] = spec.shape;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const u = uniformArray(size, deriveSeed(seed, k));
      for (let i = 0; i < size; i++) values[i] = (2 * u[i] - 1) * limit;
    }
    const initial = tf.tensor(values, spec.shape);
    parameters[spec.name] = tf.variable(initial, true); // the variable keeps the data; the initial tensor is ours to free
    initial.dispose();
  });
  return parameters;
}

/** `dense(name)`: a weight `[fanIn, fanOut]` named `name.w` and a bias `[fanOut]` named `name.b`. */
export function denseSpecs(name: string, fanIn: number, fanOut: number): ParameterSpec[] {
  return [
    { name: `${name}.w`, shape: [fanIn, fanOut], init: 'glorot' },
    { name: `${name}.b`, shape: [fanOut], init: 'zeros' },
  ];
}

/**
 * `x · w + b` as one op: backpropagation computes only the gradients it needs (not `∂/∂x` of
 * data), its products with explicit transposes where flagged ones are slow (`product`), and the
 * forward product avoids re-packing fresh weights on wasm (`denseProduct`).
 */
const denseOp = defineOp({
  kernelName: 'StochgradDense',
  inputs: ['x', 'w', 'b'],
  forward: ({ x, w, b }) => denseProduct(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D),
  gradients: {
    x: (dy, { w }) => product(dy, w, false, true),
    w: (dy, { x }) => product(x, dy, true, false),
    b: (dy) => tf.sum(dy, 0),
  },
});

/** `x · name.w + name.b` (tfjs's own ops and autodiff when the fast path is off). */
export function dense(parameters: Parameters, name: string, x: tf.Tensor2D): tf.Tensor2D {
  const w = parameters[`${name}.w`];
  const b = parameters[`${name}.b`];
  if (!fastPathEnabled()) return tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  return denseOp({ x, w, b }) as tf.Tensor2D;
}

function shapeOf(value: NestedArray): number[] {
  return Array.isArray(value) ? [value.length, ...(value.length > 0 ? shapeOf(value[0]) : [])] : [];
}

/** Assigns `values` by name; unknown names, wrong shapes and non-finite values are errors. */
export function assignParameters(
  parameters: Parameters,
  values: Readonly<Record<string, tf.Tensor | NestedArray>>,
): void {
  if (values == null || typeof values !== 'object')
    throw new ArgumentError('values', 'expected an object of parameter name → tensor or nested array');
  const checked: [tf.Variable, tf.Tensor][] = [];
  try {
    for (const [name, value] of Object.entries(values)) {
      const target = parameters[name];
      const argument = `values[${JSON.stringify(name)}]`;
      if (!target) throw new ArgumentError(argument, messages.unknownName('parameter', name, Object.keys(parameters)));
      const tensor =
        value instanceof tf.Tensor
          ? value.clone()
          : tf.tensor(value as number[], shapeOf(value as NestedArray), 'float32');
      checked.push([target, tensor]);
      if (!tf.util.arraysEqual(tensor.shape, target.shape))
        throw new ArgumentError(argument, messages.shape(`[${target.shape.join(', ')}]`, tensor.shape));
      if (tensor.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(tensor.dtype));
      if (!tensor.dataSync().every(Number.isFinite))
        throw new ArgumentError(argument, messages.nonFinite('every entry'));
    }
    for (const [target, tensor] of checked) target.assign(tensor);
  } finally {
    for (const [, tensor] of checked) tensor.dispose();
  }
}

/** Disposes every parameter. */
export function disposeParameters(parameters: Parameters): void {
  for (const variable of Object.values(parameters)) variable.dispose();
}
