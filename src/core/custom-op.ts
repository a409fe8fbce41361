/**
 * `defineOp`: an op computed with ordinary tf ops, with a hand-written gradient per input.
 *
 * Unlike `tf.customGrad`, which computes the gradient of every input as soon as backpropagation
 * reaches the op, the gradients here are lazy: tfjs asks only for those of inputs that lead to a
 * differentiated variable (the log-likelihood of data `x` never computes `∂/∂x`). The op is a
 * kernel of its own name (tfjs's mechanism for custom ops), registered on the active backend the
 * first time it runs there; its gradient is registered once, for every backend.
 */
import * as tf from '@tensorflow/tfjs';

export type OpInputs<Name extends string> = Record<Name, tf.Tensor>;

export interface OpDefinition<Name extends string> {
  /** The kernel name; unique in the process. */
  kernelName: string;
  inputs: readonly Name[];
  /** The value; runs untaped, intermediate tensors are disposed. */
  forward: (inputs: OpInputs<Name>) => tf.Tensor;
  /** `dy ↦ ∂/∂input` of each input, given the op's inputs (only the ones needed are called). */
  gradients: { [K in Name]: (dy: tf.Tensor, inputs: OpInputs<Name>) => tf.Tensor };
}

export function defineOp<Name extends string>(definition: OpDefinition<Name>): (inputs: OpInputs<Name>) => tf.Tensor {
  const { kernelName, inputs: names, forward, gradients } = definition;
  const byName = (tensors: readonly tf.Tensor[]) =>
    Object.fromEntries(names.map((name, k) => [name, tensors[k]])) as OpInputs<Name>;
  tf.registerGradient({
    kernelName,
    inputsToSave: [...names],
    gradFunc: (dy, saved) => {
      const inputs = byName(saved);
      return Object.fromEntries(names.map((name) => [name, () => gradients[name](dy as tf.Tensor, inputs)]));
    },
  });
  const kernelFunc: tf.KernelFunc = ({ inputs }) => tf.tidy(() => forward(inputs as unknown as OpInputs<Name>));
  return (inputs) => {
    const backend = tf.getBackend();
    if (!tf.getKernel(kernelName, backend)) tf.registerKernel({ kernelName, backendName: backend, kernelFunc });
    return tf.engine().runKernel(kernelName, inputs as unknown as tf.NamedTensorMap) as tf.Tensor;
  };
}
