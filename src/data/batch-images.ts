/**
 * The images of a batch: rows `indices` of a split's images, binarised as `binarize` does —
 * `dynamic`: `x = 1[u < pixel]` with the uniforms `uniformArray(n · d, seed)` in row-major order;
 * `threshold`: `x = 1[pixel > 0.5]`; `none`: the pixels themselves.
 *
 * On wasm this is one kernel over the backend's heap (`core/wasm-kernel.ts`): the uniforms are
 * drawn straight into the output and compared with each row's pixels in place, in WebAssembly
 * SIMD (`core/wasm-sampling.ts`). As tf ops (the other backends) it is a gather (a scalar loop of
 * ~1 ms a batch on wasm), the upload of the uniforms, a comparison and a cast. Both give the same
 * tensor (tested).
 */
import * as tf from '@tensorflow/tfjs';
import { defineWasmKernel } from '../core/wasm-kernel';
import { LESS_THAN_FUNCTION, loopEnds, UNIFORMS_FUNCTION } from '../core/wasm-sampling';
import { binarize } from './binarize';

/** How the rows are binarised (`seed`: that of the dynamic mode's uniforms). */
export type RowsBinarize = { mode: 'dynamic'; seed: number } | { mode: 'threshold' } | { mode: 'none' };

interface RowsAttrs {
  indices: Int32Array;
  binarize: RowsBinarize;
}

const rowsKernel = defineWasmKernel<'images', RowsAttrs>({
  kernelName: 'StochgradBatchImages',
  functions: [UNIFORMS_FUNCTION, LESS_THAN_FUNCTION],
  inputs: ['images'],
  outputs: ({ images }, { indices }) => [[indices.length, images[1]]],
  run: ({ exports, memory, inputs, outputs: [out], shapes, attrs: { indices, binarize: how } }) => {
    const d = shapes.images[1];
    const count = indices.length * d;
    if (how.mode === 'dynamic') exports.uniforms(out, ...loopEnds(count), how.seed);
    // x = 1[0.5 < pixel]
    else if (how.mode === 'threshold') new Float32Array(memory.buffer, out, count).fill(0.5);
    const [vectorEnd, end] = loopEnds(d);
    for (let i = 0; i < indices.length; i++) {
      const [row, pixels] = [out + 4 * d * i, inputs.images + 4 * d * indices[i]];
      if (how.mode === 'none') new Uint8Array(memory.buffer).copyWithin(row, pixels, pixels + end);
      else exports.lessThan(row, pixels, vectorEnd, end);
    }
  },
});

/** `[indices.length, d]` float32; see the module comment. Indices must be valid rows. */
export function batchImages(images: tf.Tensor2D, indices: Int32Array, how: RowsBinarize): tf.Tensor2D {
  const fused = rowsKernel({ images }, { indices, binarize: how });
  if (fused !== undefined) return fused[0] as tf.Tensor2D;
  return tf.tidy(() => {
    const rows = tf.gather(images, tf.tensor1d(indices, 'int32')) as tf.Tensor2D;
    return how.mode === 'none' ? rows : binarize(rows, how);
  });
}
