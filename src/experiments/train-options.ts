/**
 * The experiment schema of `stochgrad train` and of every sweep run: the option table, its
 * defaults, the checks of a command line and `toConfig`, which turns checked options into an
 * `ExperimentConfig`. The command (src/cli/train-command.ts) and the sweep (src/sweep/) both parse
 * with `parseTrainArgs`, so a sweep run is `stochgrad train` with those options, bit for bit.
 */
import * as fs from 'node:fs';
import { resolveTaskEstimator } from './tasks/task';
import { BACKENDS, initBackend, type BackendName } from '../backend';
import { UNIT_NAMES } from '../models/units';
import { GENERATIVE_DRAWS, type GenerativeDraws } from '../models/chain-gradients';
import { EXPERT_KINDS } from '../models/gating';
import { PENALTY_KINDS } from '../models/sparsity';
import { VAE_OBJECTIVES, type VaeObjective } from '../models/sbn-vae';
import { estimators, isEstimatorName, type EstimatorName } from '../estimators/registry';
import { objectiveOf } from '../estimators/types';
import {
  TASK_NAMES,
  type EstimatorRun,
  type ExperimentConfig,
  type ExperimentHooks,
  type GatingTaskOptions,
  type TaskName,
} from './experiment-types';
import { parseCommandLine, type OptionsSpec, type ParsedOptions } from '../terminal/options';
import { UsageError } from '../terminal/usage-error';

/** Learning rate when `--lr` is not given. */
export const DEFAULT_LR: Record<TaskName, number> = { vae: 1e-3, sop: 1e-3, gating: 1e-3, toy: 1 };
/** Optimizer when `--optimizer` is not given. */
export const DEFAULT_OPTIMIZER: Record<TaskName, 'adam' | 'sgd'> = {
  vae: 'adam',
  sop: 'adam',
  gating: 'adam',
  toy: 'sgd',
};

