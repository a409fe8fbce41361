/**
 * Structured output prediction (MuProp, Gu et al. 2016; ARM, Yin & Zhou 2019): predict the
 * bottom half `y` of a digit from its top half `x` through stochastic binary layers.
 *
 * Layers `l = 1..L` with `latent = [n_1, …, n_L]`, `z_0 = x`:
 * - `p(z_l | z_{l−1}) = Bernoulli(σ(s_l(z_{l−1})))`, `p(y | z_L) = Bernoulli(σ(out(z_L)))`.
 * - `'linear'`: `s_l(z) = z · s{l}.w + s{l}.b` (`s{l}.w` `[n_{l−1}, n_l]`, `n_0 = input`) and
 *   `out(z) = z · out.w + out.b` (`out.w` `[n_L, output]`).
 * - `'nonlinear'`: two deterministic LeakyReLU(0.3) layers of `hidden` (200) units before each
 *   of those: `s{l}.h1.w` `[n_{l−1}, 200]`, `s{l}.h2.w` `[200, 200]`, then `s{l}.w`
 *   `[200, n_l]`; `out.h1.w` `[n_L, 200]`, `out.h2.w` `[200, 200]`, then `out.w`
 *   `[200, output]`; each with its bias `….b`.
 *
 * Objective (maximised): the m-sample bound `log (1/m) Σ_k p(y | z_L^{(k)})` with
 * `z^{(1)}, …, z^{(m)}` drawn independently from `p(z | x)`, `m = options.samples`; gradients are
 * of its batch mean. m = 1 is the expected log-likelihood `E log p(y | z)`; as m grows the bound
 * rises to `log p(y | x)`.
 *
 * How the m draws fit every estimator: the m copies of layer l are one *joint* layer of
 * `m · n_l` units per example (copy k in columns `k·n_l … (k+1)·n_l − 1`), whose copies
 * depend only on the same copy of the parent. The m-sample objective is then an ordinary chain
 * objective of the joint layers, one row per example, so every network estimator — signal or
 * pathwise — is correct for any m without any change to the chain machinery. Estimators that
 * need several draws (reinforce-loo: 2) draw that many independent joint samples per example;
 * its leave-one-out baseline is across them, and the gradient and objective are their mean.
 *
 * The m-sample objective is the k-sample bound (k = m) of the log-weight `F = log p(y | z_L)`
 * (the draws come from the prior `p(z | x)`, so there is no `log q` term), so vimco, the
 * estimator of that bound, applies as it is: it takes the m draws as its own group of k = m ≥ 2
 * draws (one copy per draw), the output layer gets the bound's own gradient at the draws and the
 * stochastic layers vimco's. For vimco, `samples` is therefore both m and its k.
 */
import { estimatorParameterNames } from './estimator-parameters';
import * as tf from '@tensorflow/tfjs';
import { logBernoulli } from '../core/bernoulli';
import { randomSeed } from '../core/random';
import { ArgumentError, checkFlag, checkInteger, messages } from '../errors';
import { DEFAULT_SETTINGS, networkEstimator, type EstimatorSettings } from '../estimators/layer';
import { objectiveOf } from '../estimators/types';
import { pathObjective, samplePath, type Chain } from './chain';
import { chainGradients, chainNoise, checkGenerativeDraws, type GenerativeDraws } from './chain-gradients';
import { chainExact } from './chain-exact';
import { mlp, MLP_KINDS, mlpSpecs, type MlpKind } from './mlp';
import type { EstimatorArgument, GradientOptions, GradientResult, JsonValue, Model, NestedArray } from './model';
import { createBaselineStore } from './baseline-store';
import { inputBaseline, inputBaselineSpecs } from './input-baseline';
import { steinFunction, steinFunctionSpecs } from './stein-function';
import { checkPixels } from './check-pixels';
import {
  assignParameters,
  createParameters,
  disposeParameters,
  type Parameters,
  type ParameterSpec,
} from './parameters';

export type SopKind = MlpKind;
export const SOP_KINDS: readonly SopKind[] = MLP_KINDS;

/** One batch: the observed halves `x` `[n, input]` and the predicted halves `y` `[n, output]`, binary. */
export interface SopBatch {
  x: tf.Tensor2D;
  y: tf.Tensor2D;
}

