/**
 * Double control variates (Titsias & Shi 2022, "Double Control Variates for Gradient Estimation
 * in Discrete Latent Variable Models", AISTATS, arXiv 2111.05300): REINFORCE leave-one-out over
 * the k draws of a group, with a second, first-order Taylor control variate whose slope is the
 * average of `∂f/∂z` at the group's *other* draws. With `g_j = ∂f/∂z (z_j)`, `σ = σ(φ)` and
 * `ḡ_{−j} = Σ_{i≠j} g_i / (k − 1)`:
 *
 * ```
 * f̃_j  = f(z_j) + α ḡ_{−j}ᵀ (z_j − σ)
 * ĝ_j  = (f̃_j − Σ_{i≠j} f̃_i / (k − 1)) (z_j − σ) − α ḡ_{−j} ⊙ σ(1 − σ)      (row j)
 * ĝ    = (1/k) Σ_j ĝ_j   = (1/k) Σ_j (f̃_j − f̃̄_{−j})(z_j − σ) − α ḡ ⊙ σ(1 − σ),   ḡ = (1/k) Σ_j g_j
 * ```
 *
 * The Taylor term is a control variate twice: inside `f̃_i` (i ≠ j) it lowers the variance of the
 * leave-one-out baseline as an estimate of `E[f]` (the "double" control variate acting on the
 * main one), and inside `f̃_j` it removes the linear part of f from the signal; the last term
 * adds the latter's mean back. Unbiased for any α fixed before the draws: every `ḡ_{−j}` is
 * independent of `z_j` with mean `E[∂f/∂z]`, `E[(z_j − σ)(z_j − σ)ᵀ] = diag(σ(1 − σ))`, and each
 * term of the baseline carries a factor `(z_i − σ)` or `f(z_i)` independent of `z_j` (mean zero,
 * or a constant times the zero-mean score). Each row is unbiased on its own.
 * For f linear in z (`g_i = w`) the signal is `(1 + α) wᵀ(z_j − z̄_{−j})`, so on the same uniforms
 * `ĝ_j = (1 + α) ĝ_j^{loo} − α w ⊙ σ(1 − σ)`: α = −1 is exact with zero variance, α = 0 is
 * reinforce-loo, and the variance is `(1 + α)²` times leave-one-out's.
 *
 * The coefficient α (one per call site: per stochastic layer in a network) is learned as the
 * authors do, from α = 0, by one Adam step per call (learning rate 10⁻³, β₁ = 0.9, β₂ = 0.999,
 * ε = 10⁻⁷) on the mean square of the estimate, `mean(ĝ²)` over the groups and units, taken
 * after the estimate so that it uses the α of earlier calls only (exactly unbiased). Its state
 * rides in `baseline`: `numerator = [α, m, v]` (Adam's moment estimates), `denominator =
 * [1, 1 − β₁ᵗ, 1 − β₂ᵗ]` (their bias-correction weights). A fixed α: pass
 * `{ numerator: [α, 0, 0], denominator: [1, 0, 0] }` (`doubleCvState(α)`) as `baseline` each call.
 *
 * Cost: one evaluation of f per draw, as reinforce-loo, plus one backward pass through f at the
 * draws for `∂f/∂z`. That backward is the paper's "no extra evaluations": in its VAE the decoder
 * is backpropagated at the k draws for its own gradient anyway, so `∂f/∂z` there is a by-product.
 * It is not a forward evaluation of f, but it is not free either: in `estimate` the forward runs
 * on the tape (same count of evaluations), and inside a network (`sampleSlope`) the completion
 * from this layer on is re-run on the tape and backpropagated once per layer, since the network's
 * generative gradient is taken elsewhere (an independent draw by default).
 *
 * Read: the paper's abstract and introduction (ar5iv 2111.05300; the method section could not be
 * read here), and the authors' code, whose formula this is: github thjashin/double-cv
 * (`src/networks.py`, `get_grad_estimation`, grad_type `double_cv` for k = 2, 4 and general k in
 * github thjashin/rodeo `networks.py`; α's Adam step in `src/experiment_launcher_singlelayer.py`,
 * `estimate_gradients`, flag `hyper_lr` = 1e-3; the k = 2 toy in `quadratic_loss.ipynb`).
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliScore, sigmoidDerivative } from '../core/bernoulli';
import { ArgumentError, messages } from '../errors';
import { valuesAndSlope } from './autodiff';
import { drawnSample } from './drawn-sample';
import { groupSums } from './reinforce-loo';
import type { BaselineState, EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

/** Adam's settings for α, the authors' (Keras defaults with `hyper_lr` = 1e-3). */
export const DOUBLE_CV_ADAM = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** The state of a fixed coefficient α (no Adam history): pass it as `baseline`. */
export function doubleCvState(alpha = 0): BaselineState {
  if (!Number.isFinite(alpha)) throw new ArgumentError('alpha', messages.nonFinite('alpha'));
  return { numerator: [alpha, 0, 0], denominator: [1, 0, 0] };
}

