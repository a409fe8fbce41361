/**
 * Any estimator through a `Chain`: the surrogate objective whose ordinary gradient is the
 * estimate (stochastic computation graphs, Schulman et al. 2015).
 *
 * - Signal estimators (REINFORCE family, AR, ARM, DisARM, MuProp): the path is sampled without
 *   gradients; each layer's `ĝ_φ` comes from `layerGradient` with the chain's completion from
 *   that layer as `f`; the surrogate is `mean F(θ; z′ fixed) + Σ_l ⟨stop(ĝ_l), φ_l(θ)⟩ / rows`,
 *   where F's own log q terms see φ as a constant (their gradient has expectation zero).
 *   The parameters that only F's terms use (a VAE's decoder and prior, a classifier's output
 *   layer, the gating network's experts) get the gradient of `mean F(θ; z′)`, and which draw
 *   `z′` is, is the `generativeDraws` convention:
 *   - `'independent'` (default): one draw per example of its own, from a stream independent of
 *     the estimator's draws, whatever the estimator (the convention of the DisARM authors' code,
 *     `estimate_gradients` in google-research `disarm/binary`). Every estimator's generative
 *     gradient then has the same distribution, so a comparison of estimators compares encoders.
 *   - `'shared'`: the estimator's own draws (their mean over `samples`; ARM's and DisARM's
 *     `b`), as stochgrad did before 0.3: an estimator with more draws (leave-one-out's 2) gets a
 *     less noisy generative gradient.
 * - Pathwise estimators (straight-through, relaxations, the gating unit types): each layer is
 *   sampled with the estimator's differentiable op and the objective is differentiated through.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';
import { bernoulliFromNoise } from '../core/bernoulli';
import { untaped } from '../core/untaped';
import { uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import {
  checkEstimatorObjective,
  checkLayerSamples,
  layerGradient,
  type EstimatorSettings,
  type NetworkEstimator,
} from '../estimators/layer';
import type { BaselineState, EstimatorObjective } from '../estimators/types';
import { completion, meanFieldExpansions, pathTerms, tileRows, type Chain, type Path } from './chain';

/** Which draws the generative parameters' gradients come from (see the module comment). */
export type GenerativeDraws = 'independent' | 'shared';
export const GENERATIVE_DRAWS: readonly GenerativeDraws[] = ['independent', 'shared'];

/** `value` (default `'independent'`) checked, or an error naming `argument` and the valid values. */
export function checkGenerativeDraws(argument: string, value: unknown): GenerativeDraws {
  const draws = value ?? 'independent';
  if (!GENERATIVE_DRAWS.includes(draws as GenerativeDraws))
    throw new ArgumentError(argument, messages.unknownName('generativeDraws', String(draws), GENERATIVE_DRAWS));
  return draws as GenerativeDraws;
}

export interface ChainGradientOptions {
  /** Draws per example. */
  samples: number;
  seed: number;
  /** Signal estimators: the draws of the generative parameters' gradients. Default `'independent'`. */
  generativeDraws?: GenerativeDraws;
  settings: EstimatorSettings;
  /** Per-layer baseline states (reinforce-ema, reinforce-optimal), updated in place. */
  baselines?: (BaselineState | undefined)[];
  /**
   * What is trained (default `'expectation'`, the mean of F over draws): `'k-sample-bound'` is
   * `log (1/k) Σ_j exp F(z_j)` over the `samples` = k draws of each example (`boundGradients`).
   * The estimator must estimate that objective's gradient (its registry entry's `objective`).
   */
  objective?: EstimatorObjective;
  /** Who asks, for the error when the estimator's objective is another (default `the model`). */
  owner?: string;
}

export interface ChainGradients {
  objective: tf.Scalar;
  gradients: Record<string, tf.Tensor>;
  /** With a variance-normalised estimator: layer l's divisor `s_l ≥ 1` (its logits' parameters' gradients are divided by it). */
  scales?: number[];
}

