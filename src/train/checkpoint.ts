/**
 * Checkpoints of a training run: everything needed to continue it exactly (parameters, the
 * optimiser's slots, the model's own state, the step, the seed, the running objective and the
 * history), as one JSON file `<dir>/checkpoint.json`, written atomically (temporary file,
 * then rename). Float32 values survive JSON exactly; NaN and ±Infinity are tagged.
 */
import * as fs from 'fs';
import * as path from 'path';
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

/** Writes `checkpoint` to `<dir>/checkpoint.json` atomically, creating `dir`. */
export function saveCheckpoint(dir: string, checkpoint: Omit<Checkpoint, 'format'>): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, CHECKPOINT_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ format: FORMAT, ...checkpoint }, encode));
  fs.renameSync(temporary, file);
}

/** Reads `<dir>/checkpoint.json`; a missing or foreign file is an ArgumentError on `argument`. */
export function loadCheckpoint(dir: string, argument: string): Checkpoint {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!fs.existsSync(file)) {
    throw new ArgumentError(argument, `no checkpoint at ${file}; a run writes one with train(..., { checkpoint: { dir, every } })`);
  }
  let parsed: Checkpoint;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'), decode) as Checkpoint;
  } catch (error) {
    throw new ArgumentError(argument, `${file} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed?.format !== FORMAT) throw new ArgumentError(argument, `${file} is not a stochgrad checkpoint (format ${FORMAT})`);
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
