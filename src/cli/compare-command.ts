/** `stochgrad compare`: options → backend → `compareEstimators` → `renderComparison`. */
import { BACKENDS, initBackend } from '../backend';
import { MAX_ENUMERATION_UNITS } from '../estimators/exact';
import type { EstimatorName } from '../estimators/registry';
import type { Command } from './command';
import { checkComparable, COMPARABLE_ESTIMATORS, compareEstimators, type CompareConfig } from '../lab/compare';
import { REPORT_FORMATS, renderComparison, type ReportFormat } from './compare-report';
import { optionsHelp, parseOptions, type OptionsSpec } from '../terminal/options';

export const COMPARE_OPTIONS = {
  estimators: {
    kind: 'list',
    default: COMPARABLE_ESTIMATORS,
    help: 'estimators to compare (default: every estimator of ∇E[f]; vimco, of the k-sample bound, is not comparable here)',
    validate: (name: string, option: string) => checkComparable(name, option),
  },
  logit: { kind: 'number', default: 0, help: 'logit φ of every unit' },
  p0: { kind: 'number', default: 0.49, help: "target p0 of ARM's toy f(z) = Σ (z_i − p0)^2" },
  units: { kind: 'integer', min: 1, max: MAX_ENUMERATION_UNITS, default: 1, help: 'number of units d' },
  samples: { kind: 'integer', min: 2, default: 100000, help: 'gradient estimates per estimator' },
  seed: {
    kind: 'integer',
    min: 0,
    max: 0xffffffff,
    default: 1,
    help: 'seed of the uniforms (same for every estimator)',
  },
  repeats: { kind: 'integer', min: 1, default: 5, help: 'timed calls per estimator (the median time is reported)' },
  backend: {
    kind: 'choice',
    choices: BACKENDS,
    help: 'tfjs backend (default: STOCHGRAD_BACKEND, else the first that loads)',
  },
  temperature: { kind: 'number', positive: true, help: 'relaxation temperature τ (library default 0.5)' },
  slope: { kind: 'number', positive: true, help: 'slope of st-annealed (library default 1)' },
  format: { kind: 'choice', choices: REPORT_FORMATS, default: 'text', help: 'output format' },
  help: { kind: 'flag', help: 'print this help' },
} as const satisfies OptionsSpec;

/** Parses the compare options into a `CompareConfig` plus the output choices. */
export function parseCompareArgs(argv: readonly string[]) {
  const options = parseOptions(argv, COMPARE_OPTIONS);
  const config: CompareConfig = {
    estimators: options.estimators as EstimatorName[],
    logit: options.logit,
    p0: options.p0,
    units: options.units,
    samples: options.samples,
    seed: options.seed,
    repeats: options.repeats,
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.slope !== undefined ? { slope: options.slope } : {}),
  };
  return { config, format: options.format as ReportFormat, backend: options.backend, help: options.help };
}

export const compareCommand: Command = {
  name: 'compare',
  summary: "every estimator on ARM's toy against the exact gradient: bias, variance, cost",
  usage: () =>
    [
      'usage: stochgrad compare [options]',
      '',
      "Runs each estimator once on ARM's toy f(z) = Σ_i (z_i − p0)^2 with all logits equal to φ and",
      'prints mean, exact gradient, bias z-score, variance, evaluations per sample and throughput.',
      '',
      'options:',
      optionsHelp(COMPARE_OPTIONS),
    ].join('\n'),
  async run(argv) {
    const { config, format, backend, help } = parseCompareArgs(argv);
    if (help) return compareCommand.usage();
    const name = await initBackend({ ...(backend !== undefined ? { backend } : {}), log: false });
    const comparison = await compareEstimators(config);
    return renderComparison(comparison, format, { backend: name });
  },
};
