/** Small objectives of the papers, as batched `Objective`s. */
import * as tf from '@tensorflow/tfjs';
import type { Objective } from '../estimators/objective';

/** ARM's toy (Yin & Zhou 2019): `f(z) = Σ_i (z_i − p0)^2`; maximising E[f] needs φ → ±∞. */
export function armToy(p0: number): Objective {
  if (!Number.isFinite(p0)) throw new RangeError(`armToy: p0 must be a finite number, got ${p0}`);
  return (z: tf.Tensor2D) => tf.sum(tf.square(tf.sub(z, p0)), 1) as tf.Tensor1D;
}

/** `f(z) = cᵀz`: the exact gradient is `c_i σ'(φ_i)`. */
export function linearObjective(c: number[]): Objective {
  return (z: tf.Tensor2D) => tf.tidy(() => tf.sum(tf.mul(z, tf.tensor1d(c)), 1) as tf.Tensor1D);
}
