/**
 * Sampling in WebAssembly SIMD, for kernels on the wasm heap (`core/wasm-kernel.ts`):
 *
 * - `uniforms(out, vectorEnd, end, state)`: the float32 uniforms of `uniformArray` (mulberry32,
 *   `(k + 0.5) / 2^23` for its top 23 bits) from byte `out` to `out + end`, element k drawn from
 *   the generator's state `state + (k + 1) · 0x6d2b79f5` — the stream `uniformArray(·, seed)`
 *   with `state = seed`. mulberry32's state advances by a constant, so four lanes are drawn at a
 *   time; the integer operations wrap modulo 2^32 exactly as `Math.imul`, `+`, `^` and `>>>` do.
 * - `lessThan(out, values, vectorEnd, end)`: `out[k] = out[k] < values[k] ? 1 : 0` in place.
 *
 * `vectorEnd` is `end` rounded down to a multiple of 16 bytes: four lanes up to there, one after.
 */
import { loop, op, type FunctionSpec } from './wasm-module';

/** mulberry32's increment. */
const STEP = 0x6d2b79f5;
const INVERSE_TWO_POW_23 = 2 ** -23;

// uniforms: parameters out, vectorEnd, end, state; locals i, s4, t4, s, t
const [OUT, VECTOR_END, END, STATE, I, S4, T4, S, T] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/** mulberry32's output `t` from its state `s` (locals), as `(t ^ t >>> 14) >>> 9`, then the uniform. */
function uniformFrom(wide: boolean): number[] {
  const [s, t] = wide ? [S4, T4] : [S, T];
  const [xor, or, shrU, add, mul] = wide
    ? [op.v128Xor, op.v128Or, op.i32x4ShrU, op.i32x4Add, op.i32x4Mul]
    : [op.i32Xor, op.i32Or, op.i32ShrU, op.i32Add, op.i32Mul];
  const constant = (value: number) => (wide ? [...op.i32Const(value), ...op.i32x4Splat] : op.i32Const(value));
  const [toFloat, fAdd, fMul] = wide
    ? [op.f32x4ConvertI32x4S, op.f32x4Add, op.f32x4Mul]
    : [op.f32ConvertI32S, op.f32Add, op.f32Mul];
  const fConstant = (value: number) => (wide ? [...op.f32Const(value), ...op.f32x4Splat] : op.f32Const(value));
  return [
    // t = imul(s ^ (s >>> 15), s | 1)
    ...op.localGet(s),
    ...op.localGet(s),
    ...op.i32Const(15),
    ...shrU,
    ...xor,
    ...op.localGet(s),
    ...constant(1),
    ...or,
    ...mul,
    ...op.localTee(t),
    // t ^= t + imul(t ^ (t >>> 7), t | 61)
    ...op.localGet(t),
    ...op.localGet(t),
    ...op.localGet(t),
    ...op.i32Const(7),
    ...shrU,
    ...xor,
    ...op.localGet(t),
    ...constant(61),
    ...or,
    ...mul,
    ...add,
    ...xor,
    ...op.localTee(t),
    // ((t ^ (t >>> 14)) >>> 9 + 0.5) / 2^23, exact in float32
    ...op.localGet(t),
    ...op.i32Const(14),
    ...shrU,
    ...xor,
    ...op.i32Const(9),
    ...shrU,
    ...toFloat,
    ...fConstant(0.5),
    ...fAdd,
    ...fConstant(INVERSE_TWO_POW_23),
    ...fMul,
  ];
}

export const UNIFORMS_FUNCTION: FunctionSpec = {
  name: 'uniforms',
  params: ['i32', 'i32', 'i32', 'i32'],
  locals: ['i32', 'v128', 'v128', 'i32', 'i32'],
  body: [
    // s4 = state + (1, 2, 3, 4) · STEP
    ...op.localGet(STATE),
    ...op.i32x4Splat,
    ...op.i32x4Const([1, 2, 3, 4].map((k) => Math.imul(k, STEP))),
    ...op.i32x4Add,
    ...op.localSet(S4),
    ...loop(I, VECTOR_END, 16, [
      ...op.localGet(OUT),
      ...op.localGet(I),
      ...op.i32Add,
      ...uniformFrom(true),
      ...op.v128Store,
      ...op.localGet(S4),
      ...op.i32Const(Math.imul(4, STEP)),
      ...op.i32x4Splat,
      ...op.i32x4Add,
      ...op.localSet(S4),
    ]),
    // s = state + (vectorEnd / 4) · STEP: the state before the first one-lane element
    ...op.localGet(STATE),
    ...op.localGet(VECTOR_END),
    ...op.i32Const(2),
    ...op.i32ShrU,
    ...op.i32Const(STEP),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.localSet(S),
    ...loop(I, END, 4, [
      ...op.localGet(S),
      ...op.i32Const(STEP),
      ...op.i32Add,
      ...op.localSet(S),
      ...op.localGet(OUT),
      ...op.localGet(I),
      ...op.i32Add,
      ...uniformFrom(false),
      ...op.f32Store,
    ]),
  ],
};

// lessThan: parameters out, values, vectorEnd, end; locals i, ones
const [LT_OUT, LT_VALUES, LT_VECTOR_END, LT_END, LT_I, LT_ONES] = [0, 1, 2, 3, 4, 5];

function lessThanAt(wide: boolean): number[] {
  const [load, store, lt] = wide ? [op.v128Load, op.v128Store, op.f32x4Lt] : [op.f32Load, op.f32Store, op.f32Lt];
  const at = (pointer: number) => [...op.localGet(pointer), ...op.localGet(LT_I), ...op.i32Add];
  // four lanes: the all-ones mask of a true lane, and 1.0 → 1.0; one lane: 0/1 → 0.0/1.0
  const toOne = wide ? [...op.localGet(LT_ONES), ...op.v128And] : op.f32ConvertI32U;
  return [...at(LT_OUT), ...at(LT_OUT), ...load, ...at(LT_VALUES), ...load, ...lt, ...toOne, ...store];
}

export const LESS_THAN_FUNCTION: FunctionSpec = {
  name: 'lessThan',
  params: ['i32', 'i32', 'i32', 'i32'],
  locals: ['i32', 'v128'],
  body: [
    ...op.f32Const(1),
    ...op.f32x4Splat,
    ...op.localSet(LT_ONES),
    ...loop(LT_I, LT_VECTOR_END, 16, lessThanAt(true)),
    ...loop(LT_I, LT_END, 4, lessThanAt(false)),
  ],
};

/** `[vectorEnd, end]` in bytes for `count` float32 elements. */
export function loopEnds(count: number): [number, number] {
  return [4 * (count - (count % 4)), 4 * count];
}
