/**
 * ARM against DisARM as the number of units grows (chapter 04). On ARM's toy
 * `f(z) = Σ_i (z_i − p0)²` with every logit equal to φ, both estimators see the same uniforms; for
 * each d the sweep reports, per estimator, the fraction of coordinates that are non-zero and the
 * mean per-coordinate variance, beside the exact fraction.
 *
 * A unit's pair differs one way (`b_i = 1, b̃_i = 0`) or the other, each with probability
 * `q = min(σ(φ), 1 − σ(φ))`, and on this toy `f(b̃) − f(b) = (1 − 2p0)(n₋ − n₊)` with n₊, n₋ the
 * counts of units that differ each way: pairs that differ in opposite directions cancel.
 *
 * - ARM's coordinate i is `[f(b̃) − f(b)](u_i − ½)`: non-zero when `n₊ ≠ n₋`, whichever units
 *   differ, so its chance grows with d towards 1;
 * - DisARM's coordinate i also carries `1[b_i ≠ b̃_i]`: non-zero when unit i's own pair differs and
 *   `n₊ ≠ n₋`, at most `2q` whatever d.
 *
 * ```ts
 * antitheticSweep({ ds: [1, 2, 5, 20], phi: 2, samples: 5000, seed: 1 });
 * // [{ d: 1, estimator: 'arm', nonzero: 0.24, nonzeroExact: 0.238, variance: …, exact: … }, …]
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { uniformNoise } from '../core/random';
import { ArgumentError, checkInteger } from '../errors';
import { estimate } from '../estimators/estimate';
import { armToy } from '../models/toy';

export interface AntitheticSweepOptions {
  /** Numbers of units (default 1, 2, 5, 20). */
  ds?: readonly number[];
  /** Every unit's logit (default 2: σ ≈ 0.88, pairs agree 76% of the time). */
  phi?: number;
  /** The toy's target (default 0.49). */
  p0?: number;
  /** Estimates per estimator and d (default 5000). */
  samples?: number;
  seed?: number;
}

export interface AntitheticSweepRow {
  d: number;
  estimator: 'arm' | 'disarm';
  /** Fraction of non-zero coordinates over the estimates, and its exact value. */
  nonzero: number;
  nonzeroExact: number;
  /** Mean over the coordinates of each coordinate's variance over the estimates. */
  variance: number;
  /** The exact gradient of one coordinate, `σ'(φ)(1 − 2p0)` (the same for every unit). */
  exact: number;
}

function checkOptions(options: AntitheticSweepOptions): Required<AntitheticSweepOptions> {
  const ds = options.ds ?? [1, 2, 5, 20];
  if (!Array.isArray(ds) || ds.length === 0)
    throw new ArgumentError('options.ds', 'expected a non-empty array of unit counts');
  ds.forEach((d, k) => checkInteger(`options.ds[${k}]`, d, 1));
  const phi = options.phi ?? 2;
  const p0 = options.p0 ?? 0.49;
  if (!Number.isFinite(phi)) throw new ArgumentError('options.phi', `expected a finite number, got ${String(phi)}`);
  if (!Number.isFinite(p0)) throw new ArgumentError('options.p0', `expected a finite number, got ${String(p0)}`);
  const samples = checkInteger('options.samples', options.samples ?? 5000, 2);
  return { ds, phi, p0, samples, seed: checkInteger('options.seed', options.seed ?? 1, 0) };
}

/** `P(n₊ − n₋ = k)` for m units, each +1 or −1 with probability q and 0 otherwise, as a map k → p. */
function differenceLaw(m: number, q: number): Map<number, number> {
  let law = new Map<number, number>([[0, 1]]);
  for (let unit = 0; unit < m; unit++) {
    const next = new Map<number, number>();
    for (const [k, p] of law) {
      for (const [step, weight] of [
        [1, q],
        [-1, q],
        [0, 1 - 2 * q],
      ] as const)
        next.set(k + step, (next.get(k + step) ?? 0) + p * weight);
    }
    law = next;
  }
  return law;
}

/** The exact fractions of non-zero coordinates of ARM and DisARM with d units; see the module comment. */
export function antitheticNonzero(d: number, q: number): { arm: number; disarm: number } {
  const all = differenceLaw(d, q);
  const others = differenceLaw(d - 1, q);
  return { arm: 1 - (all.get(0) ?? 0), disarm: 2 * q * (1 - (others.get(1) ?? 0)) };
}

/** One estimator's row at one d from its per-sample estimates `[samples, d]`. */
function rowOf(
  d: number,
  estimator: 'arm' | 'disarm',
  values: Float32Array,
  samples: number,
  exact: number,
  nonzeroExact: number,
): AntitheticSweepRow {
  let nonzero = 0;
  let variance = 0;
  for (let i = 0; i < d; i++) {
    let sum = 0;
    let squares = 0;
    for (let k = 0; k < samples; k++) {
      const v = values[k * d + i];
      if (v !== 0) nonzero += 1;
      sum += v;
      squares += v * v;
    }
    const mean = sum / samples;
    variance += (squares - samples * mean * mean) / (samples - 1);
  }
  return { d, estimator, nonzero: nonzero / (samples * d), nonzeroExact, variance: variance / d, exact };
}

/** The sweep; see the module comment. */
export function antitheticSweep(options: AntitheticSweepOptions = {}): AntitheticSweepRow[] {
  const { ds, phi, p0, samples, seed } = checkOptions(options);
  const theta = 1 / (1 + Math.exp(-phi));
  const q = Math.min(theta, 1 - theta);
  const exact = theta * (1 - theta) * (1 - 2 * p0);
  return ds.flatMap((d) => {
    const logits = tf.fill([d], phi) as tf.Tensor1D;
    const noise = uniformNoise(samples, d, seed + d);
    const fractions = antitheticNonzero(d, q);
    try {
      return (['arm', 'disarm'] as const).map((estimator) => {
        const result = estimate(estimator, armToy(p0), logits, { samples, noise });
        const values = result.perSample.dataSync() as Float32Array;
        tf.dispose([result.perSample, result.mean]);
        return rowOf(d, estimator, values, samples, exact, fractions[estimator]);
      });
    } finally {
      tf.dispose([logits, noise]);
    }
  });
}