export const TRAIN_OPTIONS = {
  estimators: {
    kind: 'list',
    required: true,
    help: `estimators to train, one run each with the same seed (gating also: ${UNIT_NAMES.join(', ')})`,
  },
  dataset: { kind: 'string', placeholder: 'name', default: 'mnist-10k', help: 'dataset (ignored by toy)' },
  steps: { kind: 'integer', min: 1, default: 1000, help: 'training steps per estimator' },
  batch: { kind: 'integer', min: 1, default: 50, help: 'examples per step' },
  lr: { kind: 'number', positive: true, help: 'learning rate (default 1e-3; toy: 1)' },
  optimizer: { kind: 'choice', choices: ['adam', 'sgd'], help: 'optimizer (default adam; toy: sgd)' },
  seed: { kind: 'integer', min: 0, max: 0xffffffff, default: 1, help: 'seed of initialisation, data order and noise' },
  'eval-every': {
    kind: 'integer',
    min: 1,
    default: 100,
    help: 'evaluate every this many steps (and at the first and last)',
  },
  samples: {
    kind: 'integer',
    min: 1,
    help: 'draws of the stochastic units per example (default 1; reinforce-loo: 2; sop: m of the m-sample objective)',
  },
  latent: {
    kind: 'list',
    help: 'vae, sop: units of each stochastic layer, e.g. 200 or 200,200 (default 200)',
    validate: (entry, option) => {
      if (!/^[1-9][0-9]*$/.test(entry))
        throw new UsageError(
          `option ${option}: expected positive integers separated by commas, got ${JSON.stringify(entry)}`,
        );
    },
  },
  kind: {
    kind: 'choice',
    choices: ['linear', 'nonlinear'],
    help: 'vae, sop: linear, or nonlinear (two 200-unit LeakyReLU layers in each conditional); default linear',
  },
  p0: { kind: 'number', help: 'toy: the target p0 of E[(z − p0)^2] (default 0.49)' },
  units: { kind: 'integer', min: 1, help: 'toy: number of units (default 1)' },
  'surrogate-lr': {
    kind: 'number',
    positive: true,
    help: "toy: learning rate of RELAX's learned surrogate (default --lr; at step 1 it can throw φ to the wrong optimum, 0.01 is stable)",
  },
  'eval-examples': {
    kind: 'integer',
    min: 1,
    help: 'examples of the evaluation subsets evaluated every --eval-every steps (default 1000)',
  },
  'bound-examples': {
    kind: 'integer',
    min: 1,
    help: 'vae, sop: of those, validation examples of the 100-sample bound (vae) and NLL (sop) (default 200; at most --eval-examples)',
  },
  'test-examples': {
    kind: 'integer',
    min: 1,
    help: 'test examples of the final evaluation (default: the whole test split)',
  },
  experts: { kind: 'integer', min: 1, help: 'gating: expert units, one gate each (default 200; the paper 2000)' },
  expert: {
    kind: 'choice',
    choices: EXPERT_KINDS,
    help: "gating: the experts' activation, relu or linear (default relu; the paper linear)",
  },
  'gater-hidden': {
    kind: 'integer',
    min: 0,
    help: 'gating: tanh units of the gater network, 0 for a linear gater (default 50; the paper 400)',
  },
  'gater-bias': {
    kind: 'number',
    help: 'gating: initial bias of every gate pre-activation (default 2: gates start mostly open)',
  },
  penalty: {
    kind: 'choice',
    choices: PENALTY_KINDS,
    help: 'gating: sparsity penalty: l1 (λ·mean g), kl (β·Σ_j KL(target ‖ batch mean of σ(a_j))), adaptive-l1 (λ·mean g, λ moved to keep the open fraction at target ± 0.01), paper (kl for binary and sts gates, adaptive-l1 for rectifiers); default l1',
  },
  sparsity: {
    kind: 'number',
    help: "gating: the penalty weight ≥ 0, λ (the start of adaptive-l1's) or β (default 0.5)",
  },
  'sparsity-target': {
    kind: 'number',
    help: 'gating: target fraction of open gates in (0, 1), for kl, adaptive-l1 and deterministic test gates (default 0.1)',
  },
  'test-gates': {
    kind: 'choice',
    choices: ['sampled', 'deterministic'],
    help: 'gating: gates at evaluation: sampled at a fixed seed, or deterministic (no noise, thresholded so that sparsity-target of the gates are on); default sampled',
  },
  'max-norm': {
    kind: 'number',
    positive: true,
    help: "gating: bound on the norm of every unit's incoming weights, enforced after each step (default none; the paper 2)",
  },
  noise: { kind: 'number', help: "gating: standard deviation ≥ 0 of the noisy rectifier's noise (default 1)" },
  'reinforce-gater-lr': {
    kind: 'number',
    positive: true,
    help: 'gating: learning rate of the gater when a score-function estimator (the reinforce family, muprop and its variants, nvil, ar) trains the gates (default --lr; the paper 0.001)',
  },
  'generative-draws': {
    kind: 'choice',
    choices: GENERATIVE_DRAWS,
    help:
      "vae, sop, gating: the draw the generative parameters' gradients (decoder and prior, output layer, experts) come from under a " +
      "score-function estimator: independent (default; one draw of their own, the same for every estimator, as the DisARM authors' code) " +
      "or shared (the estimator's own draws, as stochgrad 0.2)",
  },
  'prior-optimizer': {
    kind: 'choice',
    choices: ['sgd', 'same'],
    help: "vae: the prior logits' optimiser: sgd (default, at --prior-lr, as the DisARM authors' code) or same (--optimizer at --lr, as stochgrad 0.2)",
  },
  objective: {
    kind: 'choice',
    choices: VAE_OBJECTIVES,
    help:
      'vae: the objective trained: elbo or k-sample-bound (log (1/k) Σ_j exp F(z_j) over the --samples = k ≥ 2 ' +
      'draws of each example, the importance-weighted bound; its estimator is vimco, and vimco trains only it); ' +
      "default: the estimator's own (k-sample-bound for vimco, elbo for the others)",
  },
  'prior-lr': { kind: 'number', positive: true, help: "vae: learning rate of the prior logits' SGD (default 1e-2)" },
  'variance-of': {
    kind: 'list',
    help:
      "vae: estimators whose encoder-gradient variance is also measured at every evaluation at the run's own " +
      'parameters, in columns encoderVariance:<name> (matched parameters; estimators without learned parts or ' +
      'running state; a run of the k-sample bound leaves them empty)',
  },
  out: {
    kind: 'string',
    placeholder: 'dir',
    help: 'write history.csv and results.json (and checkpoints, report.html) here',
  },
  report: { kind: 'flag', help: 'also write DIR/report.html, an offline page of charts (needs --out)' },
  json: { kind: 'flag', help: 'print only {"results": [...]} on one line instead of the table' },
  'checkpoint-every': { kind: 'integer', min: 1, help: 'save a checkpoint every this many steps (needs --out)' },
  resume: { kind: 'string', placeholder: 'dir', help: 'continue from the --out directory of an earlier run' },
  backend: {
    kind: 'choice',
    choices: BACKENDS,
    help: 'tfjs backend (default: STOCHGRAD_BACKEND, else the first that loads)',
  },
  help: { kind: 'flag', short: 'h', help: 'print this help' },
} as const satisfies OptionsSpec;

