/**
 * Unit types for conditional computation (Bengio, Léonard & Courville 2013, sections 1c–1d and
 * 5): gates that can emit exact zeros yet pass a gradient to their pre-activation `a` (`sts`,
 * `noisy-rectifier`, and the deterministic `rectifier` the paper compares them with). Each is a
 * differentiable sample op `(a, u, settings) → h`, driven by one uniform per unit (so common
 * random numbers and seeds work as everywhere else), usable as a pathwise estimator's sample.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';
import { normalQuantileTensor } from '../core/normal';
import type { PathwiseSample, PathwiseSettings } from '../estimators/types';

/** Settings of the unit types: the pathwise settings plus the rectifier's noise scale. */
export interface UnitSettings extends PathwiseSettings {
  /** Standard deviation `s` of the noisy rectifier's Gaussian noise (default `DEFAULT_NOISE`). */
  readonly noise?: number;
}

/** Default `s` of the noisy rectifier: noise on the scale of a unit logit. */
export const DEFAULT_NOISE = 1;

/**
 * Stochastic times smooth: `h = b · sqrt(σ(a))` with `b = 1[u < sqrt(σ(a))]`, i.e.
 * `b ~ Bernoulli(sqrt(σ(a)))`, so `E[h] = σ(a)`. The gradient flows through the smooth factor
 * only, `b` being treated as noise: `∂h/∂a := b · ∂sqrt(σ(a))/∂a = b · sqrt(σ(a)) (1 − σ(a)) / 2`.
 * Biased as an estimator of `∇_a E[f(h)]` (it ignores how `a` moves `b`); emits exact zeros.
 */
export function stochasticTimesSmooth(logits: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const smooth = tf.sqrt(tf.sigmoid(a));
    const b = tf.cast(tf.less(u, smooth), 'float32');
    save([a, b]);
    return {
      value: tf.mul(b, smooth),
      gradFunc: (dy: tf.Tensor, [saved, open]: tf.Tensor[]) => {
        const sigma = tf.sigmoid(saved);
        return tf.mul(dy, tf.mul(open, tf.mul(tf.sqrt(sigma), tf.mul(tf.sub(1, sigma), 0.5))));
      },
    };
  });
  return tf.tidy(() => op(logits)) as tf.Tensor2D;
}

/**
 * Noisy rectifier: `h = max(0, a + ε)`, `ε = s · Φ^{-1}(u) ~ N(0, s²)`, with `s = settings.noise`
 * (default 1). Ordinary backpropagation: `∂h/∂a = 1[a + ε > 0]`, exact for the noisy unit
 * (reparameterisation); emits exact zeros when `a + ε ≤ 0`. Its values lie in [0, ∞).
 */
export function noisyRectifier(logits: tf.Tensor2D, u: tf.Tensor2D, settings: Partial<UnitSettings> = {}): tf.Tensor2D {
  const s = settings.noise ?? DEFAULT_NOISE;
  if (!(Number.isFinite(s) && s >= 0))
    throw new ArgumentError('settings.noise', `expected a finite number >= 0, got ${String(s)}`);
  return tf.tidy(() => tf.relu(tf.add(logits, tf.mul(s, normalQuantileTensor(u))))) as tf.Tensor2D;
}

/**
 * The unit types by name, each a pathwise sample op. `rectifier` is the noise-free `max(0, a)`
 * (Bengio et al.'s "baseline rectifier"), whatever `settings.noise` says.
 */
export const UNIT_TYPES = {
  sts: ((logits, u) => stochasticTimesSmooth(logits, u)) as PathwiseSample,
  'noisy-rectifier': ((logits, u, settings: UnitSettings) => noisyRectifier(logits, u, settings)) as PathwiseSample,
  rectifier: ((logits, u) => noisyRectifier(logits, u, { noise: 0 })) as PathwiseSample,
} as const;

export type UnitName = keyof typeof UNIT_TYPES;

export const UNIT_NAMES = Object.keys(UNIT_TYPES) as UnitName[];

export function isUnitName(name: unknown): name is UnitName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(UNIT_TYPES, name);
}

/** The sample op of unit type `name`, or an error listing the valid names. */
export function lookupUnit(name: unknown, argument = 'unit'): PathwiseSample {
  if (!isUnitName(name)) throw new ArgumentError(argument, messages.unknownName('unit type', String(name), UNIT_NAMES));
  return UNIT_TYPES[name];
}