function checkState(state: BaselineState | undefined): BaselineState {
  if (state === undefined) return doubleCvState(0);
  const ok = [state.numerator, state.denominator].every(
    (a) => Array.isArray(a) && a.length === 3 && a.every(Number.isFinite),
  );
  if (!ok) {
    throw new ArgumentError(
      'options.baseline',
      'expected the state double-cv returned (or doubleCvState(α)): numerator [α, m, v], denominator [1, w1, w2], finite',
    );
  }
  return { numerator: [...state.numerator], denominator: [...state.denominator] };
}

/** `Σ_{i≠j} x_i / (k − 1)` over the draws of row j's group, `[rows, …]`. */
function leaveOneOutMean(context: EstimatorContext, x: tf.Tensor): tf.Tensor {
  const { samples, examples } = context;
  if (x.rank === 1) return tf.div(tf.sub(groupSums(context, x as tf.Tensor1D), x), samples - 1);
  const perExample = tf.sum(x.reshape([samples, examples, context.d]), 0);
  const sums = tf.concat(new Array<tf.Tensor>(samples).fill(perExample));
  return tf.div(tf.sub(sums, x), samples - 1);
}

/**
 * The estimate's two parts, rows `[rows, d]`: leave-one-out's `A` and the Taylor part's
 * coefficient `B`, so that the rows are `A + α B`.
 */
function parts(context: EstimatorContext): { loo: tf.Tensor2D; taylor: tf.Tensor2D } {
  const z = drawnSample(context);
  const score = bernoulliScore(z, context.logits);
  const { values, slope } = valuesAndSlope(context, z);
  const centred = (signal: tf.Tensor1D) => tf.sub(signal, leaveOneOutMean(context, signal)).expandDims(1);
  const loo = tf.mul(centred(values), score) as tf.Tensor2D;
  const others = leaveOneOutMean(context, slope); // ḡ_{−j}
  const h = tf.sum(tf.mul(others, score), 1) as tf.Tensor1D; // ḡ_{−j}ᵀ(z_j − σ)
  const taylor = tf.sub(tf.mul(centred(h), score), tf.mul(others, sigmoidDerivative(context.logits)));
  return { loo, taylor: taylor as tf.Tensor2D };
}

/** Group means `[examples, d]` of rows `[rows, d]`. */
function groupMean(context: EstimatorContext, rows: tf.Tensor2D): tf.Tensor2D {
  return tf.mean(rows.reshape([context.samples, context.examples, context.d]), 0) as tf.Tensor2D;
}

/** One Adam step on α for `mean(ĝ²)`, whose derivative is `2 mean(ĝ ⊙ B̄)`. */
function adamStep(state: BaselineState, derivative: number): BaselineState {
  const { learningRate, beta1, beta2, epsilon } = DOUBLE_CV_ADAM;
  const [alpha, m0, v0] = state.numerator;
  const [, w10, w20] = state.denominator;
  const m = beta1 * m0 + (1 - beta1) * derivative;
  const v = beta2 * v0 + (1 - beta2) * derivative * derivative;
  const w1 = beta1 * w10 + (1 - beta1);
  const w2 = beta2 * w20 + (1 - beta2);
  const step = (learningRate * (m / w1)) / (Math.sqrt(v / w2) + epsilon);
  return { numerator: [alpha - step, m, v], denominator: [1, w1, w2] };
}

function run(context: EstimatorContext): EstimatorOutput {
  const state = checkState(context.baseline);
  const alpha = state.numerator[0];
  const { loo, taylor } = parts(context);
  const perSample = tf.add(loo, tf.mul(alpha, taylor)) as tf.Tensor2D;
  const derivative = tf.tidy(() =>
    tf.mul(2, tf.mean(tf.mul(groupMean(context, perSample), groupMean(context, taylor)))),
  );
  const value = derivative.dataSync()[0];
  derivative.dispose();
  if (!Number.isFinite(value)) return { perSample, baseline: state };
  return { perSample, baseline: adamStep(state, value) };
}

export const doubleCv: EstimatorSpec = {
  title: 'Double control variates (leave-one-out + Taylor)',
  reference: 'Titsias & Shi 2022',
  unbiased: true,
  needsGradient: true,
  evaluationsPerSample: 1,
  networkGradient: 'draws',
  minSamples: 2,
  family: 'score-function',
  inNetworks: true,
  run,
};
