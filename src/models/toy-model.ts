/**
 * ARM's toy as a trainable `Model<void>`: maximise `E_{z ~ Bernoulli(σ(φ))}[Σ_i (z_i − p0)^2]`
 * over the logits `phi` (`units` of them). For p0 < 0.5 the optimum is σ(φ) → 1, and the
 * gradient `σ'(φ)(1 − 2 p0)` is tiny when p0 is close to 0.5, which is what makes the toy hard.
 *
 * `gradients(estimator)` runs the registry's `estimate()` (no estimator formula lives here):
 * the estimate's mean is the gradient of `phi`, and the objective is the mean of f over the
 * draws `z = 1[u < σ(φ)]` of the same uniforms. The baseline estimators' moving averages are
 * kept per estimator across calls (`getState`/`setState`, so checkpoints carry them).
 *
 * With `surrogate` given, RELAX uses the trained control variate of Grathwohl et al. (2018),
 * `c_ψ(r) = f(r) + MLP_ψ(r)` on relaxed samples `r = σ(z̃/τ)`, with one hidden layer of
 * squashing units `a/√(1 + a²)`; its
 * parameters `relax.w1 [units, hidden]`, `relax.b1 [hidden]`, `relax.w2 [hidden]`,
 * `relax.b2 [1]` get the "gradient" `−∇_ψ (1/n) Σ_k ‖ĝ_k‖²`, so ascent lowers the estimator's
 * variance (`E[ĝ]` does not depend on ψ). Other estimators leave them alone (zero gradient).
 * Without `surrogate`, RELAX uses the fixed `c = f(σ(z̃/τ))`.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { randomSeed, uniformArray, uniformNoise } from '../core/random';
import { ArgumentError, checkInteger, checkPositive, messages } from '../errors';
import { estimate } from '../estimators/estimate';
import { checkEstimatorObjective } from '../estimators/layer';
import { estimators, isEstimatorName, resolveEstimator, type EstimatorName } from '../estimators/registry';
import type { BaselineState, EstimateOptions } from '../estimators/types';
import type { EstimatorArgument, GradientOptions, GradientResult, JsonValue, Model, NestedArray } from './model';
import { armToy } from './toy';

export interface ToySurrogateOptions {
  /** Hidden tanh units of MLP_ψ. Default 10. */
  hidden?: number;
  /** Seed of the initial hidden-layer weights. Default 0. */
  seed?: number;
}

export interface ToyModelOptions {
  /** The target of `f(z) = Σ_i (z_i − p0)^2`. */
  p0: number;
  /** Number of independent units (length of `phi`). Default 1. */
  units?: number;
  /** Initial value of every logit. Default 0. */
  logit?: number;
  /** Relaxation temperature τ of concrete, gumbel-st, rebar and relax. Default 0.5. */
  temperature?: number;
  /** Train RELAX's surrogate `c_ψ = f + MLP_ψ` (parameters `relax.*`). */
  surrogate?: ToySurrogateOptions;
}

export interface ToyModel extends Model<void> {
  readonly p0: number;
  readonly units: number;
  readonly signature: string;
  /** The objective `f(z) = Σ_i (z_i − p0)^2`, for `exactGradient` and friends. */
  readonly objective: (z: tf.Tensor2D) => tf.Tensor1D;
  /** RELAX's surrogate c at the current ψ (`f` itself without `options.surrogate`), for `estimate`. */
  relaxSurrogate(): (relaxed: tf.Tensor2D) => tf.Tensor1D;
  getState(): JsonValue;
  setState(state: JsonValue): void;
  /** Frees every parameter. */
  dispose(): void;
}

type Parameters = Record<string, tf.Variable>;

function checkToyOptions(options: ToyModelOptions) {
  if (options == null || typeof options !== 'object') throw new ArgumentError('options', 'expected an object with p0');
  const { p0, units = 1, logit = 0, temperature = 0.5, surrogate } = options;
  if (typeof p0 !== 'number' || !Number.isFinite(p0)) throw new ArgumentError('options.p0', 'expected a finite number');
  checkInteger('options.units', units, 1);
  if (typeof logit !== 'number' || !Number.isFinite(logit))
    throw new ArgumentError('options.logit', 'expected a finite number');
  checkPositive('options.temperature', temperature);
  if (surrogate !== undefined && (surrogate === null || typeof surrogate !== 'object')) {
    throw new ArgumentError('options.surrogate', 'expected an object { hidden?, seed? }');
  }
  const hidden = surrogate ? checkInteger('options.surrogate.hidden', surrogate.hidden ?? 10, 1) : 0;
  const seed = surrogate ? checkInteger('options.surrogate.seed', surrogate.seed ?? 0, 0) : 0;
  return { p0, units, logit, temperature, hidden, seed };
}

