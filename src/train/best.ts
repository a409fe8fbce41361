/**
 * Keeping the parameters of a run's best evaluation (`TrainOptions.keepBest`): the papers report
 * test numbers at the evaluation with the best validation score, not at the last step.
 *
 * Only evaluations on the run's grid (step 0 and every `evalEvery` steps) compete for the kept
 * copy that checkpoints save; the closing evaluation of a run that ends off the grid competes only
 * when the result is handed over. A run extended by resuming drops that closing row from its
 * history, and so it must not have changed the kept best either: resumed runs stay bit-exact.
 * Ties keep the earlier evaluation; NaN values never win.
 *
 * ```ts
 * const { best } = await train(model, data, { ...options, keepBest: { metric: 'validNll', mode: 'min' } });
 * model.setParameters(best!.parameters);   // then dispose best.parameters
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../errors';
import type { TrainRow } from './history';
import type { SlotValue } from './optimizer';

/** Which metric of the evaluation rows decides, and whether lower or higher is better. */
export interface KeepBest {
  metric: string;
  mode: 'min' | 'max';
}

/** The parameters at the best evaluation; the tensors are the receiver's to dispose. */
export interface BestParameters {
  step: number;
  /** The metric's value at that evaluation. */
  value: number;
  parameters: Record<string, tf.Tensor>;
}

/** The kept best as a checkpoint stores it (plain numbers, exact for float32). */
export interface SavedBest {
  step: number;
  value: number;
  parameters: Record<string, SlotValue>;
}

export interface BestKeeper {
  /** Offers an evaluation row; copies `parameters` when its metric beats the best so far. */
  offer(row: TrainRow, parameters: Readonly<Record<string, tf.Variable>>, onGrid: boolean): void;
  /** The best evaluation on the grid, for a checkpoint (null before any finite value). */
  save(): SavedBest | null;
  /** Restores what `save` returned. */
  restore(saved: SavedBest | null | undefined): void;
  /** Hands the best evaluation over (grid and closing row alike) and forgets it. */
  release(): BestParameters | undefined;
  dispose(): void;
}

const MODES = ['min', 'max'];

/** Throws unless `keepBest` is `{ metric, mode }` with a metric name and mode min or max. */
export function checkKeepBest(keepBest: unknown): KeepBest {
  const spec = keepBest as KeepBest;
  if (spec == null || typeof spec !== 'object' || typeof spec.metric !== 'string' || spec.metric === '') {
    throw new ArgumentError('options.keepBest', "expected { metric, mode }, e.g. { metric: 'validNll', mode: 'min' }");
  }
  if (!MODES.includes(spec.mode))
    throw new ArgumentError('options.keepBest.mode', `expected 'min' or 'max', got ${JSON.stringify(spec.mode)}`);
  return spec;
}

function copyOf(parameters: Readonly<Record<string, tf.Variable>>): Record<string, tf.Tensor> {
  // A clone shares the variable's current data; the next assign gives the variable new data.
  return Object.fromEntries(Object.entries(parameters).map(([name, v]) => [name, tf.clone(v)]));
}

function disposeBest(best: BestParameters | undefined): void {
  if (best) tf.dispose(Object.values(best.parameters));
}

export function createBestKeeper(spec: KeepBest): BestKeeper {
  const { metric, mode } = checkKeepBest(spec);
  let onGrid: BestParameters | undefined;
  let closing: BestParameters | undefined;
  const beats = (value: number, best: BestParameters | undefined) =>
    !Number.isNaN(value) && (best === undefined || (mode === 'min' ? value < best.value : value > best.value));

  return {
    offer(row, parameters, grid) {
      const value = row[metric];
      if (typeof value !== 'number') {
        throw new ArgumentError(
          'options.keepBest.metric',
          `no metric ${JSON.stringify(metric)} in the evaluation at step ${row.step}; it has ${Object.keys(row).join(', ')}`,
        );
      }
      if (grid) {
        if (!beats(value, onGrid)) return;
        disposeBest(onGrid);
        onGrid = { step: row.step, value, parameters: copyOf(parameters) };
      } else {
        disposeBest(closing);
        closing = { step: row.step, value, parameters: copyOf(parameters) };
      }
    },
    save() {
      if (!onGrid) return null;
      const parameters = Object.fromEntries(
        Object.entries(onGrid.parameters).map(([name, t]) => [
          name,
          { shape: [...t.shape], values: Array.from(t.dataSync()) },
        ]),
      );
      return { step: onGrid.step, value: onGrid.value, parameters };
    },
    restore(saved) {
      disposeBest(onGrid);
      onGrid = undefined;
      if (saved === null) return;
      if (saved == null || typeof saved !== 'object' || saved.parameters == null) {
        throw new ArgumentError(
          'options.resume',
          'the checkpoint holds no best evaluation; it was written by a run without keepBest',
        );
      }
      const parameters = Object.fromEntries(
        Object.entries(saved.parameters).map(([name, v]) => [name, tf.tensor(v.values, v.shape, 'float32')]),
      );
      onGrid = { step: saved.step, value: saved.value, parameters };
    },
    release() {
      const winner = closing !== undefined && beats(closing.value, onGrid) ? closing : onGrid;
      disposeBest(winner === closing ? onGrid : closing);
      onGrid = undefined;
      closing = undefined;
      return winner;
    },
    dispose() {
      disposeBest(onGrid);
      disposeBest(closing);
      onGrid = undefined;
      closing = undefined;
    },
  };
}
