/**
 * The moving-average baseline states a network model carries between `gradients` calls
 * (reinforce-ema, reinforce-optimal), one per layer under a key such as the estimator's name,
 * saved and restored as plain JSON by checkpoints.
 */
import { ArgumentError } from '../errors';
import type { BaselineState } from '../estimators/types';
import type { JsonValue } from './model';

type Layers = (BaselineState | undefined)[];

export interface BaselineStore {
  /** The per-layer states under `key`, created empty (`layers` entries) on first use; updated in place. */
  layers(key: string, layers: number): Layers;
  getState(): JsonValue;
  setState(state: JsonValue): void;
}

export function createBaselineStore(): BaselineStore {
  let states: Record<string, Layers> = {};
  return {
    layers: (key, layers) => (states[key] ??= new Array(layers).fill(undefined)),
    // JSON turns a layer without state into null; setState turns it back.
    getState: () => ({ baselines: JSON.parse(JSON.stringify(states)) }),
    setState(state) {
      const saved = (state as null | { baselines?: Record<string, (BaselineState | null)[]> })?.baselines;
      if (saved == null || typeof saved !== 'object')
        throw new ArgumentError('state.baselines', 'expected the object returned by getState()');
      states = Object.fromEntries(
        Object.entries(saved).map(([key, layers]) => [key, (layers ?? []).map((s) => s ?? undefined)]),
      );
    },
  };
}