/** The uniforms of every layer, `[rows, d_l]`, each layer its own stream of `seed`. */
export function chainNoise(chain: Chain, rows: number, seed: number): tf.Tensor2D[] {
  return chain.units.map((d, layer) => uniformNoise(rows, d, deriveSeed(seed, layer)));
}

/** A scalar 0 whose gradient with respect to `x` is `gradient` (the surrogate `⟨stop(g), x⟩`). */
function withGradient(x: tf.Tensor, gradient: tf.Tensor): tf.Scalar {
  // Saved, because the tape's forward scope disposes everything else before backpropagation.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    (args[1] as tf.GradSaveFunc)([gradient]);
    return { value: tf.zeros([]), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  });
  return op(x) as tf.Scalar;
}

/** Gradients of `value()` for every named parameter (zeros for those it does not use). */
function namedGradients(value: () => tf.Scalar, parameters: Readonly<Record<string, tf.Variable>>): ChainGradients {
  const { value: objective, grads } = tf.variableGrads(value, Object.values(parameters));
  const gradients: Record<string, tf.Tensor> = {};
  for (const [name, variable] of Object.entries(parameters))
    gradients[name] = grads[variable.name] ?? tf.zerosLike(variable);
  return { objective, gradients };
}

/**
 * Layer `layer`'s logits for `rows` rows. The first layer's parent is the tiled input, whose
 * copies are the same examples: its logits are computed once per example and tiled (rows do not
 * interact), which saves the copies' forward and backward work when samples > 1.
 */
function layerLogits(chain: Chain, layer: number, parent: tf.Tensor2D, rows: number): tf.Tensor2D {
  return layer === 0 ? tileRows(chain.logits(0, chain.input), rows) : chain.logits(layer, parent);
}

/**
 * Samples the path on the tape: the logits of every layer stay differentiable (the surrogate's
 * `φ_l(θ)`), while the samples and the logits the estimator and the log q terms see are
 * untaped copies (constants). One forward pass serves the estimate and the surrogate.
 */
function tapedPath(chain: Chain, noise: readonly tf.Tensor2D[], rows: number): { path: Path; logits: tf.Tensor2D[] } {
  const path: Path = { parents: [], logits: [], z: [] };
  const logits: tf.Tensor2D[] = [];
  let parent = tileRows(chain.input, rows);
  chain.units.forEach((_, layer) => {
    const phi = layerLogits(chain, layer, parent, rows);
    const z = untaped(() => bernoulliFromNoise(phi, noise[layer]));
    logits.push(phi);
    path.parents.push(parent);
    path.logits.push(untaped(() => tf.clone(phi)));
    path.z.push(z);
    parent = z;
  });
  return { path, logits };
}

/** Stream of the independent generative draw: apart from the layers' streams (0, 1, …) and the estimators' (1000 + l). */
export const GENERATIVE_STREAM = 2000;

/**
 * One draw per example for the generative gradient, its tensors constants (off the tape): the
 * first layer's logits are the estimator path's first n rows (the same examples), the later
 * layers' computed from this draw's own parents.
 */
function generativePath(chain: Chain, path: Path, noise: readonly tf.Tensor2D[], n: number): Path {
  const own: Path = { parents: [], logits: [], z: [] };
  let parent = chain.input;
  chain.units.forEach((_, layer) => {
    const logits =
      layer > 0
        ? untaped(() => chain.logits(layer, parent))
        : path.logits[0].shape[0] === n
          ? path.logits[0]
          : untaped(() => tf.slice(path.logits[0], [0, 0], [n, -1]) as tf.Tensor2D);
    const z = untaped(() => bernoulliFromNoise(logits, noise[layer]));
    own.parents.push(parent);
    own.logits.push(logits);
    own.z.push(z);
    parent = z;
  });
  return own;
}

