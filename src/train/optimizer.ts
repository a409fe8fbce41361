/**
 * Optimisers that *ascend* (models maximise their objective, `src/models/model.ts`), written by
 * hand so that their whole state is a few named tensors that serialise exactly to JSON.
 *
 * - SGD: `θ ← θ + α g`.
 * - Either with `lrScale`: parameter p steps with `α · lrScale[p]` (default 1), e.g. a slower gater.
 * - Either with `sgd`: parameter p steps by plain SGD at its own rate `sgd[p]`, whatever the kind
 *   (the DisARM authors train a VAE's prior logits so: SGD 1e-2 beside Adam 1e-4).
 * - Adam (Kingma & Ba 2015) with bias correction, at step t = 1, 2, …:
 *   `m ← β₁ m + (1 − β₁) g`, `v ← β₂ v + (1 − β₂) g²`,
 *   `θ ← θ + α m̂ / (√v̂ + ε)` with `m̂ = m / (1 − β₁ᵗ)`, `v̂ = v / (1 − β₂ᵗ)`.
 *
 * ```ts
 * const adam = createOptimizer({ kind: 'adam', lr: 1e-3 });
 * adam.step(model.parameters, result.gradients);   // no read-back
 * const saved = adam.getState();                   // plain numbers
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInteger, checkOpenUnit, checkPositive, messages } from '../errors';
import { adamStep } from './adam-update';

export type OptimizerKind = 'adam' | 'sgd';

const SLOTS: Record<OptimizerKind, readonly string[]> = { adam: ['m', 'v'], sgd: [] };
export const OPTIMIZER_KINDS = Object.keys(SLOTS) as OptimizerKind[];

export interface OptimizerOptions {
  kind: OptimizerKind;
  /** Step size α > 0. */
  lr: number;
  /** Adam's decay of the first moment, in (0, 1). Default 0.9. */
  beta1?: number;
  /** Adam's decay of the second moment, in (0, 1). Default 0.999. */
  beta2?: number;
  /** Adam's ε > 0. Default 1e-8. */
  epsilon?: number;
  /** Learning-rate multipliers by parameter name (each > 0; default 1). */
  lrScale?: Readonly<Record<string, number>>;
  /** Parameters stepped by plain SGD at their own learning rate (each > 0), whatever `kind` is. */
  sgd?: Readonly<Record<string, number>>;
}

/** One slot tensor as plain numbers (row-major). */
export interface SlotValue {
  shape: number[];
  values: number[];
}

/** Everything an optimiser carries between steps, JSON-able. */
export interface OptimizerState {
  kind: OptimizerKind;
  /** Steps taken so far. */
  step: number;
  /** `slots[slotName][parameterName]`: Adam's `m` and `v`; SGD has none. */
  slots: Record<string, Record<string, SlotValue>>;
}

export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Moves every parameter along its gradient (ascent); the gradients stay the caller's. */
  step(parameters: Readonly<Record<string, tf.Variable>>, gradients: Readonly<Record<string, tf.Tensor>>): void;
  getState(): OptimizerState;
  /** Restores a state from `getState()`; shapes are checked against the parameters at the next step. */
  setState(state: OptimizerState): void;
  /** Frees the slot variables. */
  dispose(): void;
}

function checkKind(argument: string, kind: unknown): OptimizerKind {
  if (typeof kind !== 'string' || !OPTIMIZER_KINDS.includes(kind as OptimizerKind)) {
    throw new ArgumentError(argument, messages.unknownName('optimizer', String(kind), OPTIMIZER_KINDS));
  }
  return kind as OptimizerKind;
}

function checkOptions(options: OptimizerOptions): Required<OptimizerOptions> {
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected an object with kind and lr');
  const kind = checkKind('options.kind', options.kind);
  checkPositive('options.lr', options.lr);
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-8;
  checkOpenUnit('options.beta1', beta1);
  checkOpenUnit('options.beta2', beta2);
  checkPositive('options.epsilon', epsilon);
  const lrScale = options.lrScale ?? {};
  if (lrScale == null || typeof lrScale !== 'object')
    throw new ArgumentError('options.lrScale', 'expected an object of parameter name → multiplier');
  for (const [name, scale] of Object.entries(lrScale)) checkPositive(`options.lrScale.${name}`, scale);
  const sgd = options.sgd ?? {};
  if (sgd == null || typeof sgd !== 'object')
    throw new ArgumentError('options.sgd', 'expected an object of parameter name → learning rate');
  for (const [name, rate] of Object.entries(sgd)) checkPositive(`options.sgd.${name}`, rate);
  return { kind, lr: options.lr, beta1, beta2, epsilon, lrScale, sgd };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function checkGradients(
  parameters: Readonly<Record<string, tf.Variable>>,
  gradients: Readonly<Record<string, tf.Tensor>>,
): void {
  if (parameters == null || typeof parameters !== 'object')
    throw new ArgumentError('parameters', 'expected an object of tf.Variables');
  if (gradients == null || typeof gradients !== 'object')
    throw new ArgumentError('gradients', 'expected an object of tensors');
  for (const name of Object.keys(parameters)) {
    const g = gradients[name];
    if (!(g instanceof tf.Tensor))
      throw new ArgumentError(`gradients.${name}`, 'missing: every parameter needs a gradient tensor');
    if (!sameShape(g.shape, parameters[name].shape)) {
      throw new ArgumentError(`gradients.${name}`, messages.shape(`[${parameters[name].shape.join(', ')}]`, g.shape));
    }
  }
  for (const name of Object.keys(gradients)) {
    if (!(name in parameters)) throw new ArgumentError(`gradients.${name}`, 'no parameter of that name');
  }
}

function checkSlotValue(argument: string, slot: unknown): SlotValue {
  const s = slot as SlotValue;
  const ok =
    s != null &&
    Array.isArray(s.shape) &&
    s.shape.every((n) => Number.isInteger(n) && n >= 0) &&
    Array.isArray(s.values) &&
    s.values.length === s.shape.reduce((a, b) => a * b, 1) &&
    s.values.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!ok)
    throw new ArgumentError(argument, 'expected { shape, values } with finite values, as many as the shape holds');
  return s;
}

