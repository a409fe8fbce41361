/**
 * stochgrad's fast path: faster tfjs gradients and kernels, registered by name (tfjs's own
 * mechanism) so that every op and every gradient computation benefits. Each replacement
 * computes the same values as the original (up to float rounding in summation order).
 *
 * - BatchMatMul gradient: for `C = op(A) · op(B)` tfjs's gradient is `∂A = dy · op(B)ᵀ`,
 *   `∂B = op(A)ᵀ · dy` written as `matMul` calls with transpose flags. The WebAssembly backend
 *   runs a flagged `matMul` through a slow scalar loop (about 10× slower than its XNNPACK path),
 *   so on wasm the products transpose explicitly and multiply without flags; other backends keep
 *   tfjs's formulas. With batch dimensions that broadcast, the flipped form (see `product`) is
 *   exact too: `(XY)ᵀ = YᵀXᵀ` holds batch by batch.
 * - LeakyRelu gradient: with Step, Mul and Add instead of Greater and Select (see below).
 * - Identity kernel on wasm: tfjs clones every tensor the gradient tape saves through Identity,
 *   which wasm implements as a copy. Tensors are immutable (a Variable's assign swaps its data),
 *   so the zero-copy identity of the cpu backend — a new reference to the same data, as wasm's
 *   own Reshape does — is equivalent.
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
 * Relative cost per element of preparing a fresh right-hand operand: wasm's matMul (XNNPACK's
 * fully-connected operator) packs its right operand into an operator before multiplying, and
 * keeps the operator until that tensor is disposed; packing measured 4–12 ns an element against
 * 1–2 for a transpose.
 */
const PACK_COST = 6;

/**
 * `op(a) · op(b)` with `op` the transpose when its flag is set; on the slow backends with
 * explicit transposes, either directly or as `(op(b)ᵀ · op(a)ᵀ)ᵀ`, whichever moves and packs
 * fewer elements (for `dy · Wᵀ` with a wide weight W, transposing dy and the result is cheaper).
 */
export function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (!EXPLICIT_TRANSPOSE_BACKENDS.includes(tf.getBackend())) return tf.matMul(a, b, transposeA, transposeB);
  const rows = a.shape[a.rank - (transposeA ? 1 : 2)];
  const cols = b.shape[b.rank - (transposeB ? 2 : 1)];
  const batch = Math.max(
    a.size / (a.shape[a.rank - 1] * a.shape[a.rank - 2]),
    b.size / (b.shape[b.rank - 1] * b.shape[b.rank - 2]),
  );
  const direct = (transposeA ? a.size : 0) + (transposeB ? b.size : 0) + PACK_COST * b.size;
  const flipped = (transposeA ? 0 : a.size) + (transposeB ? 0 : b.size) + batch * rows * cols + PACK_COST * a.size;
  if (direct <= flipped) return tf.matMul(transposeA ? transposeLastTwo(a) : a, transposeB ? transposeLastTwo(b) : b);
  return transposeLastTwo(tf.matMul(transposeB ? b : transposeLastTwo(b), transposeA ? a : transposeLastTwo(a)));
}

/** How many times each weight's data has been the right operand of `denseProduct`. */
const weightUses = new WeakMap<object, number>();

/** Uses of the same weight data after which `denseProduct` lets wasm pack and keep it. */
const REUSES_TO_PACK = 2;

/**
 * Whether `(wᵀ · xᵀ)ᵀ`, which transposes both operands and the result and packs `xᵀ`, costs less
 * than packing a fresh `w`: true for a batch of inputs against a wide weight, false for many
 * rows against a small weight (RODEO's learned function runs 20,100 points through 2 → 100 → 2).
 */
function cheaperFlipped(x: tf.Tensor2D, w: tf.Tensor2D): boolean {
  const out = x.shape[0] * w.shape[1];
  return w.size + (1 + PACK_COST) * x.size + out < PACK_COST * w.size;
}

