/**
 * `defineWasmKernel`: a tfjs kernel for the wasm backend written against the backend's own heap:
 * its inputs are read and its outputs written where the tensors live, by small WebAssembly
 * functions (`core/wasm-module.ts`) instantiated on the backend's `WebAssembly.Memory`, or by
 * JavaScript over views of it. No copy, no read-back; the outputs are ordinary tensors.
 *
 * One such kernel replaces a sequence of elementwise kernels, each ~10 µs of dispatch and a pass
 * over memory. The caller keeps the same computation as tf ops for the other backends, for a
 * wasm build whose memory is not reachable (shared, or no SIMD), and for the fast path switched
 * off (`useFastPath(false)`), and the tests check that both agree.
 */
import * as tf from '@tensorflow/tfjs';
import { fastPathEnabled } from './fast-path';
import { assemble, type FunctionSpec } from './wasm-module';

type Exports = Record<string, (...args: number[]) => void>;

/** What a kernel's `run` is given: its functions, the heap, and byte addresses of every tensor. */
export interface WasmKernelContext<Name extends string, Attrs> {
  exports: Exports;
  memory: WebAssembly.Memory;
  /** Byte address of each input's data. */
  inputs: Record<Name, number>;
  /** Byte address of each output's data, in the order of `outputs`. */
  outputs: number[];
  shapes: Record<Name, number[]>;
  attrs: Attrs;
}

export interface WasmKernelDefinition<Name extends string, Attrs> {
  /** The kernel name; unique in the process. */
  kernelName: string;
  /** WebAssembly functions the kernel calls (none for a kernel in JavaScript). */
  functions: readonly FunctionSpec[];
  /** Names of the float32 input tensors. */
  inputs: readonly Name[];
  /**
   * Inputs the kernel overwrites in place (the caller's own state, e.g. an optimiser's slots):
   * the kernel runs only when no other tensor shares their data, else the caller's tf ops do.
   */
  inPlace?: readonly Name[];
  /** The shapes of the float32 outputs, from the input shapes and attributes. */
  outputs: (shapes: Record<Name, number[]>, attrs: Attrs) => number[][];
  /** Writes every element of every output; must not run tf ops or allocate on the heap. */
  run: (context: WasmKernelContext<Name, Attrs>) => void;
}

interface WasmBackend {
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown };
  refCount(dataId: tf.DataId): number;
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  getMemoryOffset(dataId: tf.DataId): number;
}

/** The backend's heap, when it is an ordinary (unshared) WebAssembly.Memory. */
function heapOf(backend: WasmBackend): WebAssembly.Memory | undefined {
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return undefined;
  return memory.buffer instanceof ArrayBuffer ? memory : undefined;
}

/**
 * A function that runs the kernel and returns its outputs, or `undefined` when the active backend
 * is not wasm, its heap or WebAssembly SIMD is not available, or the fast path is off (the caller
 * then computes the same with tf ops).
 */
export function defineWasmKernel<Name extends string, Attrs extends object>(
  definition: WasmKernelDefinition<Name, Attrs>,
): (inputs: Record<Name, tf.Tensor>, attrs: Attrs) => tf.Tensor[] | undefined {
  const { kernelName, functions, inputs: names, outputs, run, inPlace = [] } = definition;
  const bytes = assemble(functions);
  const supported = WebAssembly.validate(bytes);
  const instances = new WeakMap<WebAssembly.Memory, Exports>();
  const exportsFor = (memory: WebAssembly.Memory): Exports => {
    let exports = instances.get(memory);
    if (!exports) {
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Exports;
      instances.set(memory, exports);
    }
    return exports;
  };

  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as WasmBackend;
    const memory = heapOf(wasm)!;
    const given = inputs as unknown as Record<Name, tf.TensorInfo>;
    for (const name of names)
      if (given[name].dtype !== 'float32')
        throw new Error(`${kernelName}: input ${name} must be float32, got ${given[name].dtype}`);
    const shapes = Object.fromEntries(names.map((name) => [name, given[name].shape])) as Record<Name, number[]>;
    const settings = attrs as unknown as Attrs;
    const results = outputs(shapes, settings).map((shape) => wasm.makeOutput(shape, 'float32'));
    run({
      exports: exportsFor(memory),
      memory,
      inputs: Object.fromEntries(names.map((name) => [name, wasm.getMemoryOffset(given[name].dataId)])) as Record<
        Name,
        number
      >,
      outputs: results.map((info) => wasm.getMemoryOffset(info.dataId)),
      shapes,
      attrs: settings,
    });
    return results;
  };

  return (inputs, attrs) => {
    if (!supported || tf.getBackend() !== 'wasm' || !fastPathEnabled()) return undefined;
    const backend = tf.backend() as unknown as WasmBackend;
    if (heapOf(backend) === undefined) return undefined;
    if (inPlace.some((name) => backend.refCount(inputs[name].dataId) !== 1)) return undefined;
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    return tf
      .engine()
      .runKernel(
        kernelName,
        inputs as unknown as tf.NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as unknown as tf.Tensor[];
  };
}
