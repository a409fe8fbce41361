/**
 * Sigmoid-belief-net VAEs with binary latent layers (the VAEs of MuProp, ARM and DisARM).
 *
 * Layers `l = 1..L` with `latent = [n_1, …, n_L]`, `z_0 = x` (binary pixels):
 * - `q(z_l | z_{l−1}) = Bernoulli(σ(enc_l(z_{l−1})))`, `p(z_L) = Bernoulli(σ(prior.b))`,
 *   `p(z_{l−1} | z_l) = Bernoulli(σ(dec_l(z_l)))`.
 * - `'linear'`: `enc_l(z) = z · q{l}.w + q{l}.b` (`q{l}.w` `[n_{l−1}, n_l]`), and
 *   `dec_l(z) = z · p{l}.w + p{l}.b` (`p{l}.w` `[n_l, n_{l−1}]`).
 * - `'nonlinear'` (ARM/DisARM's): two deterministic LeakyReLU(0.3) layers of `hidden` (200)
 *   units before each of those: `q{l}.h1.w` `[n_{l−1}, 200]`, `q{l}.h2.w` `[200, 200]`, then
 *   `q{l}.w` `[200, n_l]`; `p{l}.h1.w` `[n_l, 200]`, `p{l}.h2.w` `[200, 200]`, then `p{l}.w`
 *   `[200, n_{l−1}]`; each with its bias `….b`.
 *
 * The log-weight per example and draw is `F = log p(x, z) − log q(z | x)`. The objective
 * (`config.objective`) is its mean over draws, the ELBO (`'elbo'`, default), or the k-sample
 * bound `log (1/k) Σ_j exp F(z_j)` over the k = `samples` draws of each example
 * (`'k-sample-bound'`, Burda et al.'s importance-weighted bound, which VIMCO trains). Gradients are
 * of the batch mean (ascent). Each objective takes the estimators of its own gradient (their
 * registry entries' `objective`): vimco the k-sample bound, every other one the ELBO.
 */
import { estimatorParameterNames } from './estimator-parameters';
import * as tf from '@tensorflow/tfjs';
import { logBernoulli } from '../core/bernoulli';
import { randomSeed } from '../core/random';
import { ArgumentError, checkFlag, checkInteger, messages } from '../errors';
import { DEFAULT_SETTINGS, networkEstimator, type EstimatorSettings } from '../estimators/layer';
import { pathObjective, sampleFromInput, type Chain } from './chain';
import { chainGradients, chainNoise, checkGenerativeDraws, type GenerativeDraws } from './chain-gradients';
import { chainBoundExact, chainExact } from './chain-exact';
import type { EstimatorArgument, GradientOptions, GradientResult, JsonValue, Model, NestedArray } from './model';
import { mlp, MLP_KINDS, mlpSpecs, type MlpKind } from './mlp';
import { createBaselineStore } from './baseline-store';
import { inputBaseline, inputBaselineSpecs } from './input-baseline';
import { checkPixels } from './check-pixels';
import { steinFunction, steinFunctionSpecs } from './stein-function';
import {
  assignParameters,
  createParameters,
  disposeParameters,
  type Parameters,
  type ParameterSpec,
} from './parameters';

export type SbnKind = MlpKind;
export const SBN_KINDS: readonly SbnKind[] = MLP_KINDS;

/** What the VAE trains: the ELBO `E[F]`, or the k-sample bound `E[log (1/k) Σ_j exp F(z_j)]`. */
export type VaeObjective = 'elbo' | 'k-sample-bound';
export const VAE_OBJECTIVES: readonly VaeObjective[] = ['elbo', 'k-sample-bound'];

/** `value` (default `'elbo'`) checked, or an error naming `argument` and the valid values. */
export function checkVaeObjective(argument: string, value: unknown): VaeObjective {
  const objective = value ?? 'elbo';
  if (!VAE_OBJECTIVES.includes(objective as VaeObjective))
    throw new ArgumentError(argument, messages.unknownName('objective', String(objective), VAE_OBJECTIVES));
  return objective as VaeObjective;
}

