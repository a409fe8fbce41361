/**
 * Closed forms for the conditional-computation unit types of `units.ts` at a fixed
 * pre-activation `a` (Bengio, Léonard & Courville 2013, sections 1c–1d):
 *
 * - `sts`, `h = b · sqrt(σ(a))`, `b ~ Bernoulli(sqrt(σ(a)))`:
 *   `E[h] = σ(a)`, `P(h = 0) = 1 − sqrt(σ(a))`, `dE[h]/da = σ(a)(1 − σ(a))`, while the op's
 *   backward pass `b · sqrt(σ(a))(1 − σ(a))/2` averages to `σ(a)(1 − σ(a))/2`: half the true slope.
 * - `noisy-rectifier`, `h = max(0, a + ε)`, `ε ~ N(0, s²)`, `t = a/s`:
 *   `E[h] = a Φ(t) + s φ(t)`, `P(h = 0) = Φ(−t)`, and `dE[h]/da = Φ(t)`, which is also the mean
 *   of the backward pass `1[a + ε > 0]` (reparameterisation is exact). `s = 0` is the plain
 *   rectifier, which the unit type `rectifier` always is.
 */
import { ArgumentError, messages } from '../errors';
import { normalCdf } from '../core/normal';
import { DEFAULT_NOISE, isUnitName, UNIT_NAMES, type UnitName } from './units';

export interface UnitMoments {
  /** `E[h]`. */
  mean: number;
  /** `P(h = 0)`: the probability of an exact zero. */
  zeroProbability: number;
  /** `dE[h]/da`: the gradient an unbiased estimator would average to. */
  meanSlope: number;
  /** `E[∂h/∂a]` of the op's backward pass: what the unit actually propagates, on average. */
  surrogateSlope: number;
}

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

function stsMoments(a: number): UnitMoments {
  const sigma = sigmoid(a);
  const slope = sigma * (1 - sigma);
  return { mean: sigma, zeroProbability: 1 - Math.sqrt(sigma), meanSlope: slope, surrogateSlope: slope / 2 };
}

function rectifierMoments(a: number, s: number): UnitMoments {
  if (s === 0) {
    const on = a > 0 ? 1 : 0;
    return { mean: Math.max(a, 0), zeroProbability: 1 - on, meanSlope: on, surrogateSlope: on };
  }
  const t = a / s;
  const open = normalCdf(t);
  const density = Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  return { mean: a * open + s * density, zeroProbability: normalCdf(-t), meanSlope: open, surrogateSlope: open };
}

/** The moments of unit type `name` at pre-activation `a`; `noise` is the rectifier's s (default 1). */
export function unitMoments(name: UnitName, a: number, settings: { noise?: number } = {}): UnitMoments {
  if (!isUnitName(name)) throw new ArgumentError('name', messages.unknownName('unit type', String(name), UNIT_NAMES));
  if (typeof a !== 'number' || !Number.isFinite(a))
    throw new ArgumentError('a', `expected a finite number, got ${String(a)}`);
  const s = settings.noise ?? DEFAULT_NOISE;
  if (!(typeof s === 'number' && Number.isFinite(s) && s >= 0))
    throw new ArgumentError('settings.noise', `expected a finite number >= 0, got ${String(s)}`);
  return name === 'sts' ? stsMoments(a) : rectifierMoments(a, name === 'rectifier' ? 0 : s);
}
