/**
 * The gated classifier's exact expected objective and gradients by enumeration of its gates' coins
 * (`hidden ≤ 20`): binary gates, or STS gates' Bernoulli parts (their smooth factor is
 * deterministic). The oracle the gater's estimators are checked against.
 */
import type * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../errors';
import { chainExact } from './chain-exact';
import { gatingEstimator } from './gating-config';
import type { GatingNetwork } from './gating-network';
import type { GatingBatch } from './gating-types';
import { gateKind } from './gates';

/** `E[objective]` per example `[n]` (the penalty included) and its gradients for gates of `estimator`. */
export function exactGating(
  network: GatingNetwork,
  batch: GatingBatch,
  estimator = 'reinforce',
): { objective: tf.Tensor1D; gradients: Record<string, tf.Tensor> } {
  gatingEstimator(estimator, 'options.estimator');
  const kind = gateKind(estimator);
  if (kind !== 'binary' && kind !== 'sts')
    throw new ArgumentError(
      'options.estimator',
      `${kind} gates are not binary: their expectation cannot be enumerated`,
    );
  const used = network.penaltyOf(kind);
  const { expectation, logMeanExp, gradients } = chainExact(
    network.chainOf(batch, used !== 'kl', kind === 'sts'),
    network.parameters,
  );
  logMeanExp.dispose();
  if (used !== 'kl') return { objective: expectation, gradients };
  const out = network.subtractPenalty(expectation, gradients, batch.images, kind);
  return { objective: out.objective, gradients: out.gradients };
}
