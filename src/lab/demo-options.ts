/**
 * The settings shared by the chapters' one-model demos (`trainVaeDemo`, `trainSopDemo`): what is
 * trained, how long and how, checked once, with the estimator resolved and every default filled in.
 */
import { ArgumentError, checkInteger, checkPositive } from '../errors';
import { networkEstimator, type NetworkEstimator } from '../estimators/layer';

export interface DemoOptions<Kind extends string> {
  estimator: string;
  steps: number;
  /** Stochastic layers (default [200]) and their kind (default linear). */
  latent?: number[];
  kind?: Kind;
  /** Examples per step (default 50), Adam's step size (default 0.001), the seed of everything (default 1). */
  batch?: number;
  lr?: number;
  seed?: number;
  /** Evaluate every this many steps (default 10; also at step 0 and the end). */
  evalEvery?: number;
  /** Validation digits of the evaluation (the first of the split; the default is the demo's). */
  evalExamples?: number;
}

export interface CheckedDemoOptions<Kind extends string> {
  estimator: NetworkEstimator;
  steps: number;
  latent: number[];
  kind: Kind | 'linear';
  batch: number;
  lr: number;
  seed: number;
  evalEvery: number;
  evalExamples: number;
}

/** `options` checked (an ArgumentError names a bad one) with its defaults; `evalExamples` defaults to `examples`. */
export function checkDemoOptions<Kind extends string>(
  options: DemoOptions<Kind>,
  examples: number,
): CheckedDemoOptions<Kind> {
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected { estimator, steps }');
  const { steps, latent = [200], kind = 'linear', batch = 50, lr = 1e-3, seed = 1, evalEvery = 10 } = options;
  const evalExamples = options.evalExamples ?? examples;
  const estimator = networkEstimator(options.estimator, 'options.estimator');
  checkInteger('options.batch', batch, 1);
  checkPositive('options.lr', lr);
  checkInteger('options.evalExamples', evalExamples, 1);
  return { estimator, steps, latent, kind, batch, lr, seed, evalEvery, evalExamples };
}
