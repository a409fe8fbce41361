/**
 * RODEO's learned function, owned by a model for the estimators with `learned: 'stein-function'`
 * (rodeo.ts): per stochastic layer l, `NN_l(lin, f) = [α_l, β_l] ⊙ (LeakyReLU_0.3(
 * [lin, f] · stein{l}.h.w + stein{l}.h.b) · stein{l}.w + stein{l}.b)`, 100 hidden units, as the
 * authors' `SteinControlNNSingleLayer` (two Dense(100) on each input, summed: one Dense on both)
 * with their scalars α (the baseline's control variate) and β (the gradient's), both starting at
 * 0 so that training starts from reinforce-loo. The inputs depend on the draws only through
 * other draws of the same group, so any ψ keeps the estimator unbiased. The parameters are the
 * model's (`estimatorParameters`); their gradient is minus that of the estimator's mean squared
 * estimate (chain-gradients.ts), and tasks step them by Adam at the paper's 1e-3.
 */
import * as tf from '@tensorflow/tfjs';
import { dense, denseSpecs, type Parameters, type ParameterSpec } from './parameters';

/** Hidden units of each layer's function (the authors' 100). */
export const STEIN_HIDDEN = 100;
const LEAK = 0.3;

/** The parameter specs of one learned function per layer. */
export function steinFunctionSpecs(layers: number): ParameterSpec[] {
  return Array.from({ length: layers }, (_, l) => [
    ...denseSpecs(`stein${l + 1}.h`, 2, STEIN_HIDDEN),
    ...denseSpecs(`stein${l + 1}`, STEIN_HIDDEN, 2),
    { name: `stein${l + 1}.scale`, shape: [2], init: 'zeros' as const },
  ]).flat();
}

/** Layer `layer`'s (0-based) function at `inputs` `[P, 2]`, `[P, 2]`. */
export function steinFunction(parameters: Parameters, layer: number, inputs: tf.Tensor2D): tf.Tensor2D {
  const name = `stein${layer + 1}`;
  const hidden = tf.leakyRelu(dense(parameters, `${name}.h`, inputs), LEAK) as tf.Tensor2D;
  return tf.mul(dense(parameters, name, hidden), parameters[`${name}.scale`]) as tf.Tensor2D;
}

/** The names of the learned functions' parameters among `parameters`. */
export function steinFunctionNames(parameters: Parameters): string[] {
  return Object.keys(parameters).filter((name) => /^stein\d+\./.test(name));
}
