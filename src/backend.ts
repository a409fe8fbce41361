/**
 * Backend selection in Node. tfjs-node (native TensorFlow) is used when it is installed and
 * loads; otherwise the WebAssembly backend; otherwise the pure-JavaScript cpu backend.
 * `STOCHGRAD_BACKEND=tensorflow|wasm|cpu` forces one. It also registers stochgrad's faster
 * gradients and kernels (`core/fast-path.ts`). Browsers have their own list: web/backend.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { parseName, selectBackend } from './backend-select';

/** The backends stochgrad knows in Node, in order of preference. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface InitBackendOptions {
  /** Force a backend; defaults to `process.env.STOCHGRAD_BACKEND`, else the first that loads. */
  backend?: string;
  /** Print the chosen backend (default true). */
  log?: boolean;
}

/** Parses a backend name, throwing an error that lists the valid ones. */
export function parseBackendName(name: string, source = 'backend'): BackendName {
  return parseName(BACKENDS, name, source);
}

/** Makes `name` available to tfjs; returns false when its package is absent or fails to load. */
function register(name: BackendName): boolean {
  // Optional backends load on demand, only when chosen (a static import would fail without them).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (name === 'tensorflow') require('@tensorflow/tfjs-node');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
  return tf.findBackendFactory(name) != null;
}

const INSTALL_HINT: Record<BackendName, string> = {
  tensorflow: 'npm install @tensorflow/tfjs-node@4.22.0 (needs its TensorFlow C library download)',
  wasm: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
  cpu: 'npm install @tensorflow/tfjs@4.22.0',
};

/**
 * Picks and activates the tfjs backend, returning its name.
 * Forced (option or STOCHGRAD_BACKEND) → that one or an error; otherwise tensorflow → wasm → cpu.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  const forced = options.backend ?? process.env.STOCHGRAD_BACKEND;
  const source = options.backend != null ? 'backend' : 'STOCHGRAD_BACKEND';
  return selectBackend({
    candidates: forced ? [parseBackendName(forced, source)] : BACKENDS,
    register,
    hint: (name) => `install it with: ${INSTALL_HINT[name]}`,
    log: options.log,
  });
}
