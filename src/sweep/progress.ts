/**
 * A sweep's progress on stderr. On a terminal: a `cli-progress` bar for the whole sweep and one
 * per running run, finished runs logged above them. Otherwise plain lines: one when a run starts
 * or ends, and the sweep's status every ~10% of its steps, e.g.
 *
 * ```
 * [sweep] runs 4/12 done, 2 running, 1 failed, 0 diverged  820 steps/s  eta 1m02s
 * ```
 *
 * rate = training steps done by this sweep's workers / seconds since it started (steps arrive
 * with each evaluation of a run); eta = steps left in unfinished runs / rate.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { formatDuration, type ProgressStream } from '../terminal/progress';
import { formatNumber } from '../viz/format-number';
import type { RunStatus } from './record';

export interface SweepProgressOptions {
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Live bars (true) or plain lines (false); default: whether `stream` is a TTY. */
  live?: boolean;
  /** Clock in milliseconds (tests pass a fake one). */
  now?: () => number;
}

/** What the sweep starts from: every run and the ones already finished before it. */
export interface SweepStart {
  total: number;
  finished: { done: number; failed: number; diverged: number };
  /** Steps of every run this sweep will train. */
  steps: number;
}

export interface SweepProgress {
  started(index: number, label: string, steps: number): void;
  progress(index: number, step: number, steps: number): void;
  waiting(index: number, label: string, holder: string): void;
  finished(index: number, label: string, status: Exclude<RunStatus, 'pending'>, detail?: string): void;
  stop(): void;
}

interface Running {
  label: string;
  steps: number;
  /** The last step reported (the first report of a resumed run is past 0). */
  step?: number;
  bar?: SingleBar;
}

/** Counts, rate and ETA, whatever the display. */
class Tally {
  readonly counts: Record<Exclude<RunStatus, 'pending'>, number>;
  readonly running = new Map<number, Running>();
  private stepsLeft: number;
  private stepsDone = 0;
  private readonly startTime: number;

  constructor(
    readonly start: SweepStart,
    private readonly now: () => number,
  ) {
    this.counts = { ...start.finished };
    this.stepsLeft = start.steps;
    this.startTime = now();
  }

  get finishedCount(): number {
    return this.counts.done + this.counts.failed + this.counts.diverged;
  }

  begin(index: number, label: string, steps: number): Running {
    const run: Running = { label, steps };
    this.running.set(index, run);
    return run;
  }

  advance(index: number, step: number): Running | undefined {
    const run = this.running.get(index);
    if (!run) return undefined;
    if (run.step === undefined)
      this.stepsLeft -= step; // a resumed run: an earlier sweep did those
    else {
      this.stepsDone += step - run.step;
      this.stepsLeft -= step - run.step;
    }
    run.step = step;
    return run;
  }

  /** Steps trained by this sweep so far. */
  get done(): number {
    return this.stepsDone;
  }

  end(index: number, status: Exclude<RunStatus, 'pending'>): Running | undefined {
    const run = this.running.get(index);
    this.running.delete(index);
    this.counts[status] += 1;
    if (run) this.stepsLeft -= run.steps - (run.step ?? 0);
    return run;
  }

  speed(): { rate?: number; eta?: number } {
    const seconds = (this.now() - this.startTime) / 1000;
    if (seconds <= 0 || this.stepsDone <= 0) return {};
    const rate = this.stepsDone / seconds;
    return { rate, eta: Math.max(0, this.stepsLeft) / rate };
  }

  status(): string {
    const { rate, eta } = this.speed();
    const { done, failed, diverged } = this.counts;
    return `runs ${done}/${this.start.total} done, ${this.running.size} running, ${failed} failed, ${diverged} diverged  ${rate === undefined ? '?' : formatNumber(rate, 3)} steps/s  eta ${formatDuration(eta)}`;
  }
}

/** `run 3 arm_seed-2 failed: <first line of the error>` (a detail that starts with the status stands alone). */
function endLine(index: number, label: string, status: string, detail?: string): string {
  const first = detail?.split('\n')[0];
  const what = first === undefined || first === '' ? status : first.startsWith(status) ? first : `${status}: ${first}`;
  return `run ${index} ${label} ${what}`;
}

