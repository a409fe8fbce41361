/**
 * Training progress for the command line, written to stderr so stdout stays clean for `--json`.
 * On a terminal: a live `cli-progress` bar per estimator. Otherwise (a pipe, a log file, CI):
 * plain lines at the first step, every ~10% of the steps and the last step, e.g.
 *
 * ```
 * [disarm] step 500/2000  12.3 steps/s  eta 2m02s  elbo -182.41
 * ```
 *
 * rate = steps done since the estimator's first event / seconds since then;
 * eta = steps left / rate.
 */
import { Presets, SingleBar } from 'cli-progress';
import { ArgumentError } from '../errors';
import { formatNumber } from '../viz/format-number';

/** One training run's progress (what an experiment's `onProgress` hook reports). */
export interface ProgressEvent {
  /** The run's label, e.g. its estimator. */
  estimator: string;
  step: number;
  steps: number;
  metrics: Record<string, number>;
}

/** Where progress goes: anything with `write` (process.stderr by default). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** Live bar (true) or plain lines (false); default: whether `stream` is a TTY. */
  live?: boolean;
  /** Plain lines every this fraction of the steps (default 0.1), in (0, 1]. */
  every?: number;
  /** Clock in milliseconds (tests pass a fake one). */
  now?: () => number;
}

export interface ProgressReporter {
  /** Reports one event; a new estimator name starts a new bar (or block of lines). */
  update(event: ProgressEvent): void;
  /** Ends the current bar. Call once when training is over (also after a failure). */
  stop(): void;
}

/** Seconds as `45s`, `2m02s` or `1h03m`; `?` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${two(Math.floor((s % 3600) / 60))}m`;
}

/** `elbo -182.41  testBound -180.2`: every measured metric, five significant digits. */
export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .filter(([, value]) => !Number.isNaN(value))
    .map(([name, value]) => `${name} ${formatNumber(value, 5)}`)
    .join('  ');
}

interface Speed {
  /** Steps per second, undefined until two events with time between them. */
  rate?: number;
  /** Seconds left. */
  eta?: number;
}

/** Rate and ETA of one estimator's run, measured from its first event. */
class Stopwatch {
  private readonly startStep: number;
  private readonly startTime: number;

  constructor(
    event: ProgressEvent,
    private readonly now: () => number,
  ) {
    this.startStep = event.step;
    this.startTime = now();
  }

  speed(event: ProgressEvent): Speed {
    const seconds = (this.now() - this.startTime) / 1000;
    const done = event.step - this.startStep;
    if (seconds <= 0 || done <= 0) return {};
    const rate = done / seconds;
    return { rate, eta: (event.steps - event.step) / rate };
  }
}

const formatRate = (rate: number | undefined) => (rate === undefined ? '?' : formatNumber(rate, 3));

/** One plain progress line (no newline). */
export function progressLine(event: ProgressEvent, speed: Speed): string {
  const metrics = formatMetrics(event.metrics);
  const parts = [
    `[${event.estimator}] step ${event.step}/${event.steps}`,
    `${formatRate(speed.rate)} steps/s`,
    `eta ${formatDuration(speed.eta)}`,
    ...(metrics ? [metrics] : []),
  ];
  return parts.join('  ');
}

/** Lines at the first event, whenever another `every` of the steps is done, and at the last step. */
class PlainProgress implements ProgressReporter {
  private estimator?: string;
  private watch?: Stopwatch;
  private nextStep = 0;
  private lastPrinted = -1;

  constructor(
    private readonly stream: ProgressStream,
    private readonly every: number,
    private readonly now: () => number,
  ) {}

  update(event: ProgressEvent): void {
    if (event.estimator !== this.estimator) {
      this.estimator = event.estimator;
      this.watch = new Stopwatch(event, this.now);
      this.nextStep = event.step;
      this.lastPrinted = -1;
    }
    const due = event.step >= this.nextStep || event.step >= event.steps;
    if (!due || event.step === this.lastPrinted) return;
    this.stream.write(`${progressLine(event, this.watch!.speed(event))}\n`);
    this.lastPrinted = event.step;
    const stride = Math.max(1, Math.round(this.every * event.steps));
    this.nextStep = (Math.floor(event.step / stride) + 1) * stride;
  }

  stop(): void {}
}

const BAR_FORMAT = '[{estimator}] {bar} {value}/{total}  {speed} steps/s  eta {left}  {metrics}';

/** A live bar per estimator; the finished bars stay on screen, one line each. */
class LiveProgress implements ProgressReporter {
  private estimator?: string;
  private watch?: Stopwatch;
  private bar?: SingleBar;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {}

  private payload(event: ProgressEvent) {
    const speed = this.watch!.speed(event);
    return {
      estimator: event.estimator,
      speed: formatRate(speed.rate),
      left: formatDuration(speed.eta),
      metrics: formatMetrics(event.metrics),
    };
  }

  update(event: ProgressEvent): void {
    if (event.estimator !== this.estimator) {
      this.stop();
      this.estimator = event.estimator;
      this.watch = new Stopwatch(event, this.now);
      this.bar = new SingleBar(
        { format: BAR_FORMAT, stream: this.stream as NodeJS.WritableStream, hideCursor: true, barsize: 24, fps: 10 },
        Presets.shades_classic,
      );
      this.bar.start(event.steps, event.step, this.payload(event));
      return;
    }
    this.bar!.setTotal(event.steps);
    this.bar!.update(event.step, this.payload(event));
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.estimator = undefined;
  }
}

/** A reporter for `options.stream` (stderr): a live bar on a TTY, plain lines otherwise. */
export function createProgress(options: ProgressOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const every = options.every ?? 0.1;
  if (!(every > 0 && every <= 1))
    throw new ArgumentError('options.every', `expected a fraction in (0, 1], got ${every}`);
  const now = options.now ?? Date.now;
  const live = options.live ?? stream.isTTY === true;
  return live ? new LiveProgress(stream, now) : new PlainProgress(stream, every, now);
}
