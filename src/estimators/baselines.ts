/**
 * Moving-average baselines computed from *earlier* draws only, so that the baseline of draw k
 * is independent of draw k and the score-function estimator stays unbiased.
 * Numerator and denominator are both exponential moving averages with the same weights, so
 * their ratio needs no start-up bias correction; before any draw the baseline is 0.
 */
import { ArgumentError, messages } from '../errors';
import type { BaselineState } from './types';

/** Empty state for `width` baselines. */
export function emptyBaseline(width: number): BaselineState {
  return { numerator: new Array(width).fill(0), denominator: new Array(width).fill(0) };
}

/** Validates a state handed back by the caller. */
export function checkBaseline(state: BaselineState | undefined, width: number): BaselineState {
  if (state === undefined) return emptyBaseline(width);
  const ok =
    Array.isArray(state.numerator) &&
    Array.isArray(state.denominator) &&
    state.numerator.length === width &&
    state.denominator.length === width;
  if (!ok) throw new ArgumentError('options.baseline', `expected numerator and denominator arrays of length ${width}`);
  if (![...state.numerator, ...state.denominator].every(Number.isFinite)) {
    throw new ArgumentError('options.baseline', messages.nonFinite('every entry'));
  }
  return { numerator: [...state.numerator], denominator: [...state.denominator] };
}

/**
 * Runs the moving averages over `rows` draws. `numeratorOf(k, j)` / `denominatorOf(k, j)` give
 * draw k's contribution to baseline j. Returns the baseline each draw saw (row-major
 * `[rows, width]`) and the state after the last draw.
 */
export function runningRatio(
  rows: number,
  start: BaselineState,
  decay: number,
  numeratorOf: (row: number, j: number) => number,
  denominatorOf: (row: number, j: number) => number,
): { baselines: Float32Array; state: BaselineState } {
  const width = start.numerator.length;
  const num = [...start.numerator];
  const den = [...start.denominator];
  const baselines = new Float32Array(rows * width);
  for (let k = 0; k < rows; k++) {
    for (let j = 0; j < width; j++) {
      baselines[k * width + j] = den[j] > 0 ? num[j] / den[j] : 0;
      num[j] = decay * num[j] + (1 - decay) * numeratorOf(k, j);
      den[j] = decay * den[j] + (1 - decay) * denominatorOf(k, j);
    }
  }
  return { baselines, state: { numerator: num, denominator: den } };
}
