/**
 * The learning signal and the surrogate inside an SBN VAE, for one example (chapter 05). A linear
 * SBN VAE with one small latent layer (createSbnVae, at its initial parameters) and one digit x:
 *
 * - the estimator, REINFORCE with the leave-one-out baseline, draws K samples `z_k ~ q(z | x)`
 *   (`z = 1[u < σ(φ)]`, `φ = W x + b` the encoder's logits), evaluates the objective
 *   `f(z) = log p(x, z) − log q(z | x)` at each, subtracts the mean of the other draws
 *   `b_k = (Σ_j f(z_j) − f(z_k)) / (K − 1)` and returns the learning signal times the score per
 *   draw, `ĝ_k = (f(z_k) − b_k)(z_k − σ(φ))`; their mean is `ĝ_φ`, the estimated gradient of the
 *   ELBO with respect to the logits (the library's `estimate`, on the uniforms the model draws);
 * - the network backpropagates `ĝ_φ` into the encoder through the surrogate `stop(ĝ_φ) · φ`, so for
 *   a linear encoder its gradient is `∂/∂W = x ⊗ ĝ_φ` and `∂/∂b = ĝ_φ` (the model's `gradients`,
 *   with the same seed, compared entry by entry);
 * - the exact gradient `∂ELBO/∂φ` by enumerating the `2^d` configurations (`model.exact`), beside
 *   the mean of `ĝ_φ` over many independent calls and its standard error.
 *
 * ```ts
 * const picture = learningSignalPicture(digits.valid.images, { latent: 4, draws: 4, seed: 1 });
 * showFigure(picture.figure);
 * picture.draws[0].signal;       // f(z) − b of the first draw
 * picture.surrogateDifference;   // max |network gradient − x ⊗ ĝ_φ|: float32 round-off
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise, logBernoulli } from '../core/bernoulli';
import { uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { ArgumentError, checkInteger, messages } from '../errors';
import { estimate } from '../estimators/estimate';
import { tileRows } from '../models/chain';
import { mlp } from '../models/mlp';
import { createSbnVae, type SbnVae } from '../models/sbn-vae';
import { barChart } from '../viz/charts';
import type { Figure } from '../viz/figure';

export interface LearningSignalOptions {
  /** Row of `images` to use (default 0). */
  example?: number;
  /** Units of the VAE's latent layer (default 4; at most 12, to enumerate). */
  latent?: number;
  /** Draws of z in the call (default 4; at least 2, as the leave-one-out baseline needs another draw). */
  draws?: number;
  /** Independent calls whose mean `ĝ_φ` is set beside the exact gradient (default 400; at least 2). */
  calls?: number;
  /** Seed of the VAE's initial parameters and of the call's draws (default 1). */
  seed?: number;
}

/** One draw of the call. */
export interface LearningSignalDraw {
  draw: number;
  /** The sampled latent units. */
  z: number[];
  /** `f(z) = log p(x, z) − log q(z | x)`, its leave-one-out baseline and the learning signal `f − b`. */
  f: number;
  baseline: number;
  signal: number;
  /** This draw's estimate `(f − b)(z − σ(φ))`, one value per unit (the library's `perSample` row). */
  gradient: number[];
}

/** One latent unit. */
export interface LearningSignalUnit {
  unit: number;
  /** `σ(φ_j)`, the probability that the unit is on. */
  probability: number;
  /** `ĝ_φ` of this call: the mean of its draws' estimates. */
  estimate: number;
  /** The network's `∂/∂b_j` of the same call (equal to `estimate` but for round-off). */
  network: number;
  /** The mean of `ĝ_φ` over `calls` independent calls and its standard error. */
  mean: number;
  standardError: number;
  /** `∂ELBO/∂φ_j` by enumeration. */
  exact: number;
}

export interface LearningSignalPicture {
  draws: LearningSignalDraw[];
  units: LearningSignalUnit[];
  /** Pixels of x that are not zero (on, for a binary digit): only their rows of `∂/∂W = x ⊗ ĝ_φ` are not zero. */
  pixelsOn: number;
  pixels: number;
  /** Largest `|network gradient − x ⊗ ĝ_φ|` over the encoder's weights and biases, and the largest `|x ⊗ ĝ_φ|` for scale. */
  surrogateDifference: number;
  surrogateScale: number;
  /** Rows of the encoder's weight gradient that are exactly zero (all of them at pixels that are off). */
  zeroRows: number;
  calls: number;
  figure: Figure;
}

