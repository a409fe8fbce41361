/**
 * Where a sweep's files live, and opening a sweep: its plan, its runs and its directory.
 *
 * ```
 * DIR/plan.json               the plan the directory belongs to (a different plan is refused)
 * DIR/results.json            merged: {"plan", "runs": [{index, options, status, result, error?}]}
 * DIR/results.csv             merged: one row per run
 * DIR/history.csv             merged: every run's evaluation rows
 * DIR/report.html             --report
 * DIR/sweep.sbatch, DIR/logs/ --slurm: the job script and one log per array task
 * DIR/runs/<index>-<slug>/    one run: results.json, history.csv, run.log, lock, <estimator>/checkpoint.json
 * ```
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError } from '../errors';
import { writeFileAtomic } from './lock';
import { expandPlan, loadPlan, parsePlan, type PlannedRun, type SweepPlan } from './plan';

export const SWEEP_FILES = {
  plan: 'plan.json',
  results: 'results.json',
  resultsCsv: 'results.csv',
  history: 'history.csv',
  report: 'report.html',
  script: 'sweep.sbatch',
  logs: 'logs',
  runs: 'runs',
  mergeLock: 'merge.lock',
} as const;

export const RUN_FILES = {
  results: 'results.json',
  history: 'history.csv',
  log: 'run.log',
  lock: 'lock',
} as const;

/** An opened sweep: what every sweep module works on. */
export interface Sweep {
  /** Absolute path of the plan file. */
  planFile: string;
  plan: SweepPlan;
  /** The plan file's JSON as written (what results.json repeats). */
  planJson: Record<string, unknown>;
  /** Absolute path of the sweep directory. */
  dir: string;
  runs: PlannedRun[];
}

/** The directory of run `index`. */
export function runDir(sweep: Sweep, index: number): string {
  return path.join(sweep.dir, SWEEP_FILES.runs, sweep.runs[index].dirName);
}

/** A file of the sweep directory, e.g. `sweepFile(sweep, 'results')`. */
export function sweepFile(sweep: Sweep, name: keyof typeof SWEEP_FILES): string {
  return path.join(sweep.dir, SWEEP_FILES[name]);
}

/** What makes two plans run the same runs. */
const runsOf = (plan: SweepPlan) => JSON.stringify({ task: plan.task, base: plan.base, grid: plan.grid });

/** The first top-level part (task, base, grid) in which two plans differ. */
function difference(a: SweepPlan, b: SweepPlan): string {
  return (['task', 'base', 'grid'] as const).find((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])) ?? 'task';
}

/** Records the plan in `DIR/plan.json`, or checks that the one there runs the same runs. */
function claimDirectory(dir: string, plan: SweepPlan, planJson: unknown): void {
  const file = path.join(dir, SWEEP_FILES.plan);
  if (fs.existsSync(file)) {
    const recorded = parsePlan(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    if (runsOf(recorded) !== runsOf(plan)) {
      throw new ArgumentError(
        '--out',
        `${dir} holds a sweep of another plan (its plan.json differs in ${difference(recorded, plan)}); ` +
          'run numbers would no longer match: use a new --out directory',
      );
    }
    return;
  }
  writeFileAtomic(file, `${JSON.stringify(planJson, null, 2)}\n`);
}

/** Loads and checks the plan, expands its runs and claims `dir` (created if missing) for it. */
export function openSweep(planFile: string, dir: string): Sweep {
  const plan = loadPlan(planFile);
  const runs = expandPlan(plan);
  const absoluteDir = path.resolve(dir);
  if (fs.existsSync(absoluteDir) && !fs.statSync(absoluteDir).isDirectory())
    throw new ArgumentError('--out', `${dir} exists and is not a directory`);
  fs.mkdirSync(path.join(absoluteDir, SWEEP_FILES.runs), { recursive: true });
  const planJson = JSON.parse(fs.readFileSync(planFile, 'utf8')) as Record<string, unknown>;
  claimDirectory(absoluteDir, plan, planJson);
  return { planFile: path.resolve(planFile), plan, planJson, dir: absoluteDir, runs };
}