class PlainSweepProgress implements SweepProgress {
  private readonly tally: Tally;
  private readonly stride: number;
  private nextStatus: number;

  constructor(
    start: SweepStart,
    private readonly stream: ProgressStream,
    now: () => number,
  ) {
    this.tally = new Tally(start, now);
    this.stride = Math.max(1, Math.round(start.steps / 10));
    this.nextStatus = this.stride;
    this.write(this.tally.status());
  }

  private write(line: string): void {
    this.stream.write(`[sweep] ${line}\n`);
  }

  started(index: number, label: string, steps: number): void {
    this.tally.begin(index, label, steps);
    this.write(`run ${index} ${label} started (${steps} steps)`);
  }

  progress(index: number, step: number): void {
    if (!this.tally.advance(index, step) || this.tally.done < this.nextStatus) return;
    this.nextStatus = (Math.floor(this.tally.done / this.stride) + 1) * this.stride;
    this.write(this.tally.status());
  }

  waiting(index: number, label: string, holder: string): void {
    this.write(`run ${index} ${label} is held by ${holder}; waiting for it`);
  }

  finished(index: number, label: string, status: Exclude<RunStatus, 'pending'>, detail?: string): void {
    this.tally.end(index, status);
    this.write(`${endLine(index, label, status, detail)} — ${this.tally.status()}`);
  }

  stop(): void {}
}

// {eta} is cli-progress's own estimate (from bar values); ours is {left}.
const SWEEP_FORMAT =
  'sweep {bar} {value}/{total} runs  {running} running  {failed} failed  {diverged} diverged  {speed} steps/s  eta {left}';
const RUN_FORMAT = '  run {index} {label} {bar} {value}/{total}';

class LiveSweepProgress implements SweepProgress {
  private readonly tally: Tally;
  private readonly bars: MultiBar;
  private readonly sweepBar: SingleBar;

  constructor(start: SweepStart, stream: ProgressStream, now: () => number) {
    this.tally = new Tally(start, now);
    this.bars = new MultiBar(
      { stream: stream as NodeJS.WritableStream, hideCursor: true, barsize: 24, fps: 5, format: RUN_FORMAT },
      Presets.shades_classic,
    );
    this.sweepBar = this.bars.create(start.total, this.tally.finishedCount, this.payload(), { format: SWEEP_FORMAT });
  }

  private payload() {
    const { rate, eta } = this.tally.speed();
    const { failed, diverged } = this.tally.counts;
    return {
      running: this.tally.running.size,
      failed,
      diverged,
      speed: rate === undefined ? '?' : formatNumber(rate, 3),
      left: formatDuration(eta),
    };
  }

  private refresh(): void {
    this.sweepBar.update(this.tally.finishedCount, this.payload());
  }

  started(index: number, label: string, steps: number): void {
    const run = this.tally.begin(index, label, steps);
    run.bar = this.bars.create(steps, 0, { index, label });
    this.refresh();
  }

  progress(index: number, step: number): void {
    const run = this.tally.advance(index, step);
    run?.bar?.update(step);
    this.refresh();
  }

  waiting(index: number, label: string, holder: string): void {
    this.bars.log(`run ${index} ${label} is held by ${holder}; waiting for it\n`);
  }

  finished(index: number, label: string, status: Exclude<RunStatus, 'pending'>, detail?: string): void {
    const run = this.tally.end(index, status);
    if (run?.bar) this.bars.remove(run.bar);
    this.bars.log(`${endLine(index, label, status, detail)}\n`);
    this.refresh();
  }

  stop(): void {
    this.refresh();
    this.bars.update(); // writes the lines logged since the last redraw
    this.bars.stop();
  }
}

/** A reporter for `options.stream` (stderr): live bars on a TTY, plain lines otherwise. */
export function createSweepProgress(start: SweepStart, options: SweepProgressOptions = {}): SweepProgress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const live = options.live ?? stream.isTTY === true;
  return live ? new LiveSweepProgress(start, stream, now) : new PlainSweepProgress(start, stream, now);
}
