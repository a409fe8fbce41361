/**
 * ARMS, antithetic-REINFORCE-multi-sample (Dimitriev & Zhou 2021, ICML, arXiv 2105.14141), with
 * the Dirichlet copula the paper recommends. Read in the authors' code (alekdimi/arms:
 * `networks.py`, grad_type `'arms'`; `toy_problem.py`, `DirichletCopula`).
 *
 * Per unit and group, k ≥ 2 mutually antithetic uniforms from the group's k independent uniforms
 * `v_j` (common random numbers still apply): `e_j = −log v_j`, `d = e / Σ_j e_j` ~ Dirichlet(1, …, 1),
 * `w_j = (1 − d_j)^(k−1)` (each `d_j` is Beta(1, k − 1), so `w_j` is uniform; the pairs are
 * negatively correlated). With `p = σ(φ)`, the draws are `b_j = 1[w_j < p]` where p < ½ and
 * `b_j = 1[1 − w_j < p]` otherwise. Each row (draw j of its group) is
 *
 *   `ĝ_j = (f(b_j) − f̄) (b_j − p) · k/(k − 1) · p(1 − p) / (q − C(q))`,
 *
 * `f̄` the mean of f over the group, `q = min(p, 1 − p)` and `C(q) = max(2 q^(1/(k−1)) − 1, 0)^(k−1)`
 * the copula's `P(w_i < q, w_j < q)`; the group's mean is the estimate. Unbiased: for unit m,
 * `E[f(b_j)(b_i,m − p)]` is `p(1 − p) Δ_m` for j = i and `Cov(b_i,m, b_j,m) Δ_m` for j ≠ i (the other
 * units are independent of unit m), with `Δ_m` the exact `E[f | b_m = 1] − E[f | b_m = 0]`, so the
 * group mean without the last factor has expectation `(p − P(b_i,m = b_j,m = 1)) Δ_m`, and
 * `p − P(both 1) = q − C(q)` in both halves. For k = 2 the pair is `(w, 1 − w)`, `C = 0`, the
 * factor is `σ(|φ|)` and the group mean is DisARM's `½ (f(b₁) − f(b₂)) (b₁ − b₂) σ(|φ|)` on the
 * uniform `u′ = w₁` where p < ½ and `1 − w₁` where p ≥ ½, `w₁ = log v₂ / (log v₁ + log v₂)`
 * (the paper: DisARM is ARMS with two samples). One evaluation of f per draw; f is never
 * differentiated. Inside networks the draws are ARMS's own coupled samples (never the path's
 * `context.sample`), completed by the network's f. In the first stochastic layer a group's draws
 * share their logits (`context.sharedLogits`), and the group is coupled as in the paper, one
 * evaluation per draw; below it they do not, and each row gets the whole estimator at its own
 * logits (k evaluations per row; see `perRow`). The paper's networks have one stochastic layer.
 */
import * as tf from '@tensorflow/tfjs';
import type { EstimatorContext, EstimatorSpec } from './types';

/**
 * The Dirichlet copula of ARMS: uniforms `[k × examples, d]` (row r in group r mod examples) to
 * `w_j = (1 − d_j)^(k−1)` with `d = e / Σ_j e_j`, `e = −log v`, over the k draws of each group.
 */
export function dirichletCopula(u: tf.Tensor2D, samples: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, d] = u.shape;
    const e = tf.neg(tf.log(tf.reshape(u, [samples, rows / samples, d])));
    const share = tf.div(e, tf.sum(e, 0));
    return tf.reshape(tf.pow(tf.sub(1, share), samples - 1), [rows, d]) as tf.Tensor2D;
  });
}

/** The copula's `P(w_i < q, w_j < q) = max(2 q^(1/(k−1)) − 1, 0)^(k−1)` for two draws of k. */
export function copulaJoint(q: tf.Tensor, samples: number): tf.Tensor {
  return tf.pow(tf.relu(tf.sub(tf.mul(2, tf.pow(q, 1 / (samples - 1))), 1)), samples - 1);
}