/** MLP_ψ's initial parameters: hidden weights uniform in ±1/√units, everything else zero. */
function surrogateParameters(units: number, hidden: number, seed: number): Parameters {
  const scale = 1 / Math.sqrt(units);
  const w1 = Array.from(uniformArray(units * hidden, seed), (u) => (2 * u - 1) * scale);
  return tf.tidy(() => ({
    'relax.w1': tf.variable(tf.tensor2d(w1, [units, hidden])),
    'relax.b1': tf.variable(tf.zeros([hidden])),
    'relax.w2': tf.variable(tf.zeros([hidden])),
    'relax.b2': tf.variable(tf.zeros([1])),
  }));
}

/**
 * `a ↦ a / √(1 + a²)`, a tanh-like squashing. Not `tf.tanh`: tfjs 4.22 gets second-order
 * gradients through ops whose gradient reads their saved output (tanh, sigmoid, exp) wrong,
 * and training ψ differentiates the input-gradient of c once more.
 */
function squash(a: tf.Tensor): tf.Tensor {
  return tf.mul(a, tf.rsqrt(tf.add(1, tf.square(a))));
}

/** `r ↦ squash(r W1 + b1) w2 + b2`, one value per row. */
function mlp(w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) {
  return (r: tf.Tensor2D) => {
    const h = squash(tf.add(tf.matMul(r, w1 as tf.Tensor2D), b1));
    return tf.add(tf.sum(tf.mul(h, w2), 1), b2) as tf.Tensor1D;
  };
}