function signalGradients(
  chain: Chain,
  estimator: Extract<NetworkEstimator, { kind: 'signal' }>,
  parameters: Readonly<Record<string, tf.Variable>>,
  options: ChainGradientOptions,
): ChainGradients {
  checkLayerSamples(estimator, options.samples);
  const n = chain.input.shape[0];
  const rows = n * options.samples;
  const noise = chainNoise(chain, rows, options.seed);
  const { spec } = estimator;
  // MuProp's Taylor expansion at the mean field: only for the estimators that ask for it.
  const expansions = spec.networkGradient === 'mean-field' ? meanFieldExpansions(chain) : undefined;
  const independent = (options.generativeDraws ?? 'independent') === 'independent';
  const learned = estimator.spec.learned === 'input-baseline';
  if (learned && typeof chain.baseline !== 'function') {
    throw new ArgumentError(
      'estimator',
      `${estimator.name} subtracts a learned input-dependent baseline: create the model with inputBaseline: true`,
    );
  }
  const stein = spec.learned === 'stein-function';
  if (stein && typeof chain.stein !== 'function') {
    throw new ArgumentError(
      'estimator',
      `${estimator.name} trains a learned Stein control-variate function: create the model with steinFunction: true`,
    );
  }
  const generativeNoise = independent ? chainNoise(chain, n, deriveSeed(options.seed, GENERATIVE_STREAM)) : [];
  const scales: number[] = [];
  const result = namedGradients(() => {
    const { path, logits } = tapedPath(chain, noise, rows);
    // F's terms; their sums from layer l on are each completion's value at the path. On the tape
    // only when the estimator's draws also carry the generative gradient.
    const terms = independent ? untapedTerms(chain, path) : pathTerms(chain, path);
    const suffixes = terms.map((_, layer) =>
      layer === terms.length - 1 ? terms[layer] : (tf.addN(terms.slice(layer)) as tf.Tensor1D),
    );
    // ∂F/∂z_l at the path's draws (networkGradient: 'draws': double-cv, rodeo): one backward pass
    // through each layer's completion, once per layer, here because the estimators below run
    // untaped, where tf.grad records nothing.
    const slopes =
      spec.networkGradient === 'draws'
        ? chain.units.map((_, layer) => slopeAtDraws(chain, path, noise, layer))
        : undefined;
    // The learned baseline's values: on the tape for its regression step, a constant for the estimator.
    const baselines = learned ? chain.units.map((_, layer) => tileRows(chain.baseline!(layer), rows)) : [];
    const steinParts: { inputs: tf.Tensor2D; outputGradient: tf.Tensor2D }[] = [];
    // Each layer's ĝ_φ is computed off the tape: only the surrogate below is differentiated. With a
    // learned baseline the residual rides along as a last column (untaped returns one tensor); with
    // rodeo's learned function its inputs and the variance loss's gradient ride along, flattened.
    const outputs = chain.units.map((_, layer) => {
      const out = untaped(() => {
        const expansion = expansions?.[layer];
        const {
          gradient,
          baseline,
          residual,
          scale,
          stein: training,
        } = layerGradient(estimator, {
          logits: path.logits[layer],
          u: noise[layer],
          f: completion(chain, path, noise, layer, suffixes[layer]),
          sample: path.z[layer],
          // The first layer's parents are the input, the same for every draw of an example.
          sharedLogits: layer === 0,
          ...(slopes ? { sampleSlope: slopes[layer] } : {}),
          samples: options.samples,
          examples: n,
          settings: options.settings,
          seed: deriveSeed(options.seed, 1000 + layer),
          baseline: options.baselines?.[layer],
          ...(learned ? { inputBaseline: tf.clone(baselines[layer]) as tf.Tensor1D } : {}),
          ...(stein ? { steinFunction: (inputs: tf.Tensor2D) => chain.stein!(layer, inputs) } : {}),
          ...(expansion
            ? {
                expansion: {
                  point: tileRows(expansion.point, rows),
                  value: tileRows(expansion.value, rows),
                  slope: tileRows(expansion.slope, rows),
                },
              }
            : {}),
        });
        if (options.baselines && baseline) options.baselines[layer] = baseline;
        if (scale !== undefined) scales[layer] = scale;
        const scaled = tf.div(gradient, rows) as tf.Tensor2D;
        if (training) {
          const parts = [scaled, training.inputs, training.outputGradient].map((t) => tf.reshape(t, [-1]));
          return tf.concat(parts).expandDims(1) as tf.Tensor2D;
        }
        return residual ? (tf.concat([scaled, tf.div(residual, rows).expandDims(1)], 1) as tf.Tensor2D) : scaled;
      });
      if (!stein) return out;
      const size = rows * chain.units[layer];
      const points = (out.shape[0] - size) / 4;
      steinParts.push({
        inputs: tf.reshape(tf.slice(out, [size, 0], [2 * points, 1]), [points, 2]) as tf.Tensor2D,
        outputGradient: tf.reshape(tf.slice(out, [size + 2 * points, 0], [2 * points, 1]), [points, 2]) as tf.Tensor2D,
      });
      return tf.reshape(tf.slice(out, [0, 0], [size, 1]), [rows, chain.units[layer]]) as tf.Tensor2D;
    });
    const d = chain.units;
    const signals = outputs.map((out, layer) =>
      learned ? (tf.slice(out, [0, 0], [rows, d[layer]]) as tf.Tensor2D) : out,
    );
    // Ascent on −½ residual² for the baseline's parameters: d/db = residual (= l − c − b).
    const regression = learned
      ? outputs.map((out, layer) =>
          withGradient(baselines[layer], tf.reshape(tf.slice(out, [0, d[layer]], [rows, 1]), [rows])),
        )
      : [];
    // Descent on rodeo's variance loss L for its function's parameters: d/dψ = −⟨∂L/∂h, ∂h/∂ψ⟩.
    const variance = steinParts.map(({ inputs, outputGradient }, layer) =>
      withGradient(chain.stein!(layer, inputs), tf.neg(outputGradient)),
    );
    const objective = independent
      ? pathMean(chain, generativePath(chain, path, generativeNoise, n))
      : (tf.mean(suffixes[0]) as tf.Scalar);
    const surrogate = signals.map((signal, layer) => withGradient(logits[layer], signal));
    return tf.addN([objective, ...surrogate, ...regression, ...variance]) as tf.Scalar;
  }, parameters);
  return scales.length > 0 ? { ...result, scales } : result;
}