/** An ascending SGD or Adam optimiser; see the module comment for the update rules. */
export function createOptimizer(options: OptimizerOptions): Optimizer {
  const { kind, lr: baseLr, beta1, beta2, epsilon, lrScale, sgd } = checkOptions(options);
  const slotNames = SLOTS[kind];
  let stepCount = 0;
  // slots[slot][parameter]
  let slots: Record<string, Record<string, tf.Variable>> = Object.fromEntries(slotNames.map((s) => [s, {}]));

  function slot(name: string, parameter: string, shape: readonly number[]): tf.Variable {
    let variable = slots[name][parameter];
    if (variable === undefined) {
      variable = tf.tidy(() => tf.variable(tf.zeros([...shape]), false));
      slots[name][parameter] = variable;
    } else if (!sameShape(variable.shape, shape)) {
      throw new ArgumentError(
        `parameters.${parameter}`,
        `optimizer slot ${name}: ${messages.shape(`[${variable.shape.join(', ')}]`, shape)}`,
      );
    }
    return variable;
  }

  function disposeSlots(): void {
    for (const byParameter of Object.values(slots))
      for (const variable of Object.values(byParameter)) variable.dispose();
    slots = Object.fromEntries(slotNames.map((s) => [s, {}]));
  }

  return {
    kind,
    step(parameters, gradients) {
      checkGradients(parameters, gradients);
      const t = stepCount + 1;
      for (const [name, theta] of Object.entries(parameters)) {
        const g = gradients[name];
        const plain = sgd[name];
        const lr = plain ?? baseLr * (lrScale[name] ?? 1);
        if (kind === 'sgd' || plain !== undefined) tf.tidy(() => theta.assign(tf.add(theta, tf.mul(lr, g))));
        else {
          const slots = { theta, g, m: slot('m', name, theta.shape), v: slot('v', name, theta.shape) };
          adamStep(slots, { lr, beta1, beta2, epsilon, c1: 1 - beta1 ** t, c2: 1 - beta2 ** t });
        }
      }
      stepCount = t;
    },
    getState() {
      const out: OptimizerState['slots'] = {};
      for (const [name, byParameter] of Object.entries(slots)) {
        out[name] = {};
        for (const [parameter, variable] of Object.entries(byParameter)) {
          out[name][parameter] = { shape: [...variable.shape], values: Array.from(variable.dataSync()) };
        }
      }
      return { kind, step: stepCount, slots: out };
    },
    setState(state) {
      if (state == null || typeof state !== 'object')
        throw new ArgumentError('state', 'expected an OptimizerState from getState()');
      if (checkKind('state.kind', state.kind) !== kind) {
        throw new ArgumentError('state.kind', `state of a ${state.kind} optimizer given to a ${kind} optimizer`);
      }
      checkInteger('state.step', state.step, 0);
      if (state.slots == null || typeof state.slots !== 'object')
        throw new ArgumentError('state.slots', 'expected an object');
      const given = Object.keys(state.slots).sort();
      if (given.join(',') !== [...slotNames].sort().join(',')) {
        throw new ArgumentError(
          'state.slots',
          `expected slots [${slotNames.join(', ')}] for ${kind}, got [${given.join(', ')}]`,
        );
      }
      const checked = slotNames.map((s) =>
        Object.entries(state.slots[s] ?? {}).map(
          ([p, value]) => [p, checkSlotValue(`state.slots.${s}.${p}`, value)] as const,
        ),
      );
      disposeSlots();
      slotNames.forEach((s, i) => {
        for (const [p, value] of checked[i])
          slots[s][p] = tf.tidy(() => tf.variable(tf.tensor(value.values, value.shape, 'float32'), false));
      });
      stepCount = state.step;
    },
    dispose: disposeSlots,
  };
}
