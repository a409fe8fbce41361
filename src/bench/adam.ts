/**
 * A minimal Adam (Kingma & Ba 2015) that *ascends*, for the benchmark's training step:
 * `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`, `θ ← θ + α m̂ / (√v̂ + ε)` with the bias
 * corrections `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`. Same interface as `src/train/optimizer.ts`
 * (`step(parameters, gradients)`), which replaces it once that module is on this branch.
 */
import * as tf from '@tensorflow/tfjs';

export interface BenchOptimizer {
  step(parameters: Readonly<Record<string, tf.Variable>>, gradients: Readonly<Record<string, tf.Tensor>>): void;
  dispose(): void;
}

export function benchAdam(lr = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): BenchOptimizer {
  const m = new Map<string, tf.Variable>();
  const v = new Map<string, tf.Variable>();
  let t = 0;
  return {
    step(parameters, gradients) {
      t += 1;
      const scale = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      tf.tidy(() => {
        for (const [name, theta] of Object.entries(parameters)) {
          const g = gradients[name];
          if (!m.has(name)) {
            m.set(name, tf.variable(tf.zerosLike(theta), false));
            v.set(name, tf.variable(tf.zerosLike(theta), false));
          }
          const mNext = tf.add(tf.mul(beta1, m.get(name)!), tf.mul(1 - beta1, g));
          const vNext = tf.add(tf.mul(beta2, v.get(name)!), tf.mul(1 - beta2, tf.square(g)));
          m.get(name)!.assign(mNext);
          v.get(name)!.assign(vNext);
          // ε is applied to √v̂ as in the formula: √v / √(1 − β₂ᵗ) + ε.
          const denominator = tf.add(tf.sqrt(vNext), epsilon * Math.sqrt(1 - beta2 ** t));
          theta.assign(tf.add(theta, tf.mul(scale, tf.div(mNext, denominator))));
        }
      });
    },
    dispose() {
      [...m.values(), ...v.values()].forEach((variable) => variable.dispose());
    },
  };
}