/**
 * `∂F/∂z_l` at the path's draws of layer l, `[rows, d_l]`: the completion (without the path's
 * cached value, a constant) evaluated on the tape and differentiated, one forward and one backward.
 */
function slopeAtDraws(chain: Chain, path: Path, noise: readonly tf.Tensor2D[], layer: number): tf.Tensor2D {
  const f = completion(chain, path, noise, layer);
  return tf.grad((z: tf.Tensor) => tf.sum(f(z as tf.Tensor2D)))(path.z[layer]) as tf.Tensor2D;
}

/** The path's terms per layer, computed off the tape. */
function untapedTerms(chain: Chain, path: Path): tf.Tensor1D[] {
  return path.z.map((z, layer) => untaped(() => chain.term(layer, path.parents[layer], z, path.logits[layer])));
}

/** The mean objective of a path (on the tape: the generative parameters' gradients flow from it). */
function pathMean(chain: Chain, path: Path): tf.Scalar {
  const terms = pathTerms(chain, path);
  return tf.mean(terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
}

function pathwiseGradients(
  chain: Chain,
  estimator: Extract<NetworkEstimator, { kind: 'pathwise' }>,
  parameters: Readonly<Record<string, tf.Variable>>,
  options: ChainGradientOptions,
): ChainGradients {
  const rows = chain.input.shape[0] * options.samples;
  const noise = chainNoise(chain, rows, options.seed);
  return namedGradients(() => {
    let parent = tileRows(chain.input, rows);
    const terms: tf.Tensor1D[] = [];
    chain.units.forEach((_, layer) => {
      const logits = layerLogits(chain, layer, parent, rows);
      const z = estimator.sample(logits, noise[layer], options.settings);
      terms.push(chain.term(layer, parent, z, logits));
      parent = z;
    });
    return tf.mean(terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
  }, parameters);
}

/**
 * The k-sample bound `mean_i log (1/k) Σ_j exp F(z_j | x_i)` over the k = `samples` draws of each
 * example: the surrogate is `L̂(θ; z fixed) + Σ_l ⟨stop(ĝ_l), φ_l(θ)⟩ / rows`. Differentiating
 * `L̂` with the draws fixed and F's `log q` terms seeing the taped logits gives every parameter
 * `Σ_j w̃_j ∇F(z_j)` (`w̃ = softmax_j F`): the decoder's and prior's whole gradient, and for the
 * encoder the part through `log q` that the paper's `∇ L̂` has besides the score-function part.
 * The estimator (vimco) gives that score-function part, `ĝ_l` per layer from the whole
 * log-weight F at the draws: its learning signal is the same for every layer, since F is not a
 * sum the layers could split (log-sum-exp).
 */
function boundGradients(
  chain: Chain,
  estimator: Extract<NetworkEstimator, { kind: 'signal' }>,
  parameters: Readonly<Record<string, tf.Variable>>,
  options: ChainGradientOptions,
): ChainGradients {
  checkLayerSamples(estimator, options.samples);
  const n = chain.input.shape[0];
  const k = options.samples;
  const rows = n * k;
  const noise = chainNoise(chain, rows, options.seed);
  return namedGradients(() => {
    const { path, logits } = tapedPath(chain, noise, rows);
    const terms = path.z.map((z, layer) => chain.term(layer, path.parents[layer], z, logits[layer]));
    const weights = terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Tensor1D);
    const bound = tf.mean(tf.sub(tf.logSumExp(tf.reshape(weights, [k, n]), 0), Math.log(k))) as tf.Scalar;
    const values = untaped(() => tf.clone(weights));
    const surrogate = chain.units.map((_, layer) => {
      const gradient = untaped(() => {
        // F at any z of this layer: the earlier layers' terms of the path plus the completion.
        const earlier =
          layer === 0 ? undefined : (tf.addN(terms.slice(0, layer).map((t) => tf.clone(t))) as tf.Tensor1D);
        const later = completion(chain, path, noise, layer);
        const f = (z: tf.Tensor2D) => {
          if (z === path.z[layer]) return values;
          const rest = later(z);
          return earlier ? (tf.add(tileRows(earlier, z.shape[0]), rest) as tf.Tensor1D) : rest;
        };
        return tf.div(
          layerGradient(estimator, {
            logits: path.logits[layer],
            u: noise[layer],
            f,
            sample: path.z[layer],
            sharedLogits: layer === 0,
            samples: k,
            examples: n,
            settings: options.settings,
            seed: deriveSeed(options.seed, 1000 + layer),
          }).gradient,
          rows,
        ) as tf.Tensor2D;
      });
      return withGradient(logits[layer], gradient);
    });
    return tf.addN([bound, ...surrogate]) as tf.Scalar;
  }, parameters);
}

/** The estimated gradient (ascent) of the chain's mean objective (or k-sample bound) for every parameter. */
export function chainGradients(
  chain: Chain,
  estimator: NetworkEstimator,
  parameters: Readonly<Record<string, tf.Variable>>,
  options: ChainGradientOptions,
): ChainGradients {
  const objective = options.objective ?? 'expectation';
  checkEstimatorObjective(estimator, objective, options.owner ?? 'the model');
  let scales: number[] | undefined;
  const result = tf.tidy(() => {
    const out =
      objective === 'k-sample-bound'
        ? boundGradients(chain, estimator as Extract<NetworkEstimator, { kind: 'signal' }>, parameters, options)
        : estimator.kind === 'signal'
          ? signalGradients(chain, estimator, parameters, options)
          : pathwiseGradients(chain, estimator, parameters, options);
    scales = out.scales;
    return { objective: out.objective, gradients: out.gradients } as unknown as tf.TensorContainer;
  }) as unknown as ChainGradients;
  return scales ? { ...result, scales } : result;
}
