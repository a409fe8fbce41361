/** `stochgrad estimators`: every registered estimator with its metadata. */
import { ESTIMATOR_NAMES, estimators, type EstimatorName } from '../estimators/registry';
import type { Command } from './command';
import { optionsHelp, parseOptions, type OptionsSpec } from '../terminal/options';
import { renderTable, type Column } from '../terminal/table';

export const ESTIMATORS_OPTIONS = {
  format: { kind: 'choice', choices: ['text', 'markdown', 'json'], default: 'text', help: 'output format' },
  help: { kind: 'flag', help: 'print this help' },
} as const satisfies OptionsSpec;

export interface EstimatorInfo {
  name: EstimatorName;
  title: string;
  reference: string;
  unbiased: boolean;
  needsDifferentiableF: boolean;
  evaluationsPerSample: number;
  family: string;
  inNetworks: boolean;
  minSamples: number;
  /** What the estimator learns alongside the model ('input-baseline', 'surrogate'), or null. */
  learned: string | null;
}

/** The registry's metadata, in registry order. */
export function estimatorInfo(): EstimatorInfo[] {
  return ESTIMATOR_NAMES.map((name) => {
    const spec = estimators[name];
    return {
      name,
      title: spec.title,
      reference: spec.reference,
      unbiased: spec.unbiased,
      needsDifferentiableF: spec.needsGradient,
      evaluationsPerSample: spec.evaluationsPerSample,
      family: spec.family,
      inNetworks: spec.inNetworks,
      minSamples: spec.minSamples,
      learned: spec.learned ?? null,
    };
  });
}

const COLUMNS: Column[] = [
  { header: 'estimator' },
  { header: 'title' },
  { header: 'reference' },
  { header: 'unbiased' },
  { header: 'needs differentiable f' },
  { header: 'evals/sample', align: 'right' },
  { header: 'family' },
  { header: 'in networks' },
  { header: 'min samples', align: 'right' },
  { header: 'learns' },
];

const yesNo = (flag: boolean) => (flag ? 'yes' : 'no');

function cells(info: EstimatorInfo): string[] {
  return [
    info.name,
    info.title,
    info.reference,
    yesNo(info.unbiased),
    yesNo(info.needsDifferentiableF),
    String(info.evaluationsPerSample),
    info.family,
    yesNo(info.inNetworks),
    String(info.minSamples),
    info.learned ?? '',
  ];
}

export const estimatorsCommand: Command = {
  name: 'estimators',
  summary: 'list every estimator with its metadata',
  usage: () => ['usage: stochgrad estimators [options]', '', 'options:', optionsHelp(ESTIMATORS_OPTIONS)].join('\n'),
  async run(argv) {
    const options = parseOptions(argv, ESTIMATORS_OPTIONS);
    if (options.help) return estimatorsCommand.usage();
    const info = estimatorInfo();
    if (options.format === 'json') return JSON.stringify(info, null, 2);
    const footnote = 'evals/sample excludes per-batch terms (MuProp adds one mean-field evaluation per call).';
    return [renderTable(COLUMNS, info.map(cells), options.format as 'text' | 'markdown'), '', footnote].join('\n');
  },
};
