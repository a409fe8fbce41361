/**
 * VIMCO (Mnih & Rezende 2016, "Variational Inference for Monte Carlo Objectives", ICML,
 * arXiv 1602.06725; section 3 and Algorithm 1): the score-function estimator of the k-sample
 * bound's gradient with a per-draw leave-one-out learning signal. Its objective is not `E[f]`:
 *
 *   `L_k = E_{z_1…z_k ~ Bernoulli(σ(φ))} [ L̂ ],  L̂ = log (1/k) Σ_j exp f(z_j)`,
 *
 * with f the log-weight `log p(x, z) − log q(z | x)` (L_k is then the importance-weighted bound on
 * `log p(x)`; k = 1 is the ELBO). With `s_j = z_j − σ(φ)` the score of draw j,
 *
 *   `ĝ = Σ_j (L̂ − L̂_{−j}) s_j,  L̂_{−j} = log (1/k) (Σ_{i≠j} exp f(z_i) + exp f̂_{−j})`,
 *
 * where `f̂_{−j} = (1/(k−1)) Σ_{i≠j} f(z_i)` is the geometric mean of the other draws' weights
 * (the paper's substitute for the left-out one, which it found slightly better than the
 * arithmetic mean). `L̂_{−j}` depends on the other, independent draws only, so
 * `E[L̂_{−j} s_j] = 0` and ĝ is unbiased for `∇_φ L_k` when f does not depend on φ; k ≥ 2.
 *
 * Rows: `samples` = k draws per group, row r in group `r mod examples`, draw `⌊r / examples⌋`
 * (as reinforce-loo); row j's `perSample` is `k (L̂ − L̂_{−j}) s_j`, so a group's mean of its k
 * rows is one estimate ĝ. One evaluation of f per draw.
 *
 * Inside a network f is the whole log-weight (`log q` included) at the draws, and the objective
 * has a second part the estimator cannot see: `Σ_j w̃_j ∇ f(z_j)`, `w̃ = softmax_j f(z_j)`, the
 * bound's own gradient at fixed draws (for the encoder, through its `−log q` term). The network
 * supplies it by differentiating `L̂` with the draws fixed (chain-gradients.ts, `boundGradients`),
 * as the paper's equation for `∇ L̂` has it. Read: the paper (section 3, the local learning
 * signals and the geometric-mean substitute); the DisARM authors' code (google-research `disarm`,
 * `get_vimco_local_learning_signal` and `get_vimco_losses` in `binary/networks.py`), which uses
 * the same signal `log mean f − log swap-one-out mean f` and adds the multi-sample objective itself.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliScore } from '../core/bernoulli';
import { drawnSample } from './drawn-sample';
import type { EstimatorSpec } from './types';

/**
 * `L̂` per group (`[groups]`) and the learning signals `L̂ − L̂_{−j}` per row (`[k · groups]`,
 * row r = draw ⌊r / groups⌋ of group r mod groups) from the log-weights `values` (`[k · groups]`).
 */
export function vimcoSignals(
  values: tf.Tensor1D,
  k: number,
  groups: number,
): { bound: tf.Tensor1D; signal: tf.Tensor1D } {
  return tf.tidy(() => {
    const f = tf.reshape(values, [k, groups]);
    const bound = tf.sub(tf.logSumExp(f, 0), Math.log(k)) as tf.Tensor1D;
    // Log of the geometric mean of the other draws' weights, draw by draw: [k, groups].
    const others = tf.div(tf.sub(tf.sum(f, 0), f), k - 1);
    // Swap-one-out log-weights [j, i, groups]: f_i for i ≠ j, the substitute for i = j.
    const eye = tf.reshape(tf.eye(k), [k, k, 1]);
    const swapped = tf.add(
      tf.mul(tf.reshape(f, [1, k, groups]), tf.sub(1, eye)),
      tf.mul(tf.reshape(others, [k, 1, groups]), eye),
    );
    const leaveOneOut = tf.sub(tf.logSumExp(swapped, 1), Math.log(k));
    const signal = tf.reshape(tf.sub(bound, leaveOneOut), [k * groups]) as tf.Tensor1D;
    return { bound, signal };
  });
}

export const vimco: EstimatorSpec = {
  title: 'VIMCO (k-sample bound, leave-one-out geometric mean)',
  reference: 'Mnih & Rezende 2016',
  unbiased: true,
  objective: 'k-sample-bound',
  needsGradient: false,
  evaluationsPerSample: 1,
  minSamples: 2,
  family: 'score-function',
  inNetworks: true,
  run(context) {
    const k = context.samples;
    const z = drawnSample(context);
    const { signal } = vimcoSignals(context.f(z), k, context.examples);
    const score = bernoulliScore(z, context.logits);
    return { perSample: tf.mul(tf.mul(signal, k).expandDims(1), score) as tf.Tensor2D };
  },
};