export interface TrainArgs {
  help: false;
  config: ExperimentConfig;
  json: boolean;
  report: boolean;
  backend?: BackendName;
}

function parseTask(positionals: readonly string[]): TaskName {
  const valid = TASK_NAMES.join(', ');
  if (positionals.length === 0)
    throw new UsageError(`missing task: stochgrad train <task> [options], with task one of ${valid}`);
  const task = positionals[0];
  if (!(TASK_NAMES as readonly string[]).includes(task))
    throw new UsageError(`unknown task ${JSON.stringify(task)}; valid tasks are ${valid}`);
  return task as TaskName;
}

/** Registry names; gating also takes its unit types. Duplicates are refused (one run per name). */
function checkEstimators(task: TaskName, names: readonly string[], objective?: VaeObjective): void {
  for (const name of names) {
    resolveTaskEstimator(task, name, '--estimators', objective === undefined ? {} : { objective });
  }
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined)
    throw new UsageError(`option --estimators lists ${JSON.stringify(twice)} twice; each estimator runs once`);
}

function checkDirectory(option: string, dir: string): void {
  if (!fs.existsSync(dir))
    throw new UsageError(
      `option ${option}: directory ${JSON.stringify(dir)} does not exist; pass the --out directory of an earlier run`,
    );
  if (!fs.statSync(dir).isDirectory())
    throw new UsageError(`option ${option}: ${JSON.stringify(dir)} is not a directory`);
}

type TrainOptions = ParsedOptions<typeof TRAIN_OPTIONS>;

/** Options of one task alone; another task refuses them rather than ignoring them. */
const TASK_ONLY_OPTIONS: Partial<Record<TaskName, readonly (keyof TrainOptions)[]>> = {
  gating: [
    'experts',
    'expert',
    'gater-hidden',
    'gater-bias',
    'penalty',
    'sparsity',
    'sparsity-target',
    'test-gates',
    'max-norm',
    'noise',
    'reinforce-gater-lr',
  ],
  toy: ['surrogate-lr'],
  vae: ['prior-optimizer', 'prior-lr', 'objective', 'variance-of'],
};

function checkTaskOptions(task: TaskName, options: TrainOptions): void {
  for (const [owner, names] of Object.entries(TASK_ONLY_OPTIONS)) {
    const given = names!.find((name) => options[name] !== undefined);
    if (owner !== task && given !== undefined)
      throw new UsageError(`option --${given} applies to the ${owner} task only, not ${task}`);
  }
  const atLeastZero = (name: 'sparsity' | 'noise') => {
    const value = options[name];
    if (value !== undefined && value < 0) throw new UsageError(`option --${name} expects a number >= 0, got ${value}`);
  };
  if (task === 'toy' && options['generative-draws'] !== undefined)
    throw new UsageError('option --generative-draws applies to the vae, sop and gating tasks, not toy');
  if (options['prior-optimizer'] === 'same' && options['prior-lr'] !== undefined)
    throw new UsageError("option --prior-lr sets the prior's SGD and needs --prior-optimizer sgd");
  atLeastZero('sparsity');
  atLeastZero('noise');
  const target = options['sparsity-target'];
  if (target !== undefined && !(target > 0 && target < 1))
    throw new UsageError(`option --sparsity-target expects a fraction in (0, 1), got ${target}`);
}

