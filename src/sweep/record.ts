/** A run's record, `DIR/runs/<index>-<slug>/results.json`: how it ended and its summary row. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Divergence } from '../train/divergence';
import type { ExperimentConfig } from '../experiments/experiment-types';
import { RUN_FILES } from './layout';
import type { PlanValue } from './plan';

export type RunStatus = 'done' | 'failed' | 'diverged' | 'pending';
export type FinalStatus = Exclude<RunStatus, 'pending'>;
/** A run's train summary row, as `resultRecords` makes it: `{estimator, steps, …summary, seconds}`. */
export type ResultRow = Record<string, string | number | null>;

/** `DIR/runs/<index>-<slug>/results.json`. */
export interface RunRecord {
  index: number;
  /** The run's grid values. */
  options: Record<string, PlanValue>;
  status: FinalStatus;
  /** The train summary row; null when the run failed. */
  result: ResultRow | null;
  /** failed: the exception's message; diverged: `diverged at step t: <reason>`. */
  error?: string;
  diverged?: Divergence;
  /** What ran: the train configuration, the backend, where and when it finished. */
  config: ExperimentConfig | null;
  backend: string | null;
  host: string;
  pid: number;
  /** When this process started the run (a resumed run: the last session) and finished it, ISO 8601. */
  started?: string;
  finished: string;
  /** Wall-clock seconds from started to finished (data loading, training, final evaluation). */
  wallSeconds?: number;
}

/** The run's record, or undefined when it has none (never run, running, or killed before the end). */
export function readRunRecord(dir: string): RunRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, RUN_FILES.results), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** Done and diverged runs are final; failed ones are tried again. */
export const isFinal = (record: RunRecord | undefined): record is RunRecord =>
  record?.status === 'done' || record?.status === 'diverged';