export interface SbnVaeConfig {
  /** Visible units (784 for 28×28 digits). */
  visible: number;
  /** Units of each stochastic layer, bottom (next to x) first. */
  latent: number[];
  kind: SbnKind;
  /** Seed of the initial parameters. */
  seed?: number;
  /** Deterministic units of the nonlinear kind's hidden layers (default 200). */
  hidden?: number;
  /** Estimator settings (temperature, slope, decay, eta); defaults as `estimate`. */
  settings?: Partial<EstimatorSettings>;
  /**
   * Which draw the decoder's and prior's gradients come from under a score-function-family
   * estimator: `'independent'` (default; one draw of their own, the same for every estimator) or
   * `'shared'` (the estimator's own draws). See chain-gradients.ts.
   */
  generativeDraws?: GenerativeDraws;
  /**
   * Give every stochastic layer a learned input-dependent baseline `b_l(x)` (input-baseline.ts),
   * which the estimators with `learned: 'input-baseline'` (nvil, muprop-c-idb) need. Default false.
   */
  inputBaseline?: boolean;
  /**
   * Give every stochastic layer RODEO's learned function (stein-function.ts), which the
   * estimators with `learned: 'stein-function'` (rodeo) need. Default false.
   */
  steinFunction?: boolean;
  /**
   * The objective trained (default `'elbo'`): `'k-sample-bound'` trains the importance-weighted
   * bound over the `samples` (k ≥ 2) draws of each example, the decoder and prior by its own
   * gradient at the draws and the encoder by vimco, the one estimator of that objective.
   */
  objective?: VaeObjective;
}

export interface SbnVae extends Model<tf.Tensor2D> {
  readonly config: Readonly<Required<Omit<SbnVaeConfig, 'settings' | 'seed'>>> & { seed: number };
  readonly estimatorParameters: readonly string[];
  /** Exact ELBO, log-likelihood (`[n]` each) and ELBO gradients by enumeration (`Σ n_l ≤ 20`). */
  exact(x: tf.Tensor2D): { elbo: tf.Tensor1D; logLikelihood: tf.Tensor1D; gradients: Record<string, tf.Tensor> };
  /**
   * The exact k-sample bound per row (`[n]`) and the exact gradient of its batch mean, by
   * enumeration of every k-tuple of draws (`k · Σ n_l ≤ 20`); k = 1 is the ELBO.
   */
  exactBound(x: tf.Tensor2D, options: { k: number }): { bound: tf.Tensor1D; gradients: Record<string, tf.Tensor> };
  /** The k-sample importance-weighted bound on `log p(x)` per row, `[n]` (k = 100 by default). */
  bound(x: tf.Tensor2D, options?: { k?: number; seed?: number }): tf.Tensor1D;
  /** The ELBO per row averaged over `samples` draws, `[n]`. */
  elbo(x: tf.Tensor2D, options?: { samples?: number; seed?: number }): tf.Tensor1D;
  /** Moving-average baseline states of the baseline estimators, per estimator and layer. */
  readonly signature: string;
  getState(): JsonValue;
  setState(state: JsonValue): void;
  dispose(): void;
}

/** Rows per chunk in `bound` and `elbo`, to keep memory bounded on whole data sets. */
const CHUNK_ROWS = 5000;

function checkConfig(config: SbnVaeConfig): void {
  if (config == null || typeof config !== 'object')
    throw new ArgumentError('config', 'expected { visible, latent, kind }');
  checkInteger('config.visible', config.visible, 1);
  if (!Array.isArray(config.latent) || config.latent.length === 0) {
    throw new ArgumentError(
      'config.latent',
      `expected a non-empty array of layer sizes, got ${JSON.stringify(config.latent)}`,
    );
  }
  config.latent.forEach((n, l) => checkInteger(`config.latent[${l}]`, n, 1));
  if (!SBN_KINDS.includes(config.kind))
    throw new ArgumentError('config.kind', messages.unknownName('kind', String(config.kind), SBN_KINDS));
  checkFlag('config.inputBaseline', config.inputBaseline);
  checkFlag('config.steinFunction', config.steinFunction);
  checkVaeObjective('config.objective', config.objective);
  if (config.hidden !== undefined) checkInteger('config.hidden', config.hidden, 1);
  if (config.seed !== undefined) checkInteger('config.seed', config.seed, 0);
}

