/**
 * Faster gradients for tfjs kernels, registered by kernel name (tfjs's own mechanism).
 *
 * BatchMatMul: for `C = op(A) · op(B)` tfjs's gradient is `∂A = dy · op(B)ᵀ`, `∂B = op(A)ᵀ · dy`
 * written as `matMul` calls with transpose flags. The WebAssembly backend runs a flagged
 * `matMul` through a slow scalar loop (about 10× slower than its XNNPACK path), so on wasm the
 * registered gradient transposes explicitly and multiplies without flags. The products are the
 * same (up to float rounding in the summation order); other backends keep tfjs's formulas.
 * With batch dimensions that broadcast, the flipped form (see `product`) is exact too:
 * `(XY)ᵀ = YᵀXᵀ` holds batch by batch.
 */
import * as tf from '@tensorflow/tfjs';

type GradConfig = tf.GradConfig;

/** The backends on which a transpose-flagged `matMul` is slower than transpose-then-`matMul`. */
const EXPLICIT_TRANSPOSE_BACKENDS: readonly string[] = ['wasm'];

/** `x` with its last two axes swapped. */
function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  const rank = x.rank;
  const perm = Array.from({ length: rank }, (_, axis) => axis);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return tf.transpose(x, perm);
}

/**
 * `op(a) · op(b)` with `op` the transpose when its flag is set; on the slow backends with
 * explicit transposes, either directly or as `(op(b)ᵀ · op(a)ᵀ)ᵀ`, whichever moves fewer
 * elements (for `dy · Wᵀ` with a wide weight W, transposing dy and the result is cheaper).
 */
function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (!EXPLICIT_TRANSPOSE_BACKENDS.includes(tf.getBackend())) return tf.matMul(a, b, transposeA, transposeB);
  const direct = (transposeA ? a.size : 0) + (transposeB ? b.size : 0);
  const rows = a.shape[a.rank - (transposeA ? 1 : 2)];
  const cols = b.shape[b.rank - (transposeB ? 2 : 1)];
  const batch = Math.max(a.size / (a.shape[a.rank - 1] * a.shape[a.rank - 2]), b.size / (b.shape[b.rank - 1] * b.shape[b.rank - 2]));
  const flipped = (transposeA ? 0 : a.size) + (transposeB ? 0 : b.size) + batch * rows * cols;
  if (direct <= flipped) return tf.matMul(transposeA ? transposeLastTwo(a) : a, transposeB ? transposeLastTwo(b) : b);
  return transposeLastTwo(tf.matMul(transposeB ? b : transposeLastTwo(b), transposeA ? a : transposeLastTwo(a)));
}

/** tfjs's BatchMatMul gradient (the same four cases), its products through `product`. */
const batchMatMulGradient: GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const grad = dy as tf.Tensor;
    if (!transposeA && !transposeB) return { a: () => product(grad, b, false, true), b: () => product(a, grad, true, false) };
    if (!transposeA && transposeB) return { a: () => product(grad, b, false, false), b: () => product(grad, a, true, false) };
    if (transposeA && !transposeB) return { a: () => product(b, grad, false, true), b: () => product(a, grad, false, false) };
    return { a: () => product(b, grad, true, true), b: () => product(grad, a, true, true) };
  },
};

const FAST_GRADIENTS: readonly GradConfig[] = [batchMatMulGradient];
let originals: Map<string, GradConfig> | undefined;

/**
 * Switches stochgrad's faster gradients on (the default after `initBackend`) or back to tfjs's
 * own. The gradient registry is global: this affects every later `tf.grad` in the process.
 */
export function useFastGradients(enabled: boolean): void {
  if (enabled && originals === undefined) {
    originals = new Map(FAST_GRADIENTS.map((config) => [config.kernelName, tf.getGradient(config.kernelName)!]));
    FAST_GRADIENTS.forEach((config) => tf.registerGradient(config));
  } else if (!enabled && originals !== undefined) {
    originals.forEach((config) => tf.registerGradient(config));
    originals = undefined;
  }
}

/** Whether the faster gradients are registered. */
export function fastGradientsEnabled(): boolean {
  return originals !== undefined;
}
