/**
 * RODEO (Shi, Zhou, Hwang, Titsias & Mackey 2022, "Gradient Estimation with Discrete Stein
 * Operators", NeurIPS, arXiv:2202.09497): REINFORCE leave-one-out over K ≥ 2 draws of a group,
 * with two control variates built by a discrete Stein operator from a learned function, and no
 * further evaluation of f. The binary case as the authors' VAE code runs it
 * (github.com/thjashin/rodeo, `networks.py` `get_grad_estimation`, grad types
 * `discrete_stein_avg` for K = 2 and `discrete_stein_output_avg` for K > 2, identical at K = 2).
 *
 * Notation: draws x_1 … x_K ~ q = Bernoulli(θ), θ = σ(φ); score s_k = x_k − θ; x^{(i)} is x with
 * unit i flipped; w_i(x) = q_i(1 − x_i) = θ_i(1 − x_i) + (1 − θ_i)x_i.
 *
 * - The Gibbs Stein operator (the Markov chain that picks a unit uniformly and resamples it from
 *   q): `(A h)(x) = (1/d) Σ_i w_i(x) (h(x^{(i)}) − h(x))`, and `E_q[(A h)(x)] = 0` for any h.
 * - The learned function for draw k is built from the *other* draws j ≠ k (a first-order Taylor
 *   expansion of f around each): `[h_k, g_k](y) = (1/(K−1)) Σ_{j≠k} NN_ψ(∇f(x_j)ᵀ(y − x_j), f(x_j))`,
 *   with NN_ψ: ℝ² → ℝ² (`options.steinFunction`; inside networks the model's, see
 *   models/stein-function.ts: 100 LeakyReLU(0.3) units, its outputs scaled by α and β).
 * - Baseline control variate: `S_k = (A h_k)(x_k)` (a scalar per draw).
 * - Gradient control variate: `c_k = (A H_k)(x_k)` with `H_k(y) = g_k(y) (y − θ)` (vector-valued).
 * - The estimate: `ĝ = (1/K) Σ_k [(f(x_k) − b_k) s_k + c_k]`,
 *   `b_k = (1/(K−1)) Σ_{j≠k} (f(x_j) + S_j)`.
 *
 * Unbiased for any ψ: h_k and H_k are functions of the other draws only, so given them
 * `E[(A h_k)(x_k)] = E[(A H_k)(x_k)] = 0` (Stein identity); b_k involves x_k only through
 * `(A h_j)(x_j)`, whose conditional mean given every draw but x_j is 0, so `E[b_k s_k] = 0`.
 * With h ≡ 0 it is reinforce-loo on the same draws. Cost: one evaluation of f per draw and
 * `∂f/∂z` at the draws (one backward pass; inside networks the caller supplies it as
 * `context.sampleSlope`, `networkGradient: 'draws'` as for double-cv).
 *
 * Online training (the authors' `estimate_gradients`): ψ minimises `mean_{groups, units} ĝ²`
 * (the estimator's variance plus a constant), by Adam at 1e-3. Its gradient with respect to the
 * function's outputs is linear in ĝ and returned as `output.stein` (analytic; no tape is needed,
 * so it works off the tape inside networks).
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliScore } from '../core/bernoulli';
import { ArgumentError, messages } from '../errors';
import { valuesAndSlope } from './autodiff';
import { drawnSample } from './drawn-sample';
import type { EstimatorContext, EstimatorOutput, EstimatorSpec } from './types';

/** Adam learning rate of the learned function's parameters (the authors' `control_lr`, `hyper_lr`). */
export const RODEO_LEARNING_RATE = 1e-3;

/** `Σ` over the k draws of each row's group, one value per row (`[rows, ...]`). */
function groupSums(x: tf.Tensor, k: number, n: number): tf.Tensor {
  const perGroup = tf.sum(tf.reshape(x, [k, n, ...x.shape.slice(1)]), 0);
  return tf.concat(new Array<tf.Tensor>(k).fill(perGroup));
}

/** Row r of the result is row r of draw `(⌊r/n⌋ + offset) mod k` of the same group. */
function otherDraw<T extends tf.Tensor>(x: T, k: number, n: number, offset: number): T {
  const grouped = tf.reshape(x, [k, n, ...x.shape.slice(1)]);
  const rest = x.shape.slice(1);
  const rolled = tf.concat([
    tf.slice(grouped, [offset, 0, ...rest.map(() => 0)], [k - offset, n, ...rest]),
    tf.slice(grouped, [0, 0, ...rest.map(() => 0)], [offset, n, ...rest]),
  ]);
  return tf.reshape(rolled, x.shape) as T;
}

const zeroFunction = (inputs: tf.Tensor2D) => tf.zeros([inputs.shape[0], 2]) as tf.Tensor2D;

function checkSteinOutput(value: unknown, points: number): tf.Tensor2D {
  const argument = 'options.steinFunction';
  if (!(value instanceof tf.Tensor)) throw new ArgumentError(argument, `must return a tf.Tensor2D [${points}, 2]`);
  if (value.rank !== 2 || value.shape[0] !== points || value.shape[1] !== 2)
    throw new ArgumentError(
      argument,
      `must return two values per input row: ${messages.shape(`[${points}, 2]`, value.shape)}`,
    );
  if (value.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(value.dtype));
  return value as tf.Tensor2D;
}

