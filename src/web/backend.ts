/**
 * Backend selection in browsers: WebGPU, then WebGL on a hardware GPU, then WebAssembly, then
 * plain JavaScript. Software WebGL (SwiftShader, llvmpipe) is skipped unless asked for by name:
 * it runs slower than wasm. The wasm binaries are loaded from next to the bundle (or from
 * `wasmPaths`); with cross-origin isolation (COOP/COEP headers) tfjs loads its threaded wasm
 * binary, whose XNNPACK pool has half the logical cores, at most 4 (tfjs 4.22 fixes the count:
 * its setThreadsCount has no effect, tfjs issue 8513). `describeBackend()` says what runs, for
 * the page to show.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { parseName, selectBackend } from '../backend-select';
import { libraryFolder } from './location';

/** The backends stochgrad knows in browsers, in order of preference. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface InitBackendOptions {
  /** Force a backend; otherwise the first that loads. */
  backend?: string;
  /** Print the chosen backend to the console (default true). */
  log?: boolean;
  /** Folder (URL ending in `/`) of the tfjs wasm binaries. Default: the bundle's folder. */
  wasmPaths?: string;
}

/** Parses a backend name, throwing an error that lists the valid ones. */
export function parseBackendName(name: string, source = 'backend'): BackendName {
  return parseName(BACKENDS, name, source);
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

/** The WebGL renderer's name, or undefined without WebGL. */
function webglRenderer(): string | undefined {
  if (typeof document === 'undefined' && typeof OffscreenCanvas === 'undefined') return undefined;
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
  const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return renderer;
}

let wasmConfigured = false;

function registerer(options: InitBackendOptions, forced: boolean) {
  return async (name: BackendName): Promise<boolean> => {
    switch (name) {
      case 'webgpu': {
        const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
        return gpu != null && (await gpu.requestAdapter()) != null;
      }
      case 'webgl': {
        const renderer = webglRenderer();
        return renderer !== undefined && (forced || !SOFTWARE_RENDERER.test(renderer));
      }
      case 'wasm':
        if (!wasmConfigured) {
          setWasmPaths(options.wasmPaths ?? libraryFolder());
          wasmConfigured = true;
        }
        return true;
      case 'cpu':
        return true;
    }
  };
}

const HINTS: Record<BackendName, string> = {
  webgpu: 'this browser offers no WebGPU adapter (try webgl or wasm)',
  webgl: 'this browser offers no WebGL 2 (try wasm)',
  wasm: 'the tfjs wasm binaries were not found next to the bundle (pass wasmPaths, or serve the page over http: file:// pages cannot fetch them)',
  cpu: 'tfjs could not start its cpu backend',
};

/**
 * Picks and activates the tfjs backend in a page or worker, returning its name.
 * Forced (`options.backend`) → that one or an error; otherwise webgpu → webgl (hardware) → wasm → cpu.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  const forced = options.backend != null && options.backend !== '';
  return selectBackend({
    candidates: forced ? [parseBackendName(options.backend!)] : BACKENDS,
    register: registerer(options, forced),
    hint: (name) => HINTS[name],
    log: options.log,
  });
}

/** What runs, in words: `wasm (SIMD, 2 threads)`, `webgl (ANGLE …)`, `cpu`. */
export async function describeBackend(): Promise<string> {
  const name = tf.getBackend();
  if (name === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = getThreadsCount();
    return `wasm (${simd ? 'SIMD, ' : ''}${threads} thread${threads === 1 ? '' : 's'})`;
  }
  if (name === 'webgl') return `webgl (${webglRenderer() ?? 'unknown GPU'})`;
  return name ?? 'none';
}