export interface SopConfig {
  /** Units of x (default 392, the top half of a 28×28 digit). */
  input?: number;
  /** Units of y (default 392, the bottom half). */
  output?: number;
  /** Units of each stochastic layer, next to x first (default [200]; the papers use one or two). */
  latent?: number[];
  kind: SopKind;
  /** Deterministic units of the nonlinear kind's hidden layers (default 200). */
  hidden?: number;
  /** Seed of the initial parameters. */
  seed?: number;
  /** Estimator settings (temperature, slope, decay, eta); defaults as `estimate`. */
  settings?: Partial<EstimatorSettings>;
  /**
   * Which draw the output layer's gradient comes from under a score-function-family estimator:
   * `'independent'` (default; one joint draw of its own) or `'shared'` (the estimator's draws).
   */
  generativeDraws?: GenerativeDraws;
  /**
   * Give every stochastic layer a learned input-dependent baseline `b_l(x, y)` on both halves
   * (input-baseline.ts; MuProp's Table 2: "uses both the input and output as its input"), which
   * nvil and muprop-c-idb need. Default false.
   */
  inputBaseline?: boolean;
  /**
   * Give every stochastic layer RODEO's learned function (stein-function.ts), which the
   * estimators with `learned: 'stein-function'` (rodeo) need. Default false.
   */
  steinFunction?: boolean;
}

export interface Sop extends Model<SopBatch> {
  readonly config: Readonly<Required<Omit<SopConfig, 'settings'>>>;
  readonly estimatorParameters: readonly string[];
  /**
   * By enumeration (`m · Σ n_l ≤ 20`) for `m = options.samples` (default 1): `log p(y | x)`,
   * the exact m-sample objective per example (`[n]` each) and the exact gradient of its batch mean.
   */
  exact(
    batch: SopBatch,
    options?: { samples?: number },
  ): { logLikelihood: tf.Tensor1D; objective: tf.Tensor1D; gradients: Record<string, tf.Tensor> };
  /** The test NLL `−log (1/m) Σ_k p(y | x, z_k)` per example, `[n]` (m = 100 by default). */
  nll(batch: SopBatch, options?: { m?: number; seed?: number }): tf.Tensor1D;
  /** Moving-average baseline states of the baseline estimators, per estimator, m and layer. */
  getState(): JsonValue;
  setState(state: JsonValue): void;
  dispose(): void;
}

/** Draws (examples × m) per chunk in `nll`, to keep memory bounded on whole data sets. */
const CHUNK_DRAWS = 5000;
/** Pixels of a 28×28 digit and of its top half (rows 0–13). */
const IMAGE_PIXELS = 784;
const HALF_PIXELS = 392;

function checkConfig(config: SopConfig): void {
  if (config == null || typeof config !== 'object')
    throw new ArgumentError('config', 'expected { kind, input?, output?, latent?, hidden?, seed? }');
  if (config.input !== undefined) checkInteger('config.input', config.input, 1);
  if (config.output !== undefined) checkInteger('config.output', config.output, 1);
  if (config.latent !== undefined) {
    if (!Array.isArray(config.latent) || config.latent.length === 0) {
      throw new ArgumentError(
        'config.latent',
        `expected a non-empty array of layer sizes, got ${JSON.stringify(config.latent)}`,
      );
    }
    config.latent.forEach((n, l) => checkInteger(`config.latent[${l}]`, n, 1));
  }
  if (!SOP_KINDS.includes(config.kind))
    throw new ArgumentError('config.kind', messages.unknownName('kind', String(config.kind), SOP_KINDS));
  if (config.hidden !== undefined) checkInteger('config.hidden', config.hidden, 1);
  if (config.seed !== undefined) checkInteger('config.seed', config.seed, 0);
  checkFlag('config.inputBaseline', config.inputBaseline);
  checkFlag('config.steinFunction', config.steinFunction);
}

/** The parameter list in creation order: the stochastic layers, then the output layer. */
function sopSpecs(input: number, output: number, latent: number[], hidden: number, kind: SopKind): ParameterSpec[] {
  const sizes = [input, ...latent];
  const specs = latent.flatMap((_, l) => mlpSpecs(`s${l + 1}`, sizes[l], sizes[l + 1], hidden, kind));
  return [...specs, ...mlpSpecs('out', latent[latent.length - 1], output, hidden, kind)];
}

/** `[rows, d]` → `[rows, m·d]`: the same values in every copy. */
function repeatCopies(t: tf.Tensor2D, m: number): tf.Tensor2D {
  return m === 1 ? t : tf.tile(t, [1, m]);
}