/** The parameter list in creation order: encoder, decoder per layer, then the prior. */
function vaeSpecs(visible: number, latent: number[], hidden: number, kind: SbnKind): ParameterSpec[] {
  const sizes = [visible, ...latent];
  const specs: ParameterSpec[] = [];
  latent.forEach((_, l) => {
    specs.push(...mlpSpecs(`q${l + 1}`, sizes[l], sizes[l + 1], hidden, kind));
    specs.push(...mlpSpecs(`p${l + 1}`, sizes[l + 1], sizes[l], hidden, kind));
  });
  specs.push({ name: 'prior.b', shape: [latent[latent.length - 1]], init: 'zeros' });
  return specs;
}

/**
 * The VAE as a chain over the batch `x`: term l = log p(z_{l−1} | z_l) − log q(z_l | z_{l−1}) (+ log p(z_L)),
 * and with `learned` each layer's input-dependent baseline b_l(x).
 */
function vaeChain(
  parameters: Parameters,
  latent: number[],
  kind: SbnKind,
  x: tf.Tensor2D,
  learned: boolean,
  stein: boolean,
): Chain {
  const last = latent.length - 1;
  return {
    ...(learned ? { baseline: (l: number) => inputBaseline(parameters, l, x) } : {}),
    ...(stein ? { stein: (l: number, inputs: tf.Tensor2D) => steinFunction(parameters, l, inputs) } : {}),
    input: x,
    units: latent,
    logits: (l, parent) => mlp(parameters, `q${l + 1}`, kind, parent),
    term: (l, parent, z, logits) => {
      const reconstruction = logBernoulli(parent, mlp(parameters, `p${l + 1}`, kind, z));
      const entropy = logBernoulli(z, logits);
      const own = tf.sub(reconstruction, entropy);
      return (l === last ? tf.add(own, logBernoulli(z, parameters['prior.b'])) : own) as tf.Tensor1D;
    },
  };
}

function checkBatch(argument: string, x: unknown, visible: number): tf.Tensor2D {
  if (!(x instanceof tf.Tensor))
    throw new ArgumentError(argument, `expected a tf.Tensor2D [n, ${visible}], got ${typeof x}`);
  if (x.rank !== 2 || x.shape[1] !== visible || x.shape[0] < 1)
    throw new ArgumentError(argument, messages.shape(`[n, ${visible}]`, x.shape));
  if (x.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(x.dtype));
  return x as tf.Tensor2D;
}

/** Processes rows in chunks of at most CHUNK_ROWS draws and concatenates the per-row results. */
function inChunks(
  x: tf.Tensor2D,
  drawsPerRow: number,
  run: (chunk: tf.Tensor2D, offset: number) => tf.Tensor1D,
): tf.Tensor1D {
  const n = x.shape[0];
  const size = Math.max(1, Math.floor(CHUNK_ROWS / drawsPerRow));
  const parts: tf.Tensor1D[] = [];
  for (let start = 0; start < n; start += size) {
    parts.push(tf.tidy(() => run(tf.slice(x, [start, 0], [Math.min(size, n - start), -1]), start)));
  }
  const result = parts.length === 1 ? parts[0] : (tf.concat(parts) as tf.Tensor1D);
  if (parts.length > 1) parts.forEach((p) => p.dispose());
  return result;
}

