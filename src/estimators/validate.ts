/** Input checks shared by `estimate` and the oracle. */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, messages } from '../errors';

/** `logits` must be a finite float32 Tensor1D with at least one unit. */
export function checkLogits(logits: unknown): tf.Tensor1D {
  if (!(logits instanceof tf.Tensor)) throw new ArgumentError('logits', `expected a tf.Tensor1D, got ${typeof logits}`);
  if (logits.rank !== 1 || logits.shape[0] < 1)
    throw new ArgumentError('logits', messages.shape('[d] with d >= 1', logits.shape));
  if (logits.dtype !== 'float32') throw new ArgumentError('logits', messages.dtype(logits.dtype));
  if (!logits.dataSync().every(Number.isFinite)) throw new ArgumentError('logits', messages.nonFinite('every logit'));
  return logits as tf.Tensor1D;
}

/** Uniform noise must be `[rows, d]` (samples × groups), float32, strictly inside (0, 1). */
export function checkNoise(argument: string, noise: unknown, samples: number, d: number): tf.Tensor2D {
  if (!(noise instanceof tf.Tensor)) throw new ArgumentError(argument, `expected a tf.Tensor2D, got ${typeof noise}`);
  if (noise.rank !== 2 || noise.shape[0] !== samples || noise.shape[1] !== d) {
    throw new ArgumentError(argument, messages.shape(`[samples × groups, d] = [${samples}, ${d}]`, noise.shape));
  }
  if (noise.dtype !== 'float32') throw new ArgumentError(argument, messages.dtype(noise.dtype));
  if (!noise.dataSync().every((x) => x > 0 && x < 1)) throw new ArgumentError(argument, messages.uniforms);
  return noise as tf.Tensor2D;
}
