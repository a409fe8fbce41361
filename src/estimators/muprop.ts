/**
 * MuProp (Gu, Levine, Sutskever & Mnih 2016): REINFORCE with the first-order Taylor expansion
 * of f around the mean-field point `z̄ = σ(φ)` as control variate, its mean added back:
 * `ĝ = [f(z) − f(z̄) − f'(z̄)ᵀ(z − z̄)] (z − σ(φ)) + f'(z̄) ⊙ σ'(φ)`.
 * Unbiased; one evaluation of f per draw plus one mean-field evaluation and backward pass per batch.
 * Inside a network the expansion point comes from the network's mean-field pass
 * (`context.expansion`): any point, value and slope independent of z keep it unbiased.
 *
 * `muprop` is the bare estimator; the paper's variants add parts (learning-signal.ts): `muprop-c`
 * centres the residual with a moving average, `muprop-c-vn` also divides it by its running standard
 * deviation, `muprop-c-idb` also subtracts a learned input-dependent baseline.
 */
import * as tf from '@tensorflow/tfjs';
import { differentiateThrough } from './autodiff';
import { composedScoreFunction, type SignalParts } from './learning-signal';
import type { EstimatorContext, EstimatorSpec, TaylorExpansion } from './types';

/**
 * f and ∂f/∂z at the mean field `z̄ = σ(φ)` of this problem, one row per row of logits, from one
 * evaluation of f. `value` is kept out of the tape's scope: the caller disposes it.
 */
function localExpansion(context: EstimatorContext): TaylorExpansion {
  const point = tf.sigmoid(context.logits).reshape([-1, context.d]) as tf.Tensor2D;
  let value: tf.Tensor | undefined;
  try {
    const slope = differentiateThrough(context, () =>
      tf.grad((zBar: tf.Tensor) => {
        const values = context.f(zBar as tf.Tensor2D);
        value = tf.keep(values.clone());
        return tf.sum(values);
      })(point),
    );
    return { point, value: value!, slope };
  } catch (error) {
    value?.dispose(); // kept, so no scope frees it when f turns out not to be differentiable
    throw error;
  }
}

/** The expansion a network supplied, or one at this problem's own mean field; `dispose` frees what it made. */
export function taylorExpansion(context: EstimatorContext): { expansion: TaylorExpansion; dispose: () => void } {
  if (context.expansion) return { expansion: context.expansion, dispose: () => undefined };
  const expansion = localExpansion(context);
  return { expansion, dispose: () => expansion.value.dispose() };
}

const GU = 'Gu, Levine, Sutskever & Mnih 2016';

/** A MuProp estimator with the given parts on top of its Taylor control variate. */
function mupropWith(
  title: string,
  parts: Omit<SignalParts, 'taylor'>,
  extra: Partial<EstimatorSpec> = {},
): EstimatorSpec {
  return {
    title,
    reference: GU,
    unbiased: true,
    needsGradient: true,
    evaluationsPerSample: 1,
    evaluationsPerCall: 1,
    networkGradient: 'mean-field',
    minSamples: 1,
    family: 'score-function',
    inNetworks: true,
    ...extra,
    run: (context) => composedScoreFunction(context, { taylor: true, ...parts }),
  };
}

export const muprop = mupropWith('MuProp (Taylor control variate)', {});
export const mupropC = mupropWith('MuProp, centred', { centre: true });
export const mupropCVn = mupropWith(
  'MuProp, centred, variance-normalised',
  { centre: true, normalise: true },
  { normalised: true },
);
export const mupropCIdb = mupropWith(
  'MuProp, centred, input-dependent baseline',
  { centre: true, inputBaseline: true },
  { learned: 'input-baseline' },
);
