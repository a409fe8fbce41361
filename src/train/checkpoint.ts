/**
 * Checkpoints of a training run: everything needed to continue it exactly (parameters, the
 * optimiser's slots, the model's own state, the step, the seed, the running objective and the
 * history), as one JSON text. Float32 values survive JSON exactly; NaN and ±Infinity are tagged.
 *
 * Where the text is kept is the runtime's business: a `CheckpointStorage`. The Node entry
 * registers files (`<dir>/checkpoint.json`, written atomically; checkpoint-files.ts) when it
 * loads, much as tfjs-node registers its `file://` model handler; without a storage, a run that
 * asks for checkpoints fails with a clear error instead of this module importing `fs`.
 */
import { ArgumentError } from '../errors';
import type { JsonValue } from '../models/model';
import type { SavedBest } from './best';
import type { TrainRow } from './history';
import type { OptimizerKind, OptimizerState, SlotValue } from './optimizer';

export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'stochgrad-checkpoint-1';

/** What identifies a run: a checkpoint only resumes a run with equal values. */
export interface RunIdentity {
  /** The model's `signature`, or null when it has none. */
  model: string | null;
  /** Parameter names and shapes. */
  shapes: Record<string, number[]>;
  estimator: string;
  optimizer: OptimizerKind;
  lr: number;
  seed: number;
  samples: number | null;
  evalEvery: number | null;
  /** Learning-rate multipliers by parameter name, when the run has any. */
  lrScale?: Record<string, number>;
  /** Parameters stepped by plain SGD at their own rate, when the run has any. */
  sgd?: Record<string, number>;
}

export interface Checkpoint {
  format: typeof FORMAT;
  identity: RunIdentity;
  /** Steps completed. */
  step: number;
  seconds: number;
  /** The running training objective since the last evaluation row. */
  objective: { sum: number; count: number };
  parameters: Record<string, SlotValue>;
  optimizer: OptimizerState;
  model: JsonValue;
  history: TrainRow[];
  /** The best evaluation so far, in runs that keep it (`keepBest`). */
  best?: SavedBest | null;
}

const TAG = '$nonFinite';

function encode(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { [TAG]: String(value) } : value;
}

function decode(_key: string, value: unknown): unknown {
  if (value != null && typeof value === 'object' && TAG in value) return Number((value as Record<string, string>)[TAG]);
  return value;
}

/** Keeps checkpoint texts by directory name. */
export interface CheckpointStorage {
  /** Where the checkpoint of `dir` lives, for messages (e.g. `dir/checkpoint.json`). */
  locate(dir: string): string;
  /** The text saved for `dir`, or undefined when there is none. */
  read(dir: string): string | undefined;
  /** Replaces the text of `dir` (atomically: a crash leaves the old text or the new one). */
  write(dir: string, text: string): void;
}

let storage: CheckpointStorage | undefined;

/** Makes `next` the storage of every later checkpoint (undefined: none); returns the previous one. */
export function useCheckpointStorage(next: CheckpointStorage | undefined): CheckpointStorage | undefined {
  const previous = storage;
  storage = next;
  return previous;
}

/** The registered storage; an ArgumentError on `argument` when there is none. */
export function checkpointStorage(argument: string): CheckpointStorage {
  if (storage) return storage;
  throw new ArgumentError(
    argument,
    'checkpoints need a storage and this runtime has none: in Node, load stochgrad (or stochgrad/node), ' +
      'which keeps them as files; elsewhere register one with useCheckpointStorage({ locate, read, write })',
  );
}

/** Whether `dir` holds a checkpoint (false when no storage is registered). */
export function hasCheckpoint(dir: string): boolean {
  return storage?.read(dir) !== undefined;
}

/** Saves `checkpoint` under `dir`. */
export function saveCheckpoint(dir: string, checkpoint: Omit<Checkpoint, 'format'>): void {
  checkpointStorage('options.checkpoint').write(dir, JSON.stringify({ format: FORMAT, ...checkpoint }, encode));
}

/** Reads the checkpoint of `dir`; a missing or foreign one is an ArgumentError on `argument`. */
export function loadCheckpoint(dir: string, argument: string): Checkpoint {
  const store = checkpointStorage(argument);
  const where = store.locate(dir);
  const text = store.read(dir);
  if (text === undefined) {
    throw new ArgumentError(
      argument,
      `no checkpoint at ${where}; a run writes one with train(..., { checkpoint: { dir, every } })`,
    );
  }
  let parsed: Checkpoint;
  try {
    parsed = JSON.parse(text, decode) as Checkpoint;
  } catch (error) {
    throw new ArgumentError(argument, `${where} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed?.format !== FORMAT)
    throw new ArgumentError(argument, `${where} is not a stochgrad checkpoint (format ${FORMAT})`);
  return parsed;
}

/** Throws, naming the first difference, unless the checkpoint's run is this run. */
export function checkSameRun(saved: RunIdentity, current: RunIdentity, argument: string): void {
  const describe = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));
  const keys = new Set([...Object.keys(saved), ...Object.keys(current)]) as Set<keyof RunIdentity>;
  for (const key of keys) {
    if (describe(saved[key]) !== describe(current[key])) {
      throw new ArgumentError(
        argument,
        `the checkpoint belongs to another run: its ${key} is ${describe(saved[key])}, this run's is ${describe(current[key])}`,
      );
    }
  }
}
