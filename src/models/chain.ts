/**
 * A chain of stochastic binary layers `z_1 … z_L` above an input `z_0 = x`: the shape shared by
 * the SBN VAE, structured output prediction and the gating network. A model describes one batch
 * as a `Chain`; `chainGradients` (chain-gradients.ts) runs any estimator through it.
 *
 * Rows: the batch's n examples are drawn `samples` times; row r of every tensor belongs to
 * example `r mod n` (`tf.tile` order). Per-example data a term needs is tiled with `tileRows`.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';

export interface Chain {
  /** The input rows `x`, `[n, ·]`. */
  readonly input: tf.Tensor2D;
  /** Units of each stochastic layer, `[d_1, …, d_L]`. */
  readonly units: readonly number[];
  /** Logits of layer `l` (0-based) given its parent rows `z_{l−1}`. */
  logits(layer: number, parent: tf.Tensor2D): tf.Tensor2D;
  /**
   * The objective's terms that involve `z_l` and its parent, one value per row; the objective is
   * the sum over layers. `logits` are layer l's logits at this parent (constants where the
   * estimator handles the layer's distribution).
   */
  term(layer: number, parent: tf.Tensor2D, z: tf.Tensor2D, logits: tf.Tensor2D): tf.Tensor1D;
  /**
   * The model's learned input-dependent baseline for layer `l`, one value per example (`[n]`),
   * from data that no draw depends on; present when the model was created with one.
   */
  baseline?(layer: number): tf.Tensor1D;
  /**
   * The model's learned RODEO function of layer `l` (stein-function.ts) at `inputs` `[P, 2]`,
   * `[P, 2]`; present when the model was created with one.
   */
  stein?(layer: number, inputs: tf.Tensor2D): tf.Tensor2D;
}

/** `data` (`[n, ·]` or `[n]`) repeated to `rows` rows, row r being row `r mod n`. */
export function tileRows<T extends tf.Tensor>(data: T, rows: number): T {
  const n = data.shape[0];
  if (rows === n) return data;
  // Concatenated copies rather than tf.tile: the same rows, and ~40× faster on wasm.
  return tf.concat(new Array<T>(rows / n).fill(data), 0) as T;
}

/** One sampled path through the chain (no gradients). */
export interface Path {
  /** `parents[l] = z_{l−1}` (parents[0] the tiled input). */
  parents: tf.Tensor2D[];
  logits: tf.Tensor2D[];
  z: tf.Tensor2D[];
}

/**
 * Samples every layer from `from` on, continuing `start` (the parent of layer `from`); the first
 * layer's logits are `firstLogits` when given (see `sampleFromInput`).
 */
export function samplePath(
  chain: Chain,
  start: tf.Tensor2D,
  noise: readonly tf.Tensor2D[],
  from = 0,
  firstLogits?: tf.Tensor2D,
): Path {
  const path: Path = { parents: [], logits: [], z: [] };
  let parent = start;
  for (let l = from; l < chain.units.length; l++) {
    const logits = l === from && firstLogits ? firstLogits : chain.logits(l, parent);
    const z = bernoulliFromNoise(logits, tileRows(noise[l], parent.shape[0]));
    path.parents.push(parent);
    path.logits.push(logits);
    path.z.push(z);
    parent = z;
  }
  return path;
}

/**
 * Samples every layer from the chain's input repeated to `rows` rows (`tileRows`). The copies are
 * the same examples, so the first layer's logits are computed once per example and tiled: the
 * same values, without the copies' share of the first layer's products.
 */
export function sampleFromInput(chain: Chain, rows: number, noise: readonly tf.Tensor2D[]): Path {
  const firstLogits = tileRows(chain.logits(0, chain.input), rows);
  return samplePath(chain, tileRows(chain.input, rows), noise, 0, firstLogits);
}

/** The objective's terms per row of a path whose first layer is `from`, one per layer. */
export function pathTerms(chain: Chain, path: Path, from = 0): tf.Tensor1D[] {
  return path.z.map((z, k) => chain.term(from + k, path.parents[k], z, path.logits[k]));
}

/** The objective per row of a path whose first layer is `from`. */
export function pathObjective(chain: Chain, path: Path, from = 0): tf.Tensor1D {
  const terms = pathTerms(chain, path, from);
  return terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Tensor1D);
}

/**
 * The objective as a function of layer `l` alone: `z_l` of shape `[k·rows, d_l]` → `[k·rows]`,
 * with the parent and logits of the sampled path held fixed and the later layers re-sampled
 * from the same uniforms (common random numbers). Only the terms from layer l on are included:
 * the earlier ones do not depend on `z_l`, so leaving them out changes no expectation.
 * `atPath`, when given, is this function's value at the path's own `z_l` (the sum of the path's
 * terms from layer l on, identical by the common random numbers): it is returned for that tensor.
 */
export function completion(
  chain: Chain,
  path: Path,
  noise: readonly tf.Tensor2D[],
  layer: number,
  atPath?: tf.Tensor1D,
) {
  return (z: tf.Tensor2D): tf.Tensor1D => {
    if (atPath && z === path.z[layer]) return atPath;
    const rows = z.shape[0];
    const parent = tileRows(path.parents[layer], rows);
    const logits = tileRows(path.logits[layer], rows);
    const own = chain.term(layer, parent, z, logits);
    if (layer === chain.units.length - 1) return own;
    const later = samplePath(chain, z, noise, layer + 1);
    return tf.add(own, pathObjective(chain, later, layer + 1)) as tf.Tensor1D;
  };
}

/** Mean-field layers `z̄_l = σ(φ_l(z̄_{l−1}))` from `z̄_{from−1} = start`. */
function meanFieldPath(chain: Chain, start: tf.Tensor2D, from: number): Path {
  const path: Path = { parents: [], logits: [], z: [] };
  let parent = start;
  for (let l = from; l < chain.units.length; l++) {
    const logits = chain.logits(l, parent);
    const mean = tf.sigmoid(logits) as tf.Tensor2D;
    path.parents.push(parent);
    path.logits.push(logits);
    path.z.push(mean);
    parent = mean;
  }
  return path;
}

/**
 * MuProp's expansion point for every layer from one deterministic mean-field pass over the n
 * examples: `z̄_l`, the objective from layer l on at the mean field, and its total derivative
 * with respect to `z̄_l` (through the later mean-field layers). Tensors are `[n]` / `[n, d_l]`.
 */
export function meanFieldExpansions(chain: Chain): { point: tf.Tensor2D; value: tf.Tensor1D; slope: tf.Tensor2D }[] {
  const base = meanFieldPath(chain, chain.input, 0);
  return base.z.map((point, layer) => {
    const parent = base.parents[layer];
    const logits = base.logits[layer];
    const downstream = (zBar: tf.Tensor2D): tf.Tensor1D => {
      const own = chain.term(layer, parent, zBar, logits);
      if (layer === chain.units.length - 1) return own;
      return tf.add(own, pathObjective(chain, meanFieldPath(chain, zBar, layer + 1), layer + 1)) as tf.Tensor1D;
    };
    // One evaluation gives the value and the slope; the value escapes tf.grad's scope kept, so
    // it is re-tracked by a clone in the caller's scope and the kept copy disposed.
    let kept: tf.Tensor1D | undefined;
    const slope = tf.grad((zBar: tf.Tensor) => {
      const values = downstream(zBar as tf.Tensor2D);
      kept = tf.keep(values.clone());
      return tf.sum(values);
    })(point) as tf.Tensor2D;
    const value = kept!.clone();
    kept!.dispose();
    return { point, value, slope };
  });
}