/** ARMS's draws at `phi`: `1[w < p]` where p < ½, `1[w > q] = 1[1 − w < p]` otherwise. */
function thresholds(phi: tf.Tensor, w: tf.Tensor): tf.Tensor2D {
  const q = tf.sigmoid(tf.neg(tf.abs(phi))); //                    min(p, 1 − p)
  const below = tf.step(tf.sub(q, w)); //                          1[w < q]
  const low = tf.step(tf.neg(phi)); //                             1[p < ½]
  return tf.add(tf.mul(low, below), tf.mul(tf.sub(1, low), tf.sub(1, below))) as tf.Tensor2D;
}

/** `k/(k − 1) · p(1 − p) / (q − C(q)) = k/(k − 1) · σ(|φ|) / (1 − C(q)/q)`. */
function factor(phi: tf.Tensor, k: number): tf.Tensor {
  const q = tf.sigmoid(tf.neg(tf.abs(phi)));
  return tf.mul(k / (k - 1), tf.div(tf.sigmoid(tf.abs(phi)), tf.sub(1, tf.div(copulaJoint(q, k), q))));
}

/**
 * One problem, or a network's first stochastic layer (logits `[d]`, or `[rows, d]` equal within each
 * group): draw j of each group is row j of the group, one evaluation of f per draw.
 */
function shared(context: EstimatorContext): tf.Tensor2D {
  const k = context.samples;
  const phi = context.logits;
  const b = thresholds(phi, dirichletCopula(context.u, k));
  const values = context.f(b);
  const perExample = tf.mean(values.reshape([k, context.examples]), 0);
  const mean = tf.concat(new Array<tf.Tensor>(k).fill(perExample)); // tf.tile, but fast on wasm
  const centred = tf.sub(values, mean).expandDims(1);
  return tf.mul(tf.mul(centred, tf.sub(b, tf.sigmoid(phi))), factor(phi, k)) as tf.Tensor2D;
}

/**
 * A network's layer (logits `[rows, d]`): below the first stochastic layer the draws of a group
 * have different parents, so different logits and completions, and coupling them would bias the
 * estimate (the covariance term carries the other draw's `Δ`). Each row instead gets the whole
 * estimator at its own logits: the k coupled draws of its group's copula, thresholded at its `p`,
 * each completed by f (`[k·rows, d]`, row `j·rows + r` belonging to row r): k evaluations per row.
 */
function perRow(context: EstimatorContext): tf.Tensor2D {
  const k = context.samples;
  const { rows, examples } = context;
  const w = dirichletCopula(context.u, k);
  // Block j of the stack, row r: the group's draw j, w[j·examples + (r mod examples)].
  const blocks = Array.from({ length: k }, (_, j) => {
    const draw = tf.slice(w, [j * examples, 0], [examples, -1]);
    return tf.concat(new Array<tf.Tensor>(k).fill(draw));
  });
  const phi = tf.concat(new Array<tf.Tensor>(k).fill(context.logits)) as tf.Tensor2D;
  const b = thresholds(phi, tf.concat(blocks));
  const values = context.f(b).reshape([k, rows]);
  const centred = tf.sub(values, tf.mean(values, 0)).expandDims(2); //     [k, rows, 1]
  const score = tf.sub(b, tf.sigmoid(phi)).reshape([k, rows, context.d]);
  return tf.mul(tf.mean(tf.mul(centred, score), 0), factor(context.logits, k)) as tf.Tensor2D;
}

export const arms: EstimatorSpec = {
  title: 'ARMS (antithetic REINFORCE multi-sample, Dirichlet copula)',
  reference: 'Dimitriev & Zhou 2021',
  unbiased: true,
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 2,
  family: 'antithetic',
  inNetworks: true,
  run: (context) => ({
    perSample: context.logits.rank === 1 || context.sharedLogits ? shared(context) : perRow(context),
  }),
};
