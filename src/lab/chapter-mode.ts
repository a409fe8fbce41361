/**
 * How much a chapter computes: `full` (the book's numbers), `workshop` (every chapter in well under
 * a minute on a laptop, with curves that still show the point) or `fast` (the test suite's smoke
 * run, too short to teach from). A chapter's parameters cell reads the mode once and sizes its
 * knobs with `byMode`:
 *
 * ```ts
 * let MODE = chapterMode();   // or write "workshop" here
 * let SAMPLES = byMode(MODE, { full: 40000, workshop: 10000, fast: 4000 });
 * ```
 */
import { ArgumentError, messages } from '../errors';

export type ChapterMode = 'full' | 'workshop' | 'fast';
export const CHAPTER_MODES: readonly ChapterMode[] = ['full', 'workshop', 'fast'];

/** The environment variable naming the mode (`STOCHGRAD_FAST=1`, the test suite's, means `fast`). */
export const CHAPTER_MODE_ENV = 'STOCHGRAD_MODE';

/** Node's environment, read through `globalThis` so that the browser bundle names no Node global. */
function environment(): Record<string, string | undefined> {
  const host = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return host.process?.env ?? {};
}

/**
 * The mode from the environment: `STOCHGRAD_MODE` when set (an unknown value is an error), else
 * `fast` when `STOCHGRAD_FAST=1`, else `full`. In a browser, `full`.
 */
export function chapterMode(env: Record<string, string | undefined> = environment()): ChapterMode {
  const named = env[CHAPTER_MODE_ENV];
  if (named !== undefined && named !== '') return checkMode(CHAPTER_MODE_ENV, named);
  return env.STOCHGRAD_FAST === '1' ? 'fast' : 'full';
}

/** `values[mode]`, with an error naming the mode or the missing value. */
export function byMode<T>(mode: ChapterMode, values: { full: T; workshop: T; fast: T }): T {
  checkMode('mode', mode);
  if (values == null || typeof values !== 'object')
    throw new ArgumentError('values', 'expected { full, workshop, fast }');
  for (const key of CHAPTER_MODES) {
    if (!(key in values))
      throw new ArgumentError(`values.${key}`, 'missing: give a value for each of full, workshop, fast');
  }
  return values[mode];
}

function checkMode(argument: string, mode: unknown): ChapterMode {
  if (!CHAPTER_MODES.includes(mode as ChapterMode))
    throw new ArgumentError(argument, messages.unknownName('mode', String(mode), CHAPTER_MODES));
  return mode as ChapterMode;
}
