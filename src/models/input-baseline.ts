/**
 * The learned input-dependent baseline a model owns for the estimators that use one (`learned:
 * 'input-baseline'` in the registry: nvil, muprop-c-idb): per stochastic layer l, a network
 * `b_l(x) = tanh(x · baseline{l}.h.w + baseline{l}.h.b) · baseline{l}.w + baseline{l}.b` of 100 tanh
 * units (Mnih & Gregor 2014; MuProp's Table 2) on the model's observed data x, which does not
 * depend on any draw, so subtracting it keeps the estimator unbiased. Its parameters are the
 * model's, listed in `estimatorParameters`; their gradient is the regression step towards the
 * centred learning signal (chain-gradients.ts), so the optimiser trains them with the model and
 * checkpoints save them.
 */
import * as tf from '@tensorflow/tfjs';
import { dense, denseSpecs, type Parameters, type ParameterSpec } from './parameters';

/** Tanh units of each layer's baseline network. */
export const INPUT_BASELINE_HIDDEN = 100;

/** The parameter specs of one baseline network per layer, over inputs of `width` columns. */
export function inputBaselineSpecs(layers: number, width: number): ParameterSpec[] {
  return Array.from({ length: layers }, (_, l) => [
    ...denseSpecs(`baseline${l + 1}.h`, width, INPUT_BASELINE_HIDDEN),
    ...denseSpecs(`baseline${l + 1}`, INPUT_BASELINE_HIDDEN, 1),
  ]).flat();
}

/** `b_l(x)` for every row of `x`, `[n]` (layer 0-based). */
export function inputBaseline(parameters: Parameters, layer: number, x: tf.Tensor2D): tf.Tensor1D {
  const hidden = tf.tanh(dense(parameters, `baseline${layer + 1}.h`, x)) as tf.Tensor2D;
  return tf.reshape(dense(parameters, `baseline${layer + 1}`, hidden), [-1]) as tf.Tensor1D;
}

/** The names of the baseline parameters among `parameters`. */
export function inputBaselineNames(parameters: Parameters): string[] {
  return Object.keys(parameters).filter((name) => /^baseline\d+\./.test(name));
}