function toTensor(value: tf.Tensor | NestedArray): tf.Tensor {
  return value instanceof tf.Tensor ? value : tf.tensor(value as number[], undefined, 'float32');
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function checkBaselineEntry(argument: string, value: unknown): BaselineState {
  const state = value as BaselineState;
  const finiteArray = (x: unknown) => Array.isArray(x) && x.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (
    state == null ||
    !finiteArray(state.numerator) ||
    !finiteArray(state.denominator) ||
    state.numerator.length !== state.denominator.length
  ) {
    throw new ArgumentError(argument, 'expected { numerator, denominator }: finite arrays of equal length');
  }
  return { numerator: [...state.numerator], denominator: [...state.denominator] };
}

/** Creates the toy; see the module comment. The caller disposes it. */
export function createToyModel(options: ToyModelOptions): ToyModel {
  const { p0, units, logit, temperature, hidden, seed: surrogateSeed } = checkToyOptions(options);
  const f = armToy(p0);
  const parameters: Parameters = {
    phi: tf.tidy(() => tf.variable(tf.fill([units], logit))),
    ...(hidden > 0 ? surrogateParameters(units, hidden, surrogateSeed) : {}),
  };
  const psiNames = Object.keys(parameters).filter((name) => name.startsWith('relax.'));
  let baselines: Partial<Record<EstimatorName, BaselineState>> = {};

  const surrogate = (): ((r: tf.Tensor2D) => tf.Tensor1D) => {
    if (psiNames.length === 0) return f;
    const net = mlp(parameters['relax.w1'], parameters['relax.b1'], parameters['relax.w2'], parameters['relax.b2']);
    return (r) => tf.add(f(r), net(r)) as tf.Tensor1D;
  };

  /** RELAX with the trained surrogate: the estimate's mean and −∇_ψ of its mean square. */
  function relaxWithSurrogate(name: EstimatorName, estimateOptions: EstimateOptions): Record<string, tf.Tensor> {
    let perSample: tf.Tensor2D | undefined;
    try {
      const psi = psiNames.map((name) => parameters[name]);
      const { value, grads } = tf.variableGrads(() => {
        const result = estimate(name, f, parameters.phi as tf.Tensor1D, { ...estimateOptions, surrogate: surrogate() });
        perSample = tf.keep(result.perSample);
        return tf.mean(tf.sum(tf.square(result.perSample), 1)) as tf.Scalar;
      }, psi);
      value.dispose();
      const out: Record<string, tf.Tensor> = { phi: tf.mean(perSample!, 0) };
      for (const name of psiNames) {
        out[name] = tf.neg(grads[parameters[name].name]);
        grads[parameters[name].name].dispose();
      }
      return out;
    } finally {
      perSample?.dispose();
    }
  }

  function phiGradient(name: EstimatorName, estimateOptions: EstimateOptions): Record<string, tf.Tensor> {
    const result = estimate(name, f, parameters.phi as tf.Tensor1D, {
      ...estimateOptions,
      ...(estimators[name].learned === 'surrogate' ? { surrogate: surrogate() } : {}),
    });
    result.perSample.dispose();
    if (result.baseline) baselines[name] = result.baseline;
    const zeros = Object.fromEntries(psiNames.map((p) => [p, tf.zerosLike(parameters[p])]));
    return { phi: result.mean, ...zeros };
  }

  return {
    p0,
    units,
    parameters,
    objective: f,
    relaxSurrogate: surrogate,
    signature: `toy p0=${p0} units=${units} temperature=${temperature} surrogate=${hidden > 0 ? `mlp${hidden}` : 'none'}`,
    setParameters(values) {
      if (values == null || typeof values !== 'object')
        throw new ArgumentError('values', 'expected an object of tensors by parameter name');
      const tensors = Object.entries(values).map(([name, value]) => {
        if (!(name in parameters)) {
          throw new ArgumentError(`values.${name}`, messages.unknownName('parameter', name, Object.keys(parameters)));
        }
        return [name, value] as const;
      });
      for (const [name, value] of tensors) {
        tf.tidy(() => {
          const tensor = toTensor(value);
          if (!sameShape(tensor.shape, parameters[name].shape)) {
            throw new ArgumentError(
              `values.${name}`,
              messages.shape(`[${parameters[name].shape.join(', ')}]`, tensor.shape),
            );
          }
          parameters[name].assign(tensor.toFloat());
        });
      }
    },
    gradients(estimator: EstimatorArgument, _batch: void, gradientOptions: GradientOptions = {}): GradientResult {
      const resolved = resolveEstimator(estimator, 'estimator');
      checkEstimatorObjective(resolved, 'expectation', 'the toy model (E[f])');
      const { name, spec } = resolved;
      if (spec.learned === 'stein-function') {
        throw new ArgumentError(
          'estimator',
          `the toy model does not own ${name}'s learned Stein function (only networks do: vae, sop, gating); ` +
            'use estimate() with options.steinFunction',
        );
      }
      const samples = checkInteger('options.samples', gradientOptions.samples ?? Math.max(1, spec.minSamples), 1);
      const seed = gradientOptions.seed ?? randomSeed();
      const estimateOptions: EstimateOptions = { samples, seed, temperature, baseline: baselines[name] };
      const gradients =
        spec.learned === 'surrogate' && psiNames.length > 0
          ? relaxWithSurrogate(name, estimateOptions)
          : phiGradient(name, estimateOptions);
      const objective = tf.tidy(() => {
        const z = bernoulliFromNoise(parameters.phi, uniformNoise(samples, units, seed));
        return tf.mean(f(z)) as tf.Scalar;
      });
      return { objective, gradients };
    },
    getState() {
      return { baselines: baselines as unknown as JsonValue };
    },
    setState(state) {
      const given = (state as { baselines?: unknown } | null)?.baselines;
      if (given == null || typeof given !== 'object' || Array.isArray(given)) {
        throw new ArgumentError('state', 'expected { baselines } from getState()');
      }
      const next: typeof baselines = {};
      for (const [name, value] of Object.entries(given)) {
        if (!isEstimatorName(name)) throw new ArgumentError(`state.baselines.${name}`, 'not an estimator name');
        next[name] = checkBaselineEntry(`state.baselines.${name}`, value);
      }
      baselines = next;
    },
    dispose() {
      for (const variable of Object.values(parameters)) variable.dispose();
    },
  };
}