const ESTIMATOR = 'reinforce-loo';
const MAX_LATENT = 12;

function checkImages(images: unknown): tf.Tensor2D {
  if (!(images instanceof tf.Tensor) || images.rank !== 2 || images.shape[0] < 1)
    throw new ArgumentError('images', messages.shape('[n, pixels]', images instanceof tf.Tensor ? images.shape : []));
  return images as tf.Tensor2D;
}

/** `f(z) = log p(x | z) + log p(z) − log q(z | x)` for the rows of z, `[k, d] → [k]`. */
function objective(vae: SbnVae, x: tf.Tensor2D, logits: tf.Tensor2D) {
  return (z: tf.Tensor2D): tf.Tensor1D =>
    tf.tidy(() => {
      const rows = z.shape[0];
      const reconstruction = logBernoulli(tileRows(x, rows), mlp(vae.parameters, 'p1', 'linear', z));
      const prior = logBernoulli(z, vae.parameters['prior.b']);
      return tf.sub(tf.add(reconstruction, prior), logBernoulli(z, logits)) as tf.Tensor1D;
    });
}

/** Per unit, the mean and standard error of the network's `∂/∂b` (= `ĝ_φ`) over `calls` calls. */
function overCalls(vae: SbnVae, x: tf.Tensor2D, draws: number, calls: number, seed: number) {
  const d = vae.config.latent[0];
  const [sum, squares] = [new Float64Array(d), new Float64Array(d)];
  for (let c = 0; c < calls; c++) {
    const result = vae.gradients(ESTIMATOR, x, { samples: draws, seed: deriveSeed(seed, 1 + c) });
    result.gradients['q1.b'].dataSync().forEach((g, j) => {
      sum[j] += g;
      squares[j] += g * g;
    });
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
  }
  const mean = Array.from(sum, (s) => s / calls);
  const standardError = mean.map((m, j) =>
    Math.sqrt((Math.max(squares[j] / calls - m * m, 0) * calls) / (calls - 1) / calls),
  );
  return { mean, standardError };
}

/** The estimator's draws on the model's own uniforms for `seed`, read out; see the module comment. */
function oneCall(vae: SbnVae, x: tf.Tensor2D, draws: number, seed: number) {
  const d = vae.config.latent[0];
  const tensors = tf.tidy(() => {
    const logits = mlp(vae.parameters, 'q1', 'linear', x);
    // The uniforms the model's gradients draw layer 0 from for this seed (chainNoise).
    const u = uniformNoise(draws, d, deriveSeed(seed, 0));
    const z = bernoulliFromNoise(tileRows(logits, draws), u);
    const f = objective(vae, x, logits);
    const result = estimate(ESTIMATOR, f, logits.reshape([d]) as tf.Tensor1D, { samples: draws, noise: u });
    return [tf.sigmoid(logits), z, f(z), result.perSample, result.mean];
  });
  const [probabilities, z, f, perSample, mean] = tensors.map((t) => Array.from(t.dataSync()));
  tf.dispose(tensors);
  return { probabilities, z, f, perSample, mean };
}

/** Largest `|network − x ⊗ ĝ_φ|` over weights and biases, largest `|x ⊗ ĝ_φ|`, zero rows of `∂/∂W`, and `∂/∂b`. */
function surrogateCheck(vae: SbnVae, x: tf.Tensor2D, draws: number, seed: number, gradient: number[]) {
  const d = gradient.length;
  const result = vae.gradients(ESTIMATOR, x, { samples: draws, seed });
  const weights = result.gradients['q1.w'].dataSync();
  const biases = Array.from(result.gradients['q1.b'].dataSync());
  tf.dispose([result.objective, ...Object.values(result.gradients)]);
  const pixels = x.dataSync();
  let difference = 0;
  let scale = 0;
  let zeroRows = 0;
  for (let i = 0; i < pixels.length; i++) {
    let zero = true;
    for (let j = 0; j < d; j++) {
      const expected = pixels[i] * gradient[j];
      difference = Math.max(difference, Math.abs(weights[i * d + j] - expected));
      scale = Math.max(scale, Math.abs(expected));
      if (weights[i * d + j] !== 0) zero = false;
    }
    if (zero) zeroRows++;
  }
  biases.forEach((b, j) => (difference = Math.max(difference, Math.abs(b - gradient[j]))));
  return { difference, scale, zeroRows, biases };
}

