/**
 * Seeded uniform noise. Draws come from a small counter-free PRNG (mulberry32), in JavaScript or,
 * for tensors on wasm, in WebAssembly SIMD on the heap (`core/wasm-sampling.ts`): the same
 * numbers either way, so the same seed gives the same numbers on every tfjs backend.
 */
import * as tf from '@tensorflow/tfjs';
import { defineWasmKernel } from './wasm-kernel';
import { loopEnds, UNIFORMS_FUNCTION } from './wasm-sampling';

const TWO_POW_23 = 8388608;
const INVERSE_TWO_POW_23 = 1 / TWO_POW_23; // exact: a power of two

/** A generator of uint32 values from a 32-bit seed (mulberry32). */
export function uint32Stream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * `count` uniforms strictly inside (0, 1): `(k + 0.5) / 2^23` for a random 23-bit `k`, so every
 * value is exact in float32 (24 significant bits) and neither `log u` nor `log(1 − u)` is infinite.
 * (With 24-bit k, values above 1/2 would round, and the largest to exactly 1.)
 */
export function uniformArray(count: number, seed: number): Float32Array {
  return fillUniforms(new Float32Array(count), seed);
}

/** Fills `out` with the uniforms `uniformArray(out.length, seed)` and returns it. */
export function fillUniforms(out: Float32Array, seed: number): Float32Array {
  // uint32Stream's mulberry32, inlined: the same numbers, ~2× faster than a call per draw.
  let state = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 9) + 0.5) * INVERSE_TWO_POW_23;
  }
  return out;
}

/** Draws `uniformArray(rows · cols, seed)` straight into a new tensor on the wasm heap, in SIMD. */
const uniformsKernel = defineWasmKernel<never, { shape: [number, number]; seed: number }>({
  kernelName: 'StochgradUniforms',
  functions: [UNIFORMS_FUNCTION],
  inputs: [],
  outputs: (_, { shape }) => [shape],
  run: ({ exports, outputs: [out], attrs: { shape, seed } }) =>
    exports.uniforms(out, ...loopEnds(shape[0] * shape[1]), seed),
});

/** A `[rows, cols]` tensor of seeded uniforms in (0, 1): `uniformArray(rows · cols, seed)`. */
export function uniformNoise(rows: number, cols: number, seed: number): tf.Tensor2D {
  const drawn = uniformsKernel({}, { shape: [rows, cols], seed: seed >>> 0 });
  return (drawn?.[0] as tf.Tensor2D | undefined) ?? tf.tensor2d(uniformArray(rows * cols, seed), [rows, cols]);
}

/** A fresh seed for callers that did not give one. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}
