/**
 * The sparsity penalties of the gating network (Bengio, Léonard & Courville 2013, section 5),
 * subtracted from the objective that is maximised. `weight` is `config.sparsity`, ρ the target
 * fraction of open gates (`config.target`, default 0.1).
 *
 * - `l1`: `λ · mean_j g_j` per example with a fixed λ = weight (λ nats when every gate is open).
 * - `adaptive-l1`: the same with λ (starting at weight) moved after every training step: times
 *   `1 + rate` when the batch's fraction of open gates `mean P(g > 0 | a)` is above ρ + tolerance,
 *   divided by `1 + rate` when below ρ − tolerance (the paper: whenever the sparsity leaves
 *   0.1 ± 0.01). λ is model state (`getState`).
 * - `kl`: `β · Σ_j KL(ρ ‖ ρ̂_j)` per batch (summed over the gates), `ρ̂_j` the batch mean of gate
 *   j's probability (`penaltyProbability`: the sigmoid probability `σ(a)` of binary and STS gates,
 *   `P(g > 0 | a)` of the noisy rectifier), β = weight: the usual sparse-coding penalty, a
 *   deterministic function of the gater whose gradient is exact. An STS gate driven to
 *   `σ(a) = ρ` is non-zero with probability `sqrt(ρ)` (0.32 for ρ = 0.1) and has mean ρ; driving
 *   its `P(g > 0) = sqrt(σ(a))` to ρ instead leaves it a value of ρ when open, and a network of
 *   such gates barely learns (measured: no progress in 1,000 steps of the paper's setting).
 * - `paper`: `kl` for sigmoid-probability gates (binary, STS), `adaptive-l1` for rectifier gates,
 *   as the paper does.
 */
import * as tf from '@tensorflow/tfjs';
import { isRectifierGate, type GateKind } from './gates';

export type PenaltyKind = 'l1' | 'kl' | 'adaptive-l1' | 'paper';
export const PENALTY_KINDS: readonly PenaltyKind[] = ['l1', 'kl', 'adaptive-l1', 'paper'];

/** The penalty a gate kind trains with: `paper` resolved by the kind of gate. */
export function penaltyFor(penalty: PenaltyKind, kind: GateKind): Exclude<PenaltyKind, 'paper'> {
  if (penalty !== 'paper') return penalty;
  return isRectifierGate(kind) ? 'adaptive-l1' : 'kl';
}

/** Keeps ρ̂ inside (0, 1), where the KL is finite. */
const EDGE = 1e-6;

/** `Σ_j KL(ρ ‖ ρ̂_j)` with `ρ̂_j` the mean over the rows of `probabilities[:, j]` (a scalar). */
export function klToTarget(probabilities: tf.Tensor2D, target: number): tf.Scalar {
  return tf.tidy(() => {
    const mean = tf.clipByValue(tf.mean(probabilities, 0), EDGE, 1 - EDGE);
    const on = tf.mul(target, tf.log(tf.div(target, mean)));
    const off = tf.mul(1 - target, tf.log(tf.div(1 - target, tf.sub(1, mean))));
    return tf.sum(tf.add(on, off)) as tf.Scalar;
  });
}

/** The adaptive λ's next value (a scalar tensor) given the batch's fraction of open gates. */
export function adaptedLambda(
  lambda: tf.Scalar,
  fraction: tf.Scalar,
  target: number,
  tolerance: number,
  rate: number,
): tf.Scalar {
  return tf.tidy(() => {
    const up = tf.greater(fraction, target + tolerance);
    const down = tf.less(fraction, target - tolerance);
    return tf.where(up, tf.mul(lambda, 1 + rate), tf.where(down, tf.div(lambda, 1 + rate), lambda)) as tf.Scalar;
  });
}
