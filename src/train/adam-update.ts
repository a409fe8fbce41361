/**
 * One Adam update of one parameter (ascent), in float32 like every tensor:
 *
 *   `m' = β₁ m + (1 − β₁) g`,  `v' = β₂ v + (1 − β₂) g²`,
 *   `θ' = θ + α (m' / c₁) / (√(v' / c₂) + ε)`  with `c₁ = 1 − β₁ᵗ`, `c₂ = 1 − β₂ᵗ`.
 *
 * As tf ops that is 13 kernels and as many passes over the parameter; on wasm they took a third
 * of a training step. There the update is one kernel instead (`adamKernel`): a loop in
 * WebAssembly SIMD over the tensors in the backend's heap that performs the same float32
 * operations in the same order, once per element, and updates the slots m and v in place. IEEE
 * float32 arithmetic is exact per lane, so its results are bit for bit those of the tf ops
 * (tested), and a run's numbers do not depend on which of the two ran.
 */
import * as tf from '@tensorflow/tfjs';
import { defineWasmKernel } from '../core/wasm-kernel';
import { loop, op, type FunctionSpec } from '../core/wasm-module';

/** The update's constants at step t (`c1 = 1 − β₁ᵗ`, `c2 = 1 − β₂ᵗ`), as float64 numbers. */
export interface AdamConstants {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
}

export interface AdamSlots<T> {
  theta: T;
  m: T;
  v: T;
}

type AdamInputs = AdamSlots<tf.Tensor> & { g: tf.Tensor };

/** The update as tf ops (each scalar is the float32 tensor of its number). */
function adamOps({ theta, g, m, v }: AdamInputs, k: AdamConstants): AdamSlots<tf.Tensor> {
  return tf.tidy(() => {
    const mNext = tf.add(tf.mul(k.beta1, m), tf.mul(1 - k.beta1, g));
    const vNext = tf.add(tf.mul(k.beta2, v), tf.mul(1 - k.beta2, tf.square(g)));
    const update = tf.div(tf.div(mNext, k.c1), tf.add(tf.sqrt(tf.div(vNext, k.c2)), k.epsilon));
    return { theta: tf.add(theta, tf.mul(k.lr, update)), m: mNext, v: vNext };
  });
}

// The kernel's parameters: byte addresses, the ends of the 4-lane and 1-lane loops, then the
// float32 constants β₁, 1 − β₁, β₂, 1 − β₂, c₁, c₂, ε, α.
const [THETA, G, M, V, M_OUT, V_OUT, THETA_OUT, VECTOR_END, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const CONSTANTS = 9;
const [B1, A1, B2, A2, C1, C2, EPSILON, LR] = [0, 1, 2, 3, 4, 5, 6, 7];
const CONSTANT_COUNT = 8;
// Locals: the byte offset i, g, m', v' as f32x4 and as f32, and the constants splatted to f32x4.
const I = CONSTANTS + CONSTANT_COUNT;
const [G4, M4, V4, G1, M1, V1] = [I + 1, I + 2, I + 3, I + 4, I + 5, I + 6];
const SPLATS = I + 7;

/** One element (f32) or four (f32x4) at byte offset i: the formula of the module comment. */
function adamElements(lanes: 1 | 4): number[] {
  const wide = lanes === 4;
  const [load, store] = wide ? [op.v128Load, op.v128Store] : [op.f32Load, op.f32Store];
  const [add, mul, div, sqrt] = wide
    ? [op.f32x4Add, op.f32x4Mul, op.f32x4Div, op.f32x4Sqrt]
    : [op.f32Add, op.f32Mul, op.f32Div, op.f32Sqrt];
  const [g, m, v] = wide ? [G4, M4, V4] : [G1, M1, V1];
  const constant = (k: number) => op.localGet((wide ? SPLATS : CONSTANTS) + k);
  const at = (pointer: number) => [...op.localGet(pointer), ...op.localGet(I), ...op.i32Add];
  const read = (pointer: number) => [...at(pointer), ...load];
  return [
    // m' = β₁ m + (1 − β₁) g
    ...at(M_OUT),
    ...constant(B1),
    ...read(M),
    ...mul,
    ...constant(A1),
    ...read(G),
    ...op.localTee(g),
    ...mul,
    ...add,
    ...op.localTee(m),
    ...store,
    // v' = β₂ v + (1 − β₂) g²
    ...at(V_OUT),
    ...constant(B2),
    ...read(V),
    ...mul,
    ...constant(A2),
    ...op.localGet(g),
    ...op.localGet(g),
    ...mul,
    ...mul,
    ...add,
    ...op.localTee(v),
    ...store,
    // θ' = θ + α ((m' / c₁) / (√(v' / c₂) + ε))
    ...at(THETA_OUT),
    ...read(THETA),
    ...constant(LR),
    ...op.localGet(m),
    ...constant(C1),
    ...div,
    ...op.localGet(v),
    ...constant(C2),
    ...div,
    ...sqrt,
    ...constant(EPSILON),
    ...add,
    ...div,
    ...mul,
    ...add,
    ...store,
  ];
}

const ADAM_FUNCTION: FunctionSpec = {
  name: 'adam',
  params: [...Array<'i32'>(END + 1).fill('i32'), ...Array<'f32'>(CONSTANT_COUNT).fill('f32')],
  locals: ['i32', 'v128', 'v128', 'v128', 'f32', 'f32', 'f32', ...Array<'v128'>(CONSTANT_COUNT).fill('v128')],
  body: [
    ...Array.from({ length: CONSTANT_COUNT }, (_, k) => [
      ...op.localGet(CONSTANTS + k),
      ...op.f32x4Splat,
      ...op.localSet(SPLATS + k),
    ]).flat(),
    ...loop(I, VECTOR_END, 16, adamElements(4)),
    ...loop(I, END, 4, adamElements(1)),
  ],
};

/** θ' of the update as its output; m' and v' overwrite m and v in place. One pass over the heap. */
const adamKernel = defineWasmKernel<keyof AdamInputs, AdamConstants>({
  kernelName: 'StochgradAdam',
  functions: [ADAM_FUNCTION],
  inputs: ['theta', 'g', 'm', 'v'],
  inPlace: ['m', 'v'],
  outputs: ({ theta }) => [theta],
  run: ({ exports, inputs: { theta, g, m, v }, outputs: [thetaOut], shapes, attrs: k }) => {
    const size = tf.util.sizeFromShape(shapes.theta);
    const constants = [k.beta1, 1 - k.beta1, k.beta2, 1 - k.beta2, k.c1, k.c2, k.epsilon, k.lr].map(Math.fround);
    exports.adam(theta, g, m, v, m, v, thetaOut, 4 * (size - (size % 4)), 4 * size, ...constants);
  },
});

/**
 * One Adam step of one parameter: `theta`, `m` and `v` take their new values (see the module
 * comment); `g` stays the caller's. `m` and `v` must be the optimiser's own variables, sharing
 * their data with no other tensor: the kernel overwrites them in place (θ gets new data, as wasm
 * keeps the packing of a weight while its data lives).
 */
export function adamStep(
  { theta, g, m, v }: AdamSlots<tf.Variable> & { g: tf.Tensor },
  constants: AdamConstants,
): void {
  const fused = adamKernel({ theta, g, m, v }, constants);
  if (fused !== undefined) {
    theta.assign(fused[0]);
    fused[0].dispose();
    return;
  }
  const next = adamOps({ theta, g, m, v }, constants);
  m.assign(next.m);
  v.assign(next.v);
  theta.assign(next.theta);
  tf.dispose([next.m, next.v, next.theta]);
}
