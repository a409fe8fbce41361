/**
 * Cleanup after a failed `tf.grad`. When differentiation throws (f returns a bad value, or has
 * an op without a gradient such as Greater), tfjs 4.22 leaves the tape's saved tensors kept:
 * its engine disposes them only after a successful backward pass. This mirrors that cleanup.
 */
import * as tf from '@tensorflow/tfjs';

interface TapeState {
  gradientDepth: number;
  activeTape: { saved?: tf.Tensor[] }[] | null;
}

/** Disposes what an abandoned outermost tape still holds; a no-op while a tape is running. */
export function disposeAbandonedTape(): void {
  const state = (tf.engine() as unknown as { state: TapeState }).state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
  state.activeTape = null;
}