/** Creates an SBN VAE; see the module comment for the parameter names and shapes. */
export function createSbnVae(config: SbnVaeConfig): SbnVae {
  checkConfig(config);
  const { visible, latent, kind } = config;
  const hidden = config.hidden ?? 200;
  const seed = config.seed ?? randomSeed();
  const settings: EstimatorSettings = { ...DEFAULT_SETTINGS, ...config.settings };
  const generativeDraws = checkGenerativeDraws('config.generativeDraws', config.generativeDraws);
  const learned = config.inputBaseline === true;
  const stein = config.steinFunction === true;
  const objective = checkVaeObjective('config.objective', config.objective);
  const specs = [
    ...vaeSpecs(visible, latent, hidden, kind),
    ...(learned ? inputBaselineSpecs(latent.length, visible) : []),
    ...(stein ? steinFunctionSpecs(latent.length) : []),
  ];
  const parameters = createParameters(specs, seed);
  const chainOf = (x: tf.Tensor2D) => vaeChain(parameters, latent, kind, x, learned, stein);
  const baselines = createBaselineStore();

  /** Log importance weights `F` of `draws` samples per row: `[draws, n]`. */
  const logWeights = (x: tf.Tensor2D, draws: number, drawSeed: number): tf.Tensor2D => {
    const chain = chainOf(x);
    const rows = x.shape[0] * draws;
    const path = sampleFromInput(chain, rows, chainNoise(chain, rows, drawSeed));
    return pathObjective(chain, path).reshape([draws, x.shape[0]]) as tf.Tensor2D;
  };

  return {
    config: {
      visible,
      latent: [...latent],
      kind,
      hidden,
      seed,
      generativeDraws,
      inputBaseline: learned,
      steinFunction: stein,
      objective,
    },
    estimatorParameters: estimatorParameterNames(parameters),
    parameters,
    setParameters: (values: Readonly<Record<string, tf.Tensor | NestedArray>>) => assignParameters(parameters, values),
    gradients(estimator: EstimatorArgument, x: tf.Tensor2D, options: GradientOptions = {}): GradientResult {
      const resolved = networkEstimator(estimator);
      checkBatch('x', x, visible);
      checkPixels('x', x);
      const samples = options.samples ?? 1;
      checkInteger('options.samples', samples, 1);
      if (options.seed !== undefined) checkInteger('options.seed', options.seed, 0);
      const layerBaselines = baselines.layers(resolved.name, latent.length);
      return chainGradients(chainOf(x), resolved, parameters, {
        samples,
        seed: options.seed ?? randomSeed(),
        settings,
        baselines: layerBaselines,
        generativeDraws,
        objective: objective === 'elbo' ? 'expectation' : 'k-sample-bound',
        owner: `the SBN VAE with objective '${objective}'`,
      });
    },
    exactBound(x: tf.Tensor2D, options: { k: number }) {
      checkBatch('x', x, visible);
      const k = checkInteger('options.k', options?.k, 1);
      return chainBoundExact(chainOf(x), parameters, k);
    },
    exact(x: tf.Tensor2D) {
      checkBatch('x', x, visible);
      const { expectation, logMeanExp, gradients } = chainExact(chainOf(x), parameters);
      return { elbo: expectation, logLikelihood: logMeanExp, gradients };
    },
    bound(x: tf.Tensor2D, options: { k?: number; seed?: number } = {}) {
      checkBatch('x', x, visible);
      const k = checkInteger('options.k', options.k ?? 100, 1);
      const drawSeed = options.seed ?? randomSeed();
      return inChunks(
        x,
        k,
        (chunk, offset) => tf.sub(tf.logSumExp(logWeights(chunk, k, drawSeed + offset), 0), Math.log(k)) as tf.Tensor1D,
      );
    },
    elbo(x: tf.Tensor2D, options: { samples?: number; seed?: number } = {}) {
      checkBatch('x', x, visible);
      const samples = checkInteger('options.samples', options.samples ?? 1, 1);
      const drawSeed = options.seed ?? randomSeed();
      return inChunks(
        x,
        samples,
        (chunk, offset) => tf.mean(logWeights(chunk, samples, drawSeed + offset), 0) as tf.Tensor1D,
      );
    },
    signature: `sbn-vae kind=${kind} visible=${visible} latent=${latent.join(',')} hidden=${hidden} generative=${generativeDraws}${learned ? ' input-baseline' : ''}${stein ? ' stein-function' : ''}${objective === 'elbo' ? '' : ` objective=${objective}`}`,
    getState: () => baselines.getState(),
    setState: (state: JsonValue) => baselines.setState(state),
    dispose: () => disposeParameters(parameters),
  };
}