function run(context: EstimatorContext): EstimatorOutput {
  // Default: the authors' starting point (α = β = 0), zero everywhere, where rodeo is reinforce-loo.
  const steinFunction = context.steinFunction ?? zeroFunction;
  if (typeof steinFunction !== 'function')
    throw new ArgumentError('options.steinFunction', 'expected a function [P, 2] inputs -> [P, 2] values');
  const { samples: k, examples: n, rows, d } = context;
  const z = drawnSample(context);
  const { values, slope } = valuesAndSlope(context, z);
  const theta = tf.add(tf.zeros([rows, d]), tf.sigmoid(context.logits)) as tf.Tensor2D;
  const score = bernoulliScore(z, context.logits); // z − θ
  const flip = tf.sub(1, tf.mul(2, z)) as tf.Tensor2D; // x^{(i)}_i − x_i
  const w = tf.add(tf.mul(theta, tf.sub(1, z)), tf.mul(tf.sub(1, theta), z)) as tf.Tensor2D; // q_i(1 − x_i)
  const wSum = tf.sum(w, 1);

  // Inputs per (row, other draw, point), the point x_k itself first, then its d neighbours. Both
  // inputs are built as rows of a [2, P] tensor and transposed once (stacking on the last axis is slow on wasm).
  const others = Array.from({ length: k - 1 }, (_, o) => o + 1);
  const perOther = others.map((offset) => {
    const slopeJ = otherDraw(slope, k, n, offset);
    const linear = tf.sum(tf.mul(slopeJ, tf.sub(z, otherDraw(z, k, n, offset))), 1, true); // [rows, 1]
    const lin = tf.concat([linear, tf.add(linear, tf.mul(slopeJ, flip))], 1); // [rows, d + 1]
    const value = tf.mul(tf.ones([rows, d + 1]), otherDraw(values, k, n, offset).expandDims(1));
    return { lin, value };
  });
  const points = rows * (k - 1) * (d + 1);
  const column = (part: 'lin' | 'value') =>
    tf.reshape(
      tf.stack(
        perOther.map((o) => o[part]),
        1,
      ),
      [1, points],
    );
  const flat = tf.transpose(tf.concat([column('lin'), column('value')])) as tf.Tensor2D; // [P, 2]
  const outputs = checkSteinOutput(steinFunction(flat), points);
  // [2, rows, d + 1]: h and g, each averaged over the other draws.
  const averaged = tf.mean(tf.reshape(tf.transpose(outputs), [2, rows, k - 1, d + 1]), 2);
  const atPoint = (col: number) => tf.reshape(tf.slice(averaged, [col, 0, 0], [1, rows, 1]), [rows]);
  const atNeighbours = (col: number) => tf.reshape(tf.slice(averaged, [col, 0, 1], [1, rows, d]), [rows, d]);
  const [hx, hn, gx, gn] = [atPoint(0), atNeighbours(0), atPoint(1), atNeighbours(1)];
  const baselineCv = tf.div(tf.sum(tf.mul(w, tf.sub(hn, hx.expandDims(1))), 1), d); // S_k, [rows]
  const scaleCv = tf.div(tf.sum(tf.mul(w, tf.sub(gn, gx.expandDims(1))), 1), d); // [rows]
  const gradientCv = tf.add(tf.mul(scaleCv.expandDims(1), score), tf.div(tf.mul(tf.mul(w, flip), gn), d)); // c_k
  const corrected = tf.add(values, baselineCv);
  const baseline = tf.div(tf.sub(groupSums(corrected, k, n), corrected), k - 1);
  const perSample = tf.add(tf.mul(tf.sub(values, baseline).expandDims(1), score), gradientCv) as tf.Tensor2D;

  // ∂/∂outputs of L = (1/(n d)) Σ_groups ‖ĝ‖², ĝ the mean of a group's k rows (see the module comment).
  const groupMean = tf.div(groupSums(perSample, k, n), k);
  const perRow = tf.mul(groupMean, 2 / (n * d * k)); // ∂L/∂(row k's estimate)
  const along = tf.sum(tf.mul(perRow, score), 1); // ⟨∂L/∂ĝ_k, s_k⟩
  const dBaseline = tf.div(tf.neg(tf.sub(groupSums(along, k, n), along)), k - 1); // ∂L/∂S_k
  const dHn = tf.div(tf.mul(dBaseline.expandDims(1), w), d);
  const dHx = tf.div(tf.neg(tf.mul(dBaseline, wSum)), d);
  const dGn = tf.div(tf.mul(w, tf.add(along.expandDims(1), tf.mul(flip, perRow))), d);
  const dGx = tf.div(tf.neg(tf.mul(along, wSum)), d);
  const dAveraged = tf.stack([tf.concat([dHx.expandDims(1), dHn], 1), tf.concat([dGx.expandDims(1), dGn], 1)]); // [2, rows, d + 1]
  const dOutputs = tf.div(tf.mul(tf.ones([2, rows, k - 1, d + 1]), dAveraged.expandDims(2)), k - 1);
  return {
    perSample,
    stein: { inputs: flat, outputGradient: tf.transpose(tf.reshape(dOutputs, [2, points])) as tf.Tensor2D },
  };
}

export const rodeo: EstimatorSpec = {
  title: 'RODEO (leave-one-out with discrete Stein control variates)',
  reference: 'Shi, Zhou, Hwang, Titsias & Mackey 2022',
  unbiased: true,
  needsGradient: true,
  networkGradient: 'draws',
  evaluationsPerSample: 1,
  minSamples: 2,
  family: 'score-function',
  inNetworks: true,
  learned: 'stein-function',
  learnedRate: RODEO_LEARNING_RATE,
  run,
};