/**
 * `x · w + bias` for a layer's weight `w` (`[in, out]`). wasm packs `w` the first time it is the
 * right operand (about as long as the product itself) and reuses the packing while `w`'s data
 * lives; a training step replaces every weight, so each would be packed again for one or two
 * products. The first `REUSES_TO_PACK` products with the same data therefore run as
 * `(wᵀ · xᵀ)ᵀ`, which packs the small `xᵀ` instead, where that is cheaper (`cheaperFlipped`);
 * later ones (fixed parameters: evaluation, repeated estimates) use `w` directly. Both sum the same products in the same order, so they
 * agree bit for bit (checked in the tests); the bias is added after the product in both (wasm's
 * fused bias would round differently), so results never depend on a weight's history.
 */
export function denseProduct(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  if (!EXPLICIT_TRANSPOSE_BACKENDS.includes(tf.getBackend())) return tf.add(tf.matMul(x, w), bias) as tf.Tensor2D;
  const uses = (weightUses.get(w.dataId) ?? 0) + 1;
  weightUses.set(w.dataId, uses);
  const product =
    uses > REUSES_TO_PACK || !cheaperFlipped(x, w)
      ? tf.matMul(x, w)
      : transposeLastTwo(tf.matMul(transposeLastTwo(w), transposeLastTwo(x)));
  return tf.add(product, bias) as tf.Tensor2D;
}

/** tfjs's BatchMatMul gradient (the same four cases), its products through `product`. */
const batchMatMulGradient: GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const grad = dy as tf.Tensor;
    if (!transposeA && !transposeB)
      return { a: () => product(grad, b, false, true), b: () => product(a, grad, true, false) };
    if (!transposeA && transposeB)
      return { a: () => product(grad, b, false, false), b: () => product(grad, a, true, false) };
    if (transposeA && !transposeB)
      return { a: () => product(b, grad, false, true), b: () => product(a, grad, false, false) };
    return { a: () => product(b, grad, true, true), b: () => product(grad, a, true, true) };
  },
};

/**
 * LeakyRelu's gradient `dy · (x > 0 ? 1 : α)` as `dy · (α + (1 − α) step(x))`: tfjs writes it with
 * Greater and Select, which wasm runs in a generic loop (~10× slower than Step, Mul and Add).
 */
const leakyReluGradient: GradConfig = {
  kernelName: 'LeakyRelu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    const { alpha } = attrs as unknown as { alpha: number };
    return { x: () => tf.mul(dy as tf.Tensor, tf.add(alpha, tf.mul(1 - alpha, tf.step(x)))) };
  },
};

/** Identity as a new reference to the same data (what wasm's Reshape and cpu's Identity do). */
const wasmIdentity: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend }) => {
    const x = inputs.x as tf.TensorInfo;
    (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
};

const FAST_GRADIENTS: readonly GradConfig[] = [batchMatMulGradient, leakyReluGradient];
const FAST_KERNELS: readonly tf.KernelConfig[] = [wasmIdentity];

interface Originals {
  gradients: GradConfig[];
  /** The kernels replaced, or undefined where none was registered (that backend not loaded). */
  kernels: (tf.KernelConfig | undefined)[];
}
let originals: Originals | undefined;

function setKernel(replacing: tf.KernelConfig, config: tf.KernelConfig | undefined): void {
  if (tf.getKernel(replacing.kernelName, replacing.backendName))
    tf.unregisterKernel(replacing.kernelName, replacing.backendName);
  if (config) tf.registerKernel(config);
}

/**
 * Switches stochgrad's fast path on (the default after `initBackend`) or back to tfjs's own
 * gradients and kernels. The registries are global: this affects every later op in the process.
 */
export function useFastPath(enabled: boolean): void {
  if (enabled && originals === undefined) {
    originals = {
      gradients: FAST_GRADIENTS.map((config) => tf.getGradient(config.kernelName)!),
      kernels: FAST_KERNELS.map((config) => tf.getKernel(config.kernelName, config.backendName)),
    };
    FAST_GRADIENTS.forEach((config) => tf.registerGradient(config));
    FAST_KERNELS.forEach((config) => setKernel(config, config));
  } else if (!enabled && originals !== undefined) {
    originals.gradients.forEach((config) => tf.registerGradient(config));
    originals.kernels.forEach((config, k) => setKernel(FAST_KERNELS[k], config));
    originals = undefined;
  }
}

/** Whether the fast path is registered. */
export function fastPathEnabled(): boolean {
  return originals !== undefined;
}
