/**
 * Any estimator through a `Chain`: the surrogate objective whose ordinary gradient is the
 * estimate (stochastic computation graphs, Schulman et al. 2015).
 *
 * - Signal estimators (REINFORCE family, AR, ARM, DisARM, MuProp): the path is sampled without
 *   gradients; each layer's `ĝ_φ` comes from `layerGradient` with the chain's completion from
 *   that layer as `f`; the surrogate is `mean F(θ; z fixed) + Σ_l ⟨stop(ĝ_l), φ_l(θ)⟩ / rows`,
 *   where F's own log q terms see φ as a constant (their gradient has expectation zero).
 * - Pathwise estimators (straight-through, relaxations, the gating unit types): each layer is
 *   sampled with the estimator's differentiable op and the objective is differentiated through.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { untaped } from '../core/untaped';
import { uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { checkLayerSamples, layerGradient, type EstimatorSettings, type NetworkEstimator } from '../estimators/layer';
import type { BaselineState } from '../estimators/types';
import { completion, meanFieldExpansions, pathTerms, tileRows, type Chain, type Path } from './chain';

export interface ChainGradientOptions {
  /** Draws per example. */
  samples: number;
  seed: number;
  settings: EstimatorSettings;
  /** Per-layer baseline states (reinforce-ema, reinforce-optimal), updated in place. */
  baselines?: (BaselineState | undefined)[];
}

export interface ChainGradients {
  objective: tf.Scalar;
  gradients: Record<string, tf.Tensor>;
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
  for (const [name, variable] of Object.entries(parameters)) gradients[name] = grads[variable.name] ?? tf.zerosLike(variable);
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
  const expansions = estimator.spec.needsGradient ? meanFieldExpansions(chain) : undefined;
  return namedGradients(() => {
    const { path, logits } = tapedPath(chain, noise, rows);
    // F's terms on the tape; their sums from layer l on are each completion's value at the path.
    const terms = pathTerms(chain, path);
    const suffixes = terms.map((_, layer) => (layer === terms.length - 1 ? terms[layer] : (tf.addN(terms.slice(layer)) as tf.Tensor1D)));
    // Each layer's ĝ_φ is computed off the tape: only the surrogate below is differentiated.
    const signals = chain.units.map((_, layer) =>
      untaped(() => {
        const expansion = expansions?.[layer];
        const { gradient, baseline } = layerGradient(estimator, {
          logits: path.logits[layer],
          u: noise[layer],
          f: completion(chain, path, noise, layer, suffixes[layer]),
          sample: path.z[layer],
          samples: options.samples,
          examples: n,
          settings: options.settings,
          seed: deriveSeed(options.seed, 1000 + layer),
          baseline: options.baselines?.[layer],
          ...(expansion
            ? { expansion: { point: tileRows(expansion.point, rows), value: tileRows(expansion.value, rows), slope: tileRows(expansion.slope, rows) } }
            : {}),
        });
        if (options.baselines && baseline) options.baselines[layer] = baseline;
        return tf.div(gradient, rows) as tf.Tensor2D;
      }),
    );
    const objective = tf.mean(suffixes[0]) as tf.Scalar;
    const surrogate = signals.map((signal, layer) => withGradient(logits[layer], signal));
    return tf.addN([objective, ...surrogate]) as tf.Scalar;
  }, parameters);
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

/** The estimated gradient (ascent) of the chain's mean objective for every parameter. */
export function chainGradients(
  chain: Chain,
  estimator: NetworkEstimator,
  parameters: Readonly<Record<string, tf.Variable>>,
  options: ChainGradientOptions,
): ChainGradients {
  return tf.tidy(() => {
    const result =
      estimator.kind === 'signal'
        ? signalGradients(chain, estimator, parameters, options)
        : pathwiseGradients(chain, estimator, parameters, options);
    return result as unknown as tf.TensorContainer;
  }) as unknown as ChainGradients;
}
