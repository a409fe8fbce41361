/**
 * The small MLPs of the binary-latent models (ARM/DisARM's architectures): `'linear'` is one
 * dense layer `x · name.w + name.b`; `'nonlinear'` puts two deterministic LeakyReLU(0.3) layers
 * of `hidden` units before it (`name.h1`, `name.h2`).
 */
import * as tf from '@tensorflow/tfjs';
import { dense, denseSpecs, type Parameters, type ParameterSpec } from './parameters';

export type MlpKind = 'linear' | 'nonlinear';
export const MLP_KINDS: readonly MlpKind[] = ['linear', 'nonlinear'];

const HIDDEN_LAYERS = 2;
const LEAK = 0.3;

/** `name.h1`, `name.h2` (nonlinear only) and `name`: an MLP from `fanIn` to `fanOut`. */
export function mlpSpecs(name: string, fanIn: number, fanOut: number, hidden: number, kind: MlpKind): ParameterSpec[] {
  if (kind === 'linear') return denseSpecs(name, fanIn, fanOut);
  return [
    ...denseSpecs(`${name}.h1`, fanIn, hidden),
    ...denseSpecs(`${name}.h2`, hidden, hidden),
    ...denseSpecs(name, hidden, fanOut),
  ];
}

/** The MLP `name` applied to the rows of `x`. */
export function mlp(parameters: Parameters, name: string, kind: MlpKind, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  if (kind === 'nonlinear') {
    for (let k = 1; k <= HIDDEN_LAYERS; k++)
      h = tf.leakyRelu(dense(parameters, `${name}.h${k}`, h), LEAK) as tf.Tensor2D;
  }
  return dense(parameters, name, h);
}