function pictureFigure(units: LearningSignalUnit[], draws: number, calls: number): Figure {
  const names = units.map((u) => `unit ${u.unit}`);
  return barChart(
    [
      { name: `ĝ<sub>φ</sub> of one call (${draws} draws)`, x: names, y: units.map((u) => u.estimate) },
      {
        name: `mean of ${calls} calls (± 2 se)`,
        x: names,
        y: units.map((u) => u.mean),
        error: units.map((u) => 2 * u.standardError),
      },
      { name: 'exact ∂ELBO/∂φ (enumeration)', x: names, y: units.map((u) => u.exact), color: '#000000' },
    ],
    {
      title: `The encoder's gradient with respect to its logits φ, one digit, REINFORCE with leave-one-out`,
      xTitle: 'latent unit',
      yTitle: '∂ELBO/∂φ (nats)',
    },
  );
}

/** The learning signals, `ĝ_φ` and the surrogate's gradient for one example; see the module comment. */
export function learningSignalPicture(images: tf.Tensor2D, options: LearningSignalOptions = {}): LearningSignalPicture {
  checkImages(images);
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected { example?, latent?, draws?, calls?, seed? }');
  const example = checkInteger('options.example', options.example ?? 0, 0);
  if (example >= images.shape[0])
    throw new ArgumentError(
      'options.example',
      `expected a row of images (0 to ${images.shape[0] - 1}), got ${example}`,
    );
  const d = checkInteger('options.latent', options.latent ?? 4, 1);
  if (d > MAX_LATENT) throw new ArgumentError('options.latent', `expected at most ${MAX_LATENT} units, got ${d}`);
  const draws = checkInteger('options.draws', options.draws ?? 4, 2);
  const calls = checkInteger('options.calls', options.calls ?? 400, 2);
  const seed = checkInteger('options.seed', options.seed ?? 1, 0);
  const pixels = images.shape[1];
  const vae = createSbnVae({ visible: pixels, latent: [d], kind: 'linear', seed });
  const x = tf.slice(images, [example, 0], [1, -1]) as tf.Tensor2D;
  try {
    const call = oneCall(vae, x, draws, seed);
    const check = surrogateCheck(vae, x, draws, seed, call.mean);
    const { mean, standardError } = overCalls(vae, x, draws, calls, seed);
    const exact = vae.exact(x);
    const exactGradient = Array.from(exact.gradients['q1.b'].dataSync());
    tf.dispose([exact.elbo, exact.logLikelihood, ...Object.values(exact.gradients)]);
    const total = call.f.reduce((s, v) => s + v, 0);
    const drawRows = call.f.map((f, k): LearningSignalDraw => {
      const baseline = (total - f) / (draws - 1);
      return {
        draw: k + 1,
        z: call.z.slice(k * d, (k + 1) * d),
        f,
        baseline,
        signal: f - baseline,
        gradient: call.perSample.slice(k * d, (k + 1) * d),
      };
    });
    const units = call.mean.map((estimateJ, j): LearningSignalUnit => ({
      unit: j + 1,
      probability: call.probabilities[j],
      estimate: estimateJ,
      network: check.biases[j],
      mean: mean[j],
      standardError: standardError[j],
      exact: exactGradient[j],
    }));
    return {
      draws: drawRows,
      units,
      pixelsOn: Array.from(x.dataSync()).filter((v) => v !== 0).length,
      pixels,
      surrogateDifference: check.difference,
      surrogateScale: check.scale,
      zeroRows: check.zeroRows,
      calls,
      figure: pictureFigure(units, draws, calls),
    };
  } finally {
    x.dispose();
    vae.dispose();
  }
}
