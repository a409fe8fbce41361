/**
 * A minimal WebAssembly assembler: enough to write small elementwise kernels (loads, stores,
 * f32 and f32x4 arithmetic, counted loops) as named instructions and instantiate them on an
 * existing `WebAssembly.Memory` — the tfjs wasm backend's heap, so that a kernel reads and writes
 * tensors where they live. Encodings follow the WebAssembly 2.0 binary format (SIMD included).
 *
 * ```ts
 * // twice(address, end): doubles the float32 values from byte address to end
 * const body = loop(0, 1, 4, [...op.localGet(0), ...op.localGet(0), ...op.f32Load, ...op.localGet(0), ...op.f32Load, ...op.f32Add, ...op.f32Store]);
 * const bytes = assemble([{ name: 'twice', params: ['i32', 'i32'], locals: [], body }]);
 * ```
 */

export type ValueType = 'i32' | 'f32' | 'v128';

const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const simd = (code: number) => [0xfd, ...uleb(code)];
/** Memory immediate: log2 alignment hint (4-byte aligned tensors) and offset 0. */
const MEMARG = [2, 0];

/** The little-endian bytes of a float32 constant. */
function f32Bytes(value: number): number[] {
  return Array.from(new Uint8Array(Float32Array.of(value).buffer));
}

/** The little-endian bytes of four int32 lanes. */
function i32x4Bytes(lanes: readonly number[]): number[] {
  return Array.from(new Uint8Array(Int32Array.from(lanes).buffer));
}

/** The instructions the kernels use; each is its bytes. */
export const op = {
  localGet: (index: number) => [0x20, ...uleb(index)],
  localSet: (index: number) => [0x21, ...uleb(index)],
  localTee: (index: number) => [0x22, ...uleb(index)],
  i32Const: (value: number) => [0x41, ...sleb(value | 0)],
  f32Const: (value: number) => [0x43, ...f32Bytes(value)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Or: [0x72],
  i32Xor: [0x73],
  i32ShrU: [0x76],
  i32GeU: [0x4f],
  f32Lt: [0x5d],
  f32Load: [0x2a, ...MEMARG],
  f32Store: [0x38, ...MEMARG],
  f32Sqrt: [0x91],
  f32Add: [0x92],
  f32Mul: [0x94],
  f32Div: [0x95],
  f32ConvertI32S: [0xb2],
  f32ConvertI32U: [0xb3],
  v128Load: [...simd(0x00), ...MEMARG],
  v128Store: [...simd(0x0b), ...MEMARG],
  i32x4Const: (lanes: readonly number[]) => [...simd(0x0c), ...i32x4Bytes(lanes)],
  i32x4Splat: simd(0x11),
  f32x4Splat: simd(0x13),
  f32x4Lt: simd(0x43),
  v128And: simd(0x4e),
  v128Or: simd(0x50),
  v128Xor: simd(0x51),
  i32x4ShrU: simd(0xad),
  i32x4Add: simd(0xae),
  i32x4Mul: simd(0xb5),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4ConvertI32x4S: simd(0xfa),
} as const;

/**
 * `for (i = start; i < end; i += step) body` with `i` and `end` i32 locals (`end` read each turn).
 * `block { loop { if (i >= end) break; body; i += step; continue } }`.
 */
export function loop(i: number, end: number, step: number, body: number[]): number[] {
  const [block, loopStart, empty, close, brIf, br] = [0x02, 0x03, 0x40, 0x0b, 0x0d, 0x0c];
  return [
    block,
    empty,
    loopStart,
    empty,
    ...op.localGet(i),
    ...op.localGet(end),
    ...op.i32GeU,
    brIf,
    1,
    ...body,
    ...op.localGet(i),
    ...op.i32Const(step),
    ...op.i32Add,
    ...op.localSet(i),
    br,
    0,
    close,
    close,
  ];
}

export interface FunctionSpec {
  name: string;
  params: ValueType[];
  /** Locals after the parameters (their indices continue the parameters'). */
  locals: ValueType[];
  body: number[];
}

const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (text: string) => vector([...text].map((c) => [c.charCodeAt(0)]));

/** The module's bytes: `memory` imported as env.memory, each function exported by name (no results). */
export function assemble(functions: readonly FunctionSpec[]): ArrayBuffer {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [TYPE_CODE[t]])), 0]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)];
  const bodies = functions.map((f) => {
    const locals = vector(f.locals.map((t) => [1, TYPE_CODE[t]]));
    const code = [...locals, ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, k) => uleb(k)))),
    ...section(7, vector(functions.map((f, k) => [...name(f.name), 0x00, ...uleb(k)]))),
    ...section(10, vector(bodies)),
  ]).buffer;
}
