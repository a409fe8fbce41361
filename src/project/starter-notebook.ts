/**
 * The notebook `stochgrad init` puts in a new project: one comparison of estimators against the
 * exact gradient on ARM's toy (a table) and one chart, with a closing check, so that running it
 * once proves the whole path (Jupyter, the project's kernel, stochgrad, danfojs-free display).
 */
import { DENO_KERNEL_DISPLAY_NAME, DENO_KERNEL_NAME, KERNEL_DISPLAY_NAME, KERNEL_NAME } from './kernel';

const cells: { kind: 'markdown' | 'code'; source: string }[] = [
  {
    kind: 'markdown',
    source: `# Getting started with stochgrad

This project was made by \`npx stochgrad init\`. The notebook compares five gradient estimators for a
stochastic binary unit on ARM's toy problem, $\\mathbb{E}[(z - p_0)^2]$ with $z \\sim \\mathrm{Bernoulli}(\\sigma(\\varphi))$,
against the exact gradient (computed by enumeration), and draws their variances.

Run it with **Kernel → Restart & Run All**. Then change the estimators, \`p0\` or \`samples\` and run it again.`,
  },
  {
    kind: 'code',
    source: `import { initBackend, barChart, showFigure, showTable, type EstimatorName } from "stochgrad";
import { compareEstimators } from "stochgrad/lab";

const backend = await initBackend();   // tfjs-node if installed, else WebAssembly, else plain JavaScript`,
  },
  {
    kind: 'markdown',
    source: `## One comparison

Each estimator draws \`samples\` estimates of $\\partial\\,\\mathbb{E}[f]/\\partial\\varphi$ from the same seed. The bias
z-score is (mean − exact) / standard error: within about ±3.5 for an unbiased estimator, far outside for a
biased one when the bias is large next to the noise.`,
  },
  {
    kind: 'code',
    source: `const ESTIMATORS: EstimatorName[] = ["reinforce", "reinforce-loo", "arm", "disarm", "st"];
const comparison = await compareEstimators({ estimators: ESTIMATORS, p0: 0.45, logit: 0.5, units: 1, samples: 20000, seed: 1, repeats: 1 });
await showTable(comparison.rows.map((row) => ({
  estimator: row.estimator,
  unbiased: row.unbiased ? "yes" : "no",
  mean: row.mean[0],
  exact: row.exact[0],
  "bias z": row.biasZ[0] ?? "constant",
  variance: row.totalVariance,
})), { digits: 3 });`,
  },
  {
    kind: 'markdown',
    source: `## One chart

The variance of one estimate, on a log scale: ARM and DisARM subtract a second evaluation of $f$ and
cancel most of the noise that REINFORCE carries.`,
  },
  {
    kind: 'code',
    source: `await showFigure(barChart(
  { x: comparison.rows.map((row) => row.estimator), y: comparison.rows.map((row) => row.totalVariance), name: "variance" },
  { title: \`Variance of one estimate on ARM's toy (\${backend} backend)\`, xTitle: "estimator", yTitle: "Var(ĝ), log scale", logY: true },
));`,
  },
  {
    kind: 'code',
    source: `// Closing check: the unbiased estimators agree with the exact gradient, straight-through does not.
const bias = Object.fromEntries(comparison.rows.map((row) => [row.estimator, Math.abs(row.biasZ[0] ?? 0)]));
for (const name of ["reinforce", "reinforce-loo", "arm", "disarm"]) if (!(bias[name] < 4.5)) throw new Error(\`\${name}: |z| = \${bias[name]}\`);
if (!(bias.st > 4.5)) throw new Error(\`st should be flagged as biased, |z| = \${bias.st}\`);
console.log("all checks passed");`,
  },
];

function lines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((line, i) => (i < parts.length - 1 ? `${line}\n` : line));
}

/** The starter notebook as nbformat 4 JSON text, for the project's tslab kernel or its Deno kernel. */
export function starterNotebook(kernel: 'tslab' | 'deno' = 'tslab'): string {
  const [name, displayName] =
    kernel === 'deno' ? [DENO_KERNEL_NAME, DENO_KERNEL_DISPLAY_NAME] : [KERNEL_NAME, KERNEL_DISPLAY_NAME];
  const notebook = {
    cells: cells.map((cell) =>
      cell.kind === 'markdown'
        ? { cell_type: 'markdown', metadata: {}, source: lines(cell.source) }
        : { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(cell.source) },
    ),
    metadata: {
      kernelspec: { display_name: displayName, language: 'typescript', name },
      language_info: { name: 'typescript', file_extension: '.ts' },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}
