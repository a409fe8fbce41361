/**
 * Choosing a tfjs backend, the part Node (backend.ts) and browsers (web/backend.ts) share:
 * try the candidates in order of preference, activate the first that loads, switch on
 * stochgrad's fast path, say which one runs. Each runtime brings its own candidates and the
 * code that makes each one available.
 */
import * as tf from '@tensorflow/tfjs';
import { useFastPath } from './core/fast-path';

/** Parses a backend name, throwing an error that lists the valid ones. */
export function parseName<N extends string>(valid: readonly N[], name: string, source: string): N {
  if ((valid as readonly string[]).includes(name)) return name as N;
  throw new Error(`${source} must be one of ${valid.join(', ')}; got ${JSON.stringify(name)}`);
}

export interface BackendChoice<N extends string> {
  /** In order of preference; the first that activates wins. */
  candidates: readonly N[];
  /** Makes `name`'s factory available to tfjs; false (or a throw) when it cannot run here. */
  register(name: N): boolean | Promise<boolean>;
  /** What to do when `name`, the only candidate, fails (an install command, a browser setting). */
  hint(name: N): string;
  /** Print the choice (default true). */
  log?: boolean;
}

async function activate<N extends string>(name: N, register: BackendChoice<N>['register']): Promise<boolean> {
  try {
    if (!(await register(name)) || tf.findBackendFactory(name) == null) return false;
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Activates the first candidate that loads and returns its name; see the module comment. */
export async function selectBackend<N extends string>(choice: BackendChoice<N>): Promise<N> {
  for (const name of choice.candidates) {
    if (await activate(name, choice.register)) {
      useFastPath(true);
      if (choice.log ?? true) console.log(`stochgrad: using the ${name} backend`);
      return name;
    }
  }
  const name = choice.candidates[0];
  throw new Error(`backend ${name} could not be loaded; ${choice.hint(name)}`);
}