function checkCombinations(task: TaskName, options: TrainOptions): void {
  checkTaskOptions(task, options);
  if (options.out === undefined) {
    if (options.report) throw new UsageError('option --report writes DIR/report.html and needs --out DIR');
    if (options['checkpoint-every'] !== undefined)
      throw new UsageError('option --checkpoint-every writes checkpoints into DIR and needs --out DIR');
  }
  if (options.resume !== undefined) checkDirectory('--resume', options.resume);
  // In sop, --samples is m of the m-sample objective; an estimator that needs several draws draws them
  // itself, except vimco, whose k draws are the m draws of the objective.
  const samples = options.samples;
  const short = options.estimators.find(
    (name) =>
      isEstimatorName(name) &&
      samples !== undefined &&
      samples < estimators[name].minSamples &&
      (task !== 'sop' || objectiveOf(estimators[name]) === 'k-sample-bound'),
  );
  if (short !== undefined) {
    throw new UsageError(
      `${short} needs --samples >= ${estimators[short as EstimatorName].minSamples} (its baseline uses the other draws), got ${samples}`,
    );
  }
}

/** The gating options given, or undefined when none is. */
function gatingOptions(options: TrainOptions): GatingTaskOptions | undefined {
  const given: GatingTaskOptions = {
    experts: options.experts,
    expert: options.expert as GatingTaskOptions['expert'],
    gaterHidden: options['gater-hidden'],
    gaterBias: options['gater-bias'],
    penalty: options.penalty as GatingTaskOptions['penalty'],
    sparsity: options.sparsity,
    target: options['sparsity-target'],
    testGates: options['test-gates'] as GatingTaskOptions['testGates'],
    maxNorm: options['max-norm'],
    noise: options.noise,
    reinforceGaterLr: options['reinforce-gater-lr'],
  };
  const entries = Object.entries(given).filter(([, value]) => value !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as GatingTaskOptions) : undefined;
}

function toConfig(task: TaskName, options: TrainOptions): ExperimentConfig {
  const optional = {
    samples: options.samples,
    out: options.out,
    checkpointEvery: options['checkpoint-every'],
    resume: options.resume,
    latent: options.latent?.map(Number),
    kind: options.kind as 'linear' | 'nonlinear' | undefined,
    p0: options.p0,
    units: options.units,
    surrogateLr: options['surrogate-lr'],
    evalExamples: options['eval-examples'],
    boundExamples: options['bound-examples'],
    testExamples: options['test-examples'],
    gating: gatingOptions(options),
    generativeDraws: options['generative-draws'] as GenerativeDraws | undefined,
    priorOptimizer: options['prior-optimizer'] as 'sgd' | 'same' | undefined,
    priorLr: options['prior-lr'],
    objective: options.objective as VaeObjective | undefined,
    varianceOf: options['variance-of'],
  };
  const config: ExperimentConfig = {
    task,
    estimators: options.estimators,
    dataset: options.dataset,
    steps: options.steps,
    batch: options.batch,
    lr: options.lr ?? DEFAULT_LR[task],
    seed: options.seed,
    evalEvery: options['eval-every'],
    optimizer: (options.optimizer as 'adam' | 'sgd' | undefined) ?? DEFAULT_OPTIMIZER[task],
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(config, { [key]: value });
  return config;
}

/** `--variance-of`: ELBO estimators without learned parts (running state is caught when the run starts). */
function checkVarianceOf(names: readonly string[] | undefined): void {
  for (const name of names ?? []) {
    const learned = resolveTaskEstimator('vae', name, '--variance-of', { objective: 'elbo' }).spec?.learned;
    if (learned !== undefined)
      throw new UsageError(
        `option --variance-of: ${name} learns parts of its own (${learned}) that another run does not train; list estimators that are functions of the draws alone`,
      );
  }
}

/** Parses and checks the train command line; every failure is a message for exit code 2. */
export function parseTrainArgs(argv: readonly string[]): TrainArgs | { help: true } {
  const { options, positionals } = parseCommandLine(argv, TRAIN_OPTIONS, 1, parseTask);
  if (options.help) return { help: true };
  const task = parseTask(positionals);
  checkEstimators(task, options.estimators, options.objective as VaeObjective | undefined);
  checkCombinations(task, options);
  checkVarianceOf(options['variance-of']);
  const backend = options.backend as BackendName | undefined;
  return {
    help: false,
    config: toConfig(task, options),
    json: options.json,
    report: options.report,
    ...(backend ? { backend } : {}),
  };
}

export type ExperimentRunner = (config: ExperimentConfig, hooks?: ExperimentHooks) => Promise<EstimatorRun[]>;

/** Prepares tfjs quietly (the command reports the backend itself); the default of train and sweep runs. */
export const initCommandBackend = (backend: BackendName | undefined) =>
  initBackend({ ...(backend !== undefined ? { backend } : {}), log: false });
