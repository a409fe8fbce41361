/**
 * The score-function family as parts that compose (the control-variate axis of mc_gradients),
 * rather than one copy of the estimator per combination. With the draw `z = 1[u < σ(φ)]`:
 *
 * ```
 * l = f(z) − h(z)                 control variate h with a known mean gradient (MuProp's Taylor term; h = 0 without)
 * l ← l − c                       centring: c a moving average of l over earlier calls
 * l ← l − b(x)                    input-dependent baseline: a learned prediction of the centred l
 * ĝ = [l ⊙ (z − σ(φ)) + ∇_φ E[h(z)]] / s,   s = max(1, √v)   (v a moving average of l's variance, variance normalisation)
 * ```
 *
 * c, v and b are fixed before the draw (earlier calls; a network whose input does not depend on
 * z), so `s · ĝ` is unbiased for `∇_φ E[f(z)]`; with normalisation `ĝ` is that estimate divided by
 * the known positive `s` (returned as `scale`): a per-layer step size, as NVIL uses it.
 * The moving averages follow NVIL (Mnih & Gregor 2014) as MuProp (§2.2) describes it: c tracks the
 * signal's mean and v the variance of the final signal within each call (one minibatch), with
 * decay `CENTRING_DECAY` = 0.8 (NVIL's α, as its public implementations set it; MuProp defers
 * to NVIL for these details). They are bias-corrected (numerator and weight both averaged) so
 * that the first call is not pulled towards 0. One deliberate difference from those
 * implementations: c and v come from earlier calls only (they fold the current minibatch in
 * first), which keeps `s · ĝ` exactly unbiased. `residual` is the centred signal minus b, the
 * error that training b minimises (MuProp: `E[(l − c − b(x))²]`).
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliScore, sigmoidDerivative } from '../core/bernoulli';
import { ArgumentError, messages } from '../errors';
import { drawnSample } from './drawn-sample';
import { taylorExpansion } from './muprop';
import type { BaselineState, EstimatorContext, EstimatorOutput } from './types';

export interface SignalParts {
  /** MuProp's first-order Taylor control variate around the mean field. */
  taylor?: boolean;
  /** Subtract the moving average of the signal over earlier calls. */
  centre?: boolean;
  /** Subtract the learned input-dependent baseline `context.inputBaseline`. */
  inputBaseline?: boolean;
  /** Divide by `max(1, √v)`, v the moving average of the squared centred signal. */
  normalise?: boolean;
}

/** NVIL's α: the decay of the centring and normalisation moving averages, once per call. */
export const CENTRING_DECAY = 0.8;

/** Centring and normalisation state: `[Σ weights · mean]`, `[Σ weights]`, `[Σ weights · mean square]`. */
function checkState(state: BaselineState | undefined): Required<BaselineState> {
  if (state === undefined) return { numerator: [0], denominator: [0], variance: [0] };
  const ok = [state.numerator, state.denominator, state.variance].every(
    (a) => Array.isArray(a) && a.length === 1 && Number.isFinite(a[0]),
  );
  if (!ok)
    throw new ArgumentError(
      'options.baseline',
      'expected the state a centred estimator returned: { numerator: [m], denominator: [w], variance: [v] }, finite',
    );
  return { numerator: [...state.numerator], denominator: [...state.denominator], variance: [...state.variance!] };
}

const ratio = (state: Required<BaselineState>, key: 'numerator' | 'variance') =>
  state.denominator[0] > 0 ? state[key][0] / state.denominator[0] : 0;

/** The signal `f(z) − h(z)` and the control variate's mean gradient (absent without one). */
function controlledSignal(
  context: EstimatorContext,
  z: tf.Tensor2D,
  parts: SignalParts,
): { signal: tf.Tensor1D; meanGradient?: tf.Tensor2D } {
  const values = context.f(z);
  if (!parts.taylor) return { signal: values };
  const { expansion, dispose } = taylorExpansion(context);
  try {
    const { point, value, slope } = expansion;
    const h = tf.add(value, tf.sum(tf.mul(tf.sub(z, point), slope), 1));
    return {
      signal: tf.sub(values, h) as tf.Tensor1D,
      meanGradient: tf.mul(slope, sigmoidDerivative(context.logits)) as tf.Tensor2D,
    };
  } finally {
    dispose();
  }
}

function inputBaselineOf(context: EstimatorContext): tf.Tensor1D {
  const b = context.inputBaseline;
  if (!(b instanceof tf.Tensor)) {
    throw new ArgumentError(
      'inputBaseline',
      `${context.name} subtracts a learned input-dependent baseline: the model (or options.inputBaseline) must supply one value per row`,
    );
  }
  if (b.rank !== 1 || b.shape[0] !== context.rows)
    throw new ArgumentError('inputBaseline', messages.shape(`[${context.rows}]`, b.shape));
  return b as tf.Tensor1D;
}

/** Runs the score-function estimator made of `parts`; see the module comment. */
export function composedScoreFunction(context: EstimatorContext, parts: SignalParts): EstimatorOutput {
  const z = drawnSample(context);
  const score = bernoulliScore(z, context.logits);
  const { signal, meanGradient } = controlledSignal(context, z, parts);
  const stateful = parts.centre || parts.normalise;
  const state = stateful ? checkState(context.baseline) : undefined;
  const centred = parts.centre ? (tf.sub(signal, ratio(state!, 'numerator')) as tf.Tensor1D) : signal;
  const residual = parts.inputBaseline ? (tf.sub(centred, inputBaselineOf(context)) as tf.Tensor1D) : centred;
  const scale = parts.normalise ? Math.max(1, Math.sqrt(ratio(state!, 'variance'))) : 1;
  let perSample = tf.mul(residual.expandDims(1), score) as tf.Tensor2D;
  if (meanGradient) perSample = tf.add(perSample, meanGradient) as tf.Tensor2D;
  if (scale !== 1) perSample = tf.div(perSample, scale) as tf.Tensor2D;
  const output: EstimatorOutput = { perSample };
  if (parts.inputBaseline) output.residual = residual;
  if (parts.normalise) output.scale = scale;
  if (state) output.baseline = updatedState(state, signal, residual);
  return output;
}

/** The moving averages after this call: the mean of its signal, and the variance of its residual. */
function updatedState(state: Required<BaselineState>, signal: tf.Tensor1D, residual: tf.Tensor1D): BaselineState {
  const moments = tf.tidy(() => tf.stack([tf.mean(signal), tf.moments(residual).variance]));
  const [mean, square] = moments.arraySync() as number[];
  moments.dispose();
  const decay = CENTRING_DECAY;
  return {
    numerator: [decay * state.numerator[0] + (1 - decay) * mean],
    denominator: [decay * state.denominator[0] + (1 - decay)],
    variance: [decay * state.variance[0] + (1 - decay) * square],
  };
}
