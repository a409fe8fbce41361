/**
 * Replays the start of one shipped run: the same run function as the sweep that made it
 * (`stochgrad train` with the plan's options), cut after its first evaluations, and its history
 * rows compared metric by metric with the shipped ones. A run's rows never depend on its length,
 * so on the backend the results were made with the replayed rows equal the shipped ones bit for
 * bit; on another backend (other float rounding) they may drift apart as training goes on.
 *
 * ```ts
 * const replay = await replayRun(loadResults('toy-arm'), { index: 3, evaluations: 2 });
 * replay.ok;            // every metric within the tolerance
 * replay.rows;          // { step, metric, shipped, replayed, difference, ok }
 * ```
 */
import { ArgumentError, checkInteger } from '../errors';
import { expandPlan } from '../sweep/plan';
import { runExperiment } from '../experiments/experiment';
import type { ExperimentConfig, HistoryRow } from '../experiments/experiment-types';
import type { Cell, ResultRow, ShippedResults } from './load-results';

export interface ReplayOptions {
  /** The run (its index in the plan). */
  index: number;
  /** Evaluation points compared, counting step 0 (default 2: steps 0 and evalEvery). With 1, one step is trained and step 0 compared. */
  evaluations?: number;
  /** Largest accepted |replayed − shipped| / max(1, |shipped|) (default 1e-6). */
  tolerance?: number;
}

/** A type alias, not an interface, so that rows are plain records (`showTable` takes them). */
export type ReplayRow = {
  step: number;
  metric: string;
  shipped: number | null;
  replayed: number | null;
  /** |replayed − shipped| / max(1, |shipped|); 0 when both are missing, null when one is. */
  difference: number | null;
  ok: boolean;
};

export interface Replay {
  index: number;
  /** The run's grid values. */
  options: Record<string, unknown>;
  /** Steps trained by the replay. */
  steps: number;
  /** Steps compared (the shipped evaluation points up to `steps`). */
  compared: number[];
  rows: ReplayRow[];
  /** Largest `difference` (null when a value is missing on one side only). */
  maxDifference: number | null;
  ok: boolean;
  seconds: number;
}

/** Columns of a history row that are not metrics of the run (its identity, or wall-clock time). */
const NOT_COMPARED = ['index', 'estimator', 'step', 'seconds'];

const value = (cell: Cell | string | number | undefined): number | null =>
  typeof cell === 'number' && !Number.isNaN(cell)
    ? cell
    : typeof cell === 'string' && cell !== '' && !Number.isNaN(Number(cell))
      ? Number(cell)
      : null;

function compareValues(
  step: number,
  metric: string,
  shipped: number | null,
  replayed: number | null,
  tolerance: number,
): ReplayRow {
  if (shipped === null || replayed === null) {
    const both = shipped === null && replayed === null;
    return { step, metric, shipped, replayed, difference: both ? 0 : null, ok: both };
  }
  const difference = shipped === replayed ? 0 : Math.abs(replayed - shipped) / Math.max(1, Math.abs(shipped));
  return { step, metric, shipped, replayed, difference, ok: difference <= tolerance };
}

/** The replay's configuration: the planned run, cut short, with a one-example final evaluation (not compared). */
function replayConfig(results: ShippedResults, index: number, evaluations: number): ExperimentConfig {
  const runs = expandPlan(results.plan);
  if (index >= runs.length)
    throw new ArgumentError('options.index', `expected a run of the plan (0–${runs.length - 1}), got ${index}`);
  const { config } = runs[index];
  const steps = evaluations === 1 ? 1 : config.evalEvery * (evaluations - 1);
  if (steps > config.steps)
    throw new ArgumentError(
      'options.evaluations',
      `the run has ${config.steps} steps; ${evaluations} evaluations need ${steps}`,
    );
  const { checkpointEvery: _checkpoint, resume: _resume, out: _out, ...rest } = config;
  return { ...rest, steps, testExamples: 1 };
}

/** Replays the first `evaluations` evaluation points of run `index`; see the module comment. */
export async function replayRun(results: ShippedResults, options: ReplayOptions): Promise<Replay> {
  if (results == null || typeof results !== 'object' || !Array.isArray(results.history))
    throw new ArgumentError('results', 'expected what loadResults returns');
  const index = checkInteger('options.index', options?.index, 0);
  const evaluations = checkInteger('options.evaluations', options.evaluations ?? 2, 1);
  const tolerance = options.tolerance ?? 1e-6;
  if (!(tolerance >= 0)) throw new ArgumentError('options.tolerance', `expected a number >= 0, got ${tolerance}`);
  const config = replayConfig(results, index, evaluations);
  const shipped = results.history.filter(
    (row) => row.index === index && typeof row.step === 'number' && row.step <= config.steps,
  );
  if (shipped.length === 0)
    throw new ArgumentError(
      'options.index',
      `run ${index} has no shipped history rows (status ${results.runs[index]?.status ?? 'unknown'})`,
    );
  const grid = Object.keys(results.plan.grid);
  const started = Date.now();
  const [run] = await runExperiment(config);
  const replayed = new Map<number, HistoryRow>(run.history.map((row) => [row.step, row]));
  const rows = shipped.flatMap((row: ResultRow) => {
    const step = row.step as number;
    const metrics = Object.keys(row).filter((column) => !NOT_COMPARED.includes(column) && !grid.includes(column));
    return metrics.map((metric) =>
      compareValues(step, metric, value(row[metric]), value(replayed.get(step)?.[metric]), tolerance),
    );
  });
  const differences = rows.map((row) => row.difference);
  return {
    index,
    options: results.runs[index]?.options ?? {},
    steps: config.steps,
    compared: [...new Set(rows.map((row) => row.step))],
    rows,
    maxDifference: differences.includes(null) ? null : Math.max(0, ...(differences as number[])),
    ok: rows.every((row) => row.ok),
    seconds: (Date.now() - started) / 1000,
  };
}
