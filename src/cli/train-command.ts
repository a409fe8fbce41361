/**
 * `stochgrad train <task>`: options → `ExperimentConfig` → backend → the runner (with progress on
 * stderr) → summary table or `--json` line on stdout, and with `--out` the history CSV, the results
 * JSON and (`--report`) an offline HTML report. A run that diverged (non-finite objective or
 * gradient) is reported on stderr and the command exits 1 after printing its output. The option
 * table and its checks live in src/experiments/train-options.ts.
 */
import type { BackendName } from '../backend';
import { runExperiment } from '../experiments/experiment';
import { TASK_NAMES, type EstimatorRun } from '../experiments/experiment-types';
import { divergenceLines, resultsJsonLine, summaryTable } from '../experiments/outputs';
import { initCommandBackend, parseTrainArgs, TRAIN_OPTIONS, type ExperimentRunner } from '../experiments/train-options';
import { describeRun, writeTrainOutputs } from '../experiments/write-outputs';
import { optionsHelp } from '../terminal/options';
import { createProgress, type ProgressOptions } from '../terminal/progress';
import { PartialFailure } from '../terminal/usage-error';
import type { Command } from './command';

/** What the command needs from outside; tests pass fakes. */
export interface TrainDependencies {
  /** Prepares tfjs and returns the backend's name (default `initBackend`). */
  initBackend?: (backend: BackendName | undefined) => Promise<string>;
  /** Where and how progress is shown (default: process.stderr, live bar if it is a TTY). */
  progress?: ProgressOptions;
}

function usage(): string {
  return [
    'usage: stochgrad train <task> --estimators a,b,c [options]',
    '',
    `Trains one model per estimator (same seed) on a task: ${TASK_NAMES.join(', ')}.`,
    '  vae     sigmoid belief network VAE on binarised images (ELBO, test bound, encoder variance)',
    '  sop     structured output prediction: lower half of an image from the upper half (NLL)',
    '  gating  conditional computation with binary gates (test error, fraction of gates open)',
    "  toy     ARM's toy f(z) = Σ (z_i − p0)^2, minimised over the logits",
    'Progress goes to stderr; stdout gets the summary table (or, with --json, one JSON line).',
    'A run whose objective or gradient turns NaN or infinite stops at that step (its history kept);',
    'it is reported on stderr and the exit code is 1.',
    '',
    'options:',
    optionsHelp(TRAIN_OPTIONS),
  ].join('\n');
}

/** The train command around `run` (the real `runExperiment` unless a test injects a fake). */
export function makeTrainCommand(run: ExperimentRunner = runExperiment, dependencies: TrainDependencies = {}): Command {
  const init = dependencies.initBackend ?? initCommandBackend;
  return {
    name: 'train',
    summary: 'train a VAE, structured-output, gating or toy model with chosen estimators',
    usage,
    async run(argv) {
      const args = parseTrainArgs(argv);
      if (args.help) return usage();
      const backend = await init(args.backend);
      const progress = createProgress(dependencies.progress);
      let runs: EstimatorRun[];
      try {
        runs = await run(args.config, { onProgress: (event) => progress.update(event) });
      } finally {
        progress.stop();
      }
      const written = writeTrainOutputs(runs, args.config, { backend, report: args.report });
      const diverged = divergenceLines(runs);
      const wrote = written.length > 0 ? ['', `wrote ${written.join(', ')}`] : [];
      const output = args.json
        ? resultsJsonLine(runs)
        : [describeRun(args.config, backend), '', summaryTable(runs), ...wrote].join('\n');
      if (diverged.length > 0) throw new PartialFailure(output, diverged.join('; '));
      return output;
    },
  };
}

export const trainCommand: Command = makeTrainCommand();