/** `layer` applied to each of the m copies in the columns of `z`: `[rows, m·a]` → `[rows, m·b]`. */
function perCopy(z: tf.Tensor2D, m: number, layer: (copies: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
  const rows = z.shape[0];
  return tf.reshape(layer(tf.reshape(z, [rows * m, z.shape[1] / m])), [rows, -1]);
}

/**
 * The model as a chain of joint layers (m copies side by side, see the module comment) over the
 * batch: logits of layer l from its parent, term 0 for l < L and `log (1/m) Σ_k p(y | z_L^{(k)})`
 * for the last layer.
 */
function sopChain(
  parameters: Parameters,
  latent: number[],
  kind: SopKind,
  batch: SopBatch,
  m: number,
  learned: boolean,
  stein: boolean,
): Chain {
  const last = latent.length - 1;
  const [n, output] = batch.y.shape;
  return {
    ...(stein ? { stein: (l: number, inputs: tf.Tensor2D) => steinFunction(parameters, l, inputs) } : {}),
    ...(learned
      ? { baseline: (l: number) => inputBaseline(parameters, l, tf.concat([batch.x, batch.y], 1) as tf.Tensor2D) }
      : {}),
    input: batch.x,
    units: latent.map((n) => m * n),
    logits: (l, parent) =>
      l === 0
        ? repeatCopies(mlp(parameters, 's1', kind, parent), m)
        : perCopy(parent, m, (copies) => mlp(parameters, `s${l + 1}`, kind, copies)),
    term: (l, _parent, z) => {
      const rows = z.shape[0];
      if (l < last) return tf.zeros([rows]) as tf.Tensor1D;
      // Rows are `rows / n` blocks of the n examples: y broadcasts over blocks and copies.
      const logits = perCopy(z, m, (copies) => mlp(parameters, 'out', kind, copies)).reshape([rows / n, n, m, output]);
      const logLikelihoods = logBernoulli(batch.y.reshape([1, n, 1, output]), logits).reshape([rows, m]);
      return (
        m === 1 ? logLikelihoods.reshape([rows]) : tf.sub(tf.logSumExp(logLikelihoods, 1), Math.log(m))
      ) as tf.Tensor1D;
    },
  };
}

function checkHalves(argument: string, t: unknown, units: number, unitsName: string): tf.Tensor2D {
  if (!(t instanceof tf.Tensor))
    throw new ArgumentError(argument, `expected a tf.Tensor2D [n, ${units}], got ${typeof t}`);
  if (t.rank !== 2 || t.shape[1] !== units || t.shape[0] < 1)
    throw new ArgumentError(argument, messages.shape(`[n, ${unitsName} = ${units}]`, t.shape));
  if (t.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(t.dtype));
  return t as tf.Tensor2D;
}

function checkBatch(batch: unknown, input: number, output: number): SopBatch {
  if (batch == null || typeof batch !== 'object')
    throw new ArgumentError('batch', 'expected { x: tf.Tensor2D, y: tf.Tensor2D }');
  const { x, y } = batch as SopBatch;
  checkHalves('batch.x', x, input, 'input');
  checkHalves('batch.y', y, output, 'output');
  if (x.shape[0] !== y.shape[0])
    throw new ArgumentError('batch.y', `expected as many rows as batch.x (${x.shape[0]}), got ${y.shape[0]}`);
  return { x, y };
}

/** Runs `run` on chunks of at most `size` examples and concatenates the per-example results. */
function inChunks(batch: SopBatch, size: number, run: (chunk: SopBatch, offset: number) => tf.Tensor1D): tf.Tensor1D {
  const n = batch.x.shape[0];
  const parts: tf.Tensor1D[] = [];
  for (let start = 0; start < n; start += size) {
    const rows = Math.min(size, n - start);
    parts.push(
      tf.tidy(() =>
        run({ x: tf.slice(batch.x, [start, 0], [rows, -1]), y: tf.slice(batch.y, [start, 0], [rows, -1]) }, start),
      ),
    );
  }
  const result = parts.length === 1 ? parts[0] : (tf.concat(parts) as tf.Tensor1D);
  if (parts.length > 1) parts.forEach((p) => p.dispose());
  return result;
}

/**
 * Splits 28×28 digits `[n, 784]` (row-major) into `{ x: rows 0–13, y: rows 14–27 }`, `[n, 392]`
 * each. A thin local helper; the data module's `splitHalves` is the general one.
 */
export function sopBatchFrom(images: tf.Tensor2D): SopBatch {
  checkHalves('images', images, IMAGE_PIXELS, '28 × 28');
  return tf.tidy(() => {
    const [x, y] = tf.split(images, 2, 1) as tf.Tensor2D[];
    return { x, y } as unknown as tf.TensorContainer;
  }) as unknown as SopBatch;
}

/** Creates a structured output prediction model; see the module comment for the parameter names. */
export function createSop(config: SopConfig): Sop {
  checkConfig(config);
  const { kind } = config;
  const input = config.input ?? HALF_PIXELS;
  const output = config.output ?? HALF_PIXELS;
  const latent = [...(config.latent ?? [200])];
  const hidden = config.hidden ?? 200;
  const seed = config.seed ?? randomSeed();
  const settings: EstimatorSettings = { ...DEFAULT_SETTINGS, ...config.settings };
  const generativeDraws = checkGenerativeDraws('config.generativeDraws', config.generativeDraws);
  const learned = config.inputBaseline === true;
  const stein = config.steinFunction === true;
  const specs = [
    ...sopSpecs(input, output, latent, hidden, kind),
    ...(learned ? inputBaselineSpecs(latent.length, input + output) : []),
    ...(stein ? steinFunctionSpecs(latent.length) : []),
  ];
  const parameters = createParameters(specs, seed);
  const chainOf = (batch: SopBatch, m: number) => sopChain(parameters, latent, kind, batch, m, learned, stein);
  const baselines = createBaselineStore();

  return {
    config: {
      input,
      output,
      latent: [...latent],
      kind,
      hidden,
      seed,
      generativeDraws,
      inputBaseline: learned,
      steinFunction: stein,
    },
    estimatorParameters: estimatorParameterNames(parameters),
    parameters,
    setParameters: (values: Readonly<Record<string, tf.Tensor | NestedArray>>) => assignParameters(parameters, values),
    gradients(estimator: EstimatorArgument, batch: SopBatch, options: GradientOptions = {}): GradientResult {
      const resolved = networkEstimator(estimator);
      const checked = checkBatch(batch, input, output);
      checkPixels('x', checked.x);
      checkPixels('y', checked.y);
      const m = checkInteger('options.samples', options.samples ?? 1, 1);
      if (options.seed !== undefined) checkInteger('options.seed', options.seed, 0);
      const owner = 'structured output prediction';
      if (objectiveOf(resolved.spec) === 'k-sample-bound') {
        // The m-sample objective is the k-sample bound of F = log p(y | z_L) with k = m: the m
        // draws are the estimator's own group (one copy per draw), not a joint layer.
        return chainGradients(chainOf(checked, 1), resolved, parameters, {
          samples: m,
          seed: options.seed ?? randomSeed(),
          settings,
          objective: 'k-sample-bound',
          owner,
        });
      }
      // The baseline states' widths depend on m (the joint layers), so each m keeps its own.
      const layerBaselines = baselines.layers(`${resolved.name}:${m}`, latent.length);
      return chainGradients(chainOf(checked, m), resolved, parameters, {
        owner,
        samples: resolved.spec?.minSamples ?? 1,
        seed: options.seed ?? randomSeed(),
        settings,
        baselines: layerBaselines,
        generativeDraws,
      });
    },
    exact(batch: SopBatch, options: { samples?: number } = {}) {
      const checked = checkBatch(batch, input, output);
      const m = checkInteger('options.samples', options.samples ?? 1, 1);
      const { expectation, logMeanExp, gradients } = chainExact(chainOf(checked, m), parameters);
      return { logLikelihood: logMeanExp, objective: expectation, gradients };
    },
    nll(batch: SopBatch, options: { m?: number; seed?: number } = {}) {
      const checked = checkBatch(batch, input, output);
      const m = checkInteger('options.m', options.m ?? 100, 1);
      if (options.seed !== undefined) checkInteger('options.seed', options.seed, 0);
      const drawSeed = options.seed ?? randomSeed();
      return inChunks(checked, Math.max(1, Math.floor(CHUNK_DRAWS / m)), (chunk, offset) => {
        const chain = chainOf(chunk, m);
        const path = samplePath(chain, chunk.x, chainNoise(chain, chunk.x.shape[0], drawSeed + offset));
        return tf.neg(pathObjective(chain, path)) as tf.Tensor1D;
      });
    },
    getState: () => baselines.getState(),
    setState: (state: JsonValue) => baselines.setState(state),
    dispose: () => disposeParameters(parameters),
  };
}
