/**
 * The straight-through family as one custom-gradient op: the forward pass emits a hard
 * binary sample, the backward pass pretends the sample was a smooth function of the logits.
 * Usable inside any network (tfjs has no stopGradient; comparisons live inside customGrad).
 */
import * as tf from '@tensorflow/tfjs';
import { logisticNoise, sigmoidDerivative } from './bernoulli';

/** How `∂z/∂φ` is replaced in the backward pass. */
export type SurrogateDerivative =
  | { kind: 'identity' } //                   ∂z/∂φ := 1
  | { kind: 'sigmoid' } //                    ∂z/∂φ := σ'(φ)
  | { kind: 'annealed'; slope: number } //    ∂z/∂φ := s σ'(s φ)
  | { kind: 'gumbel'; temperature: number } // ∂z/∂φ := ∂/∂φ σ((φ + L(u)) / τ)
  | { kind: 'one-half' } //                   ∂z/∂φ := (z − σ(φ))(z − ½), z the hard sample (DARN's "1/2")
  | { kind: 'reinmax'; temperature: number }; // ∂z/∂φ := 2 π₁(1 − π₁) − ½ σ'(φ), π₁ = (z + σ(φ/τ))/2 (ReinMax)

/** The forward value of the straight-through op. */
export function hardSample(logits: tf.Tensor, u: tf.Tensor, rule: SurrogateDerivative): tf.Tensor {
  // Gumbel-ST thresholds its own relaxed sample σ((φ + L)/τ), i.e. z = 1[φ + L(u) > 0].
  if (rule.kind === 'gumbel') return tf.cast(tf.greater(tf.add(logits, logisticNoise(u)), 0), 'float32');
  return tf.cast(tf.less(u, tf.sigmoid(logits)), 'float32');
}

/** The `∂z/∂φ` that `rule` substitutes, at `logits` (broadcast against `u`). */
export function surrogateDerivative(logits: tf.Tensor, u: tf.Tensor, rule: SurrogateDerivative): tf.Tensor {
  switch (rule.kind) {
    case 'identity':
      return tf.onesLike(logits);
    case 'sigmoid':
      return sigmoidDerivative(logits);
    case 'annealed':
      return tf.mul(rule.slope, sigmoidDerivative(tf.mul(rule.slope, logits)));
    case 'gumbel': {
      const scaled = tf.div(tf.add(logits, logisticNoise(u)), rule.temperature);
      return tf.div(sigmoidDerivative(scaled), rule.temperature);
    }
    case 'one-half': {
      // The score (z − σ) times the Taylor step (z − ½): (1 − σ)/2 where z = 1, σ/2 where z = 0.
      const z = hardSample(logits, u, rule);
      return tf.mul(tf.sub(z, tf.sigmoid(logits)), tf.sub(z, 0.5));
    }
    case 'reinmax': {
      // Two-category ReinMax: 2 J(π₁) − ½ J(π₀) along (1, −1), J(π) = π(1 − π) the softmax Jacobian.
      const z = hardSample(logits, u, rule);
      const midpoint = tf.mul(0.5, tf.add(z, tf.sigmoid(tf.div(logits, rule.temperature))));
      return tf.sub(tf.mul(2, tf.mul(midpoint, tf.sub(1, midpoint))), tf.mul(0.5, sigmoidDerivative(logits)));
    }
  }
}

/**
 * Hard binary sample of `logits` driven by the uniforms `u` (same shape), with the
 * straight-through gradient `dy · ∂z/∂φ` chosen by `rule`. `u` receives no gradient.
 */
export function straightThroughSample(logits: tf.Tensor2D, u: tf.Tensor2D, rule: SurrogateDerivative): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: hardSample(x, u, rule),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, surrogateDerivative(saved[0], u, rule)),
    };
  });
  return op(logits) as tf.Tensor2D;
}
