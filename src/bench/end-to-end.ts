/**
 * `stochgrad train` end to end: the command a user runs for the linear VAE with DisARM on
 * Fashion-MNIST, in a process of its own, and the steps per second of its run (training and the
 * periodic evaluations, as the run's own clock counts them).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

export interface EndToEnd {
  /** The command line after `node`. */
  command: string;
  backend: string;
  steps: number;
  evalEvery: number;
  /** The run's seconds: its training steps and periodic evaluations. */
  seconds?: number;
  /** The process's wall-clock seconds: also start-up, data loading and the final test evaluation. */
  wallSeconds?: number;
  stepsPerSecond?: number;
  /** Hours of a 10^5-step run at that rate. */
  hoursFor100k?: number;
  error?: string;
}

/** Test examples of the run's final evaluation (a one-off, outside the rate). */
export const E2E_TEST_EXAMPLES = 1000;

/** The first error line of a failed run's stderr, else its last line. */
function failure(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => /error/i.test(line)) ?? lines[lines.length - 1] ?? '';
}

/** Runs the command with this build's CLI (`cli/main.js` next to this module), from `root`. */
export function runEndToEnd(root: string, backend: string, steps: number, evalEvery: number): EndToEnd {
  const cli = path.join(__dirname, '..', 'cli', 'main.js');
  const args = [
    'train', 'vae', '--dataset', 'fashion-mnist', '--estimators', 'disarm', '--steps', String(steps), '--batch', '50', '--lr', '1e-4',
    '--eval-every', String(evalEvery), '--test-examples', String(E2E_TEST_EXAMPLES), '--backend', backend, '--json',
  ];
  const report: EndToEnd = { command: `${path.relative(root, cli)} ${args.join(' ')}`, backend, steps, evalEvery };
  const start = performance.now();
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, STOCHGRAD_BACKEND: '' } });
  const wallSeconds = (performance.now() - start) / 1000;
  if (run.status !== 0) return { ...report, error: `exit ${run.status}: ${failure(run.stderr || run.error?.message || '')}` };
  const lines = run.stdout.trim().split('\n');
  const { results } = JSON.parse(lines[lines.length - 1]) as { results: { steps: number; seconds: number }[] };
  const { seconds } = results[0];
  const stepsPerSecond = results[0].steps / seconds;
  return { ...report, seconds, wallSeconds, stepsPerSecond, hoursFor100k: 1e5 / stepsPerSecond / 3600 };
}
