/**
 * MuProp's mean-field pass, drawn (chapter 03). A small network of the structured-output kind
 * (sop.ts, linear): input pixels `x`, stochastic binary layers `z_1, …, z_L`, and the objective
 * `f = log p(y | z_L)` of given output pixels `y`. Two passes through the same parameters:
 *
 * - the sampled pass, `z_l ~ Bernoulli(σ(W_l z_{l−1} + b_l))` with `z_0 = x` (the library's
 *   `samplePath` on the uniforms `chainNoise` draws from `seed`, as the model's own NLL draws them);
 * - the mean-field pass, `μ_l = σ(W_l μ_{l−1} + b_l)` with `μ_0 = x`, and `f(μ) = log p(y | μ_L)`
 *   (the library's `meanFieldExpansions`, which MuProp calls): each layer is fed the previous
 *   layer's means instead of samples. `μ_l` is the point `z̄_l` around which MuProp expands layer
 *   l's learning signal, `h_l(z_l) = f(z̄_l) + f′(z̄_l)ᵀ(z_l − z̄_l)`, with the slope `f′(z̄_l)` taken
 *   through the later mean-field layers.
 *
 * Every number on the figure is one of those passes' values. The figure is a Plotly diagram:
 * units shaded by their value (white 0, black 1; f in blue), edges as lines, labels as annotations.
 *
 * ```ts
 * const diagram = meanFieldDiagram({ x: [1, 0, 1], y: [1, 0], latent: [3, 2], seed: 1 });
 * showFigure(diagram.figure);
 * diagram.meanField.units[1];   // μ₂
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { logBernoulli } from '../core/bernoulli';
import { ArgumentError, checkInteger } from '../errors';
import { meanFieldExpansions, pathObjective, samplePath, tileRows, type Chain } from '../models/chain';
import { chainNoise } from '../models/chain-gradients';
import { mlp } from '../models/mlp';
import { createSop, type Sop } from '../models/sop';
import { scatterChart } from '../viz/charts';
import type { Axis, Figure, Font, Layout, Shape } from '../viz/figure';

export interface MeanFieldDiagramOptions {
  /** The input pixels, binary (default [1, 0, 1]; at most 6). */
  x?: number[];
  /** The output pixels whose log-likelihood is f, binary (default [1, 0]; at most 6). */
  y?: number[];
  /** Units of the stochastic layers (default [3, 2]; 1–3 layers of at most 6 units). */
  latent?: number[];
  /** Seed of the network's parameters and of the sampled pass's uniforms (default 1). */
  seed?: number;
}

export interface SampledPass {
  /** Per layer, the binary draws `z_l`. */
  units: number[][];
  /** Per layer, the probabilities `σ(W_l z_{l−1} + b_l)` they were drawn with. */
  probabilities: number[][];
  /** `f(z) = log p(y | z_L)`. */
  f: number;
}

export interface MeanFieldPass {
  /** Per layer, the means `μ_l = σ(W_l μ_{l−1} + b_l)`: MuProp's expansion points `z̄_l`. */
  units: number[][];
  /** Per layer, `∂f/∂μ_l` through the later mean-field layers: the slopes of MuProp's expansions. */
  slopes: number[][];
  /** `f(μ) = log p(y | μ_L)`. */
  f: number;
}

export interface MeanFieldDiagram {
  x: number[];
  y: number[];
  sampled: SampledPass;
  meanField: MeanFieldPass;
  figure: Figure;
}

const MAX_UNITS = 6;
const MAX_LAYERS = 3;

function checkBinary(argument: string, values: unknown): number[] {
  const ok =
    Array.isArray(values) &&
    values.length >= 1 &&
    values.length <= MAX_UNITS &&
    values.every((v) => v === 0 || v === 1);
  if (!ok)
    throw new ArgumentError(
      argument,
      `expected 1 to ${MAX_UNITS} binary values (0 or 1), got ${JSON.stringify(values)}`,
    );
  return [...(values as number[])];
}

function checkLatent(latent: unknown): number[] {
  if (!Array.isArray(latent) || latent.length < 1 || latent.length > MAX_LAYERS)
    throw new ArgumentError('options.latent', `expected 1 to ${MAX_LAYERS} layer sizes, got ${JSON.stringify(latent)}`);
  latent.forEach((n, l) => {
    checkInteger(`options.latent[${l}]`, n, 1);
    if (n > MAX_UNITS) throw new ArgumentError(`options.latent[${l}]`, `expected at most ${MAX_UNITS} units, got ${n}`);
  });
  return [...(latent as number[])];
}

/** The model as a chain (as sop.ts builds it for one draw): term 0 below the last layer, `log p(y | z_L)` at it. */
function networkChain(sop: Sop, x: tf.Tensor2D, y: tf.Tensor2D): Chain {
  const last = sop.config.latent.length - 1;
  return {
    input: x,
    units: sop.config.latent,
    logits: (l, parent) => mlp(sop.parameters, `s${l + 1}`, 'linear', parent),
    term: (l, _parent, z) =>
      l < last
        ? (tf.zeros([z.shape[0]]) as tf.Tensor1D)
        : logBernoulli(tileRows(y, z.shape[0]), mlp(sop.parameters, 'out', 'linear', z)),
  };
}

const rowsOf = (t: tf.Tensor) => Array.from(t.dataSync());

/** Both passes' values; see the module comment. */
function passes(
  x: number[],
  y: number[],
  latent: number[],
  seed: number,
): { sampled: SampledPass; meanField: MeanFieldPass } {
  const sop = createSop({ input: x.length, output: y.length, latent, kind: 'linear', seed });
  try {
    const tensors = tf.tidy(() => {
      const chain = networkChain(sop, tf.tensor2d([x]), tf.tensor2d([y]));
      const path = samplePath(chain, chain.input, chainNoise(chain, 1, seed));
      const expansions = meanFieldExpansions(chain);
      return [
        ...path.z,
        ...path.logits.map((logits) => tf.sigmoid(logits)),
        pathObjective(chain, path),
        ...expansions.map((e) => e.point),
        ...expansions.map((e) => e.slope),
        expansions[latent.length - 1].value,
      ];
    });
    const values = tensors.map(rowsOf);
    tf.dispose(tensors);
    const L = latent.length;
    const at = (k: number) => values.slice(k * L, (k + 1) * L);
    return {
      sampled: { units: at(0), probabilities: at(1), f: values[2 * L][0] },
      meanField: {
        units: values.slice(2 * L + 1, 3 * L + 1),
        slopes: values.slice(3 * L + 1, 4 * L + 1),
        f: values[4 * L + 1][0],
      },
    };
  } finally {
    sop.dispose();
  }
}

/** Plotly's text annotation, which the diagram's labels need and the house `Layout` does not type. */
interface Annotation {
  x: number;
  y: number;
  text: string;
  showarrow: false;
  xanchor?: 'left' | 'center' | 'right';
  yanchor?: 'top' | 'middle' | 'bottom';
  xshift?: number;
  align?: 'left' | 'center' | 'right';
  font?: Font;
  bgcolor?: string;
}

/** A node of the drawing: column, height, fill colour and label. */
interface Node {
  column: number;
  y: number;
  color: string;
  label: string;
}

/** A line drawn under the nodes (`layer: 'below'`, which the house `Shape` does not type). */
type Line = Shape & { layer: 'below' };

const SPACING = 0.42;
/** Pixels per unit of height. */
const SCALE = 150;
const EDGE: Shape['line'] = { color: '#b0b0b0', width: 1 };
const FRAME: Shape['line'] = { color: '#D55E00', width: 1.5, dash: 'dash' };
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3)).replace('-', '−');
const sub = (text: string) => `<sub>${text}</sub>`;

/** Heights of `count` nodes centred on `centre`, the first at the top. */
const heights = (count: number, centre: number) =>
  Array.from({ length: count }, (_, i) => centre + ((count - 1) / 2 - i) * SPACING);

const F_COLOR = '#0072B2';
const OUTLINE = '#444444';

/** A unit's fill: white for 0, near-black for 1, grey in between. */
const grey = (value: number) => {
  const level = Math.round(245 - 210 * Math.min(1, Math.max(0, value)));
  return `rgb(${level},${level},${level})`;
};

/** The nodes of one pass, column by column: inputs, each layer, f. */
function passNodes(
  x: number[],
  layers: { units: number[]; label: (j: number) => string }[],
  f: { value: number; label: string },
  centre: number,
): Node[][] {
  const inputs = heights(x.length, centre).map((y, i) => ({
    column: 0,
    y,
    color: grey(x[i]),
    label: `x${sub(String(i + 1))} = ${x[i]}`,
  }));
  const hidden = layers.map((layer, l) =>
    heights(layer.units.length, centre).map((y, j) => ({
      column: l + 1,
      y,
      color: grey(layer.units[j]),
      label: layer.label(j),
    })),
  );
  const output = [{ column: layers.length + 1, y: centre, color: F_COLOR, label: f.label }];
  return [inputs, ...hidden, output];
}

/** Lines from every node of each column to every node of the next. */
function edges(columns: Node[][]): Line[] {
  return columns.slice(1).flatMap((column, k) =>
    column.flatMap((to) =>
      columns[k].map((from): Line => ({
        layer: 'below',
        type: 'line',
        x0: from.column,
        y0: from.y,
        x1: to.column,
        y1: to.y,
        line: EDGE,
      })),
    ),
  );
}

/** A dashed rectangle around the nodes of one column (the expansion point of a layer). */
function frame(column: Node[]): Line[] {
  const [x0, x1] = [column[0].column - 0.08, column[0].column + 0.55];
  const [y0, y1] = [column[column.length - 1].y - 0.22, column[0].y + 0.22];
  const side = (a: number, b: number, c: number, d: number): Line => ({
    layer: 'below',
    type: 'line',
    x0: a,
    y0: b,
    x1: c,
    y1: d,
    line: FRAME,
  });
  return [side(x0, y0, x1, y0), side(x1, y0, x1, y1), side(x1, y1, x0, y1), side(x0, y1, x0, y0)];
}

function diagramFigure(x: number[], y: number[], sampled: SampledPass, meanField: MeanFieldPass): Figure {
  const L = sampled.units.length;
  const tallest = Math.max(x.length, ...sampled.units.map((u) => u.length));
  const half = ((tallest - 1) / 2) * SPACING;
  const [top, bottom] = [half + 0.55, -(half + 0.55)];
  const yRange: [number, number] = [bottom - half - 0.6, top + half + 0.55];
  const yText = `y = (${y.join(', ')})`;
  const sampledColumns = passNodes(
    x,
    sampled.units.map((units, l) => ({
      units,
      label: (j) => `z${sub(`${l + 1},${j + 1}`)} = ${units[j]}<br>p = ${fmt(sampled.probabilities[l][j])}`,
    })),
    { value: sampled.f, label: `f(z) = log p(y | z${sub(String(L))})<br>= ${fmt(sampled.f)}` },
    top,
  );
  const meanColumns = passNodes(
    x,
    meanField.units.map((units, l) => ({
      units,
      label: (j) => `μ${sub(`${l + 1},${j + 1}`)} = ${fmt(units[j])}<br>∂f/∂μ = ${fmt(meanField.slopes[l][j])}`,
    })),
    { value: meanField.f, label: `f(μ) = log p(y | μ${sub(String(L))})<br>= ${fmt(meanField.f)}` },
    bottom,
  );
  const nodes = [...sampledColumns.flat(), ...meanColumns.flat()];
  // Each node twice: a dark disc under a slightly smaller one in its own colour (an outline).
  const figure = scatterChart(
    nodes.flatMap((node) => [
      { x: [node.column], y: [node.y], color: OUTLINE },
      { x: [node.column], y: [node.y], color: node.color },
    ]),
    { height: Math.round(80 + SCALE * (yRange[1] - yRange[0])), showLegend: false },
  );
  figure.data.forEach((trace, k) => {
    trace.marker = { ...trace.marker, size: k % 2 === 0 ? 20 : 17 };
    trace.hoverinfo = 'skip';
  });
  const label = (node: Node): Annotation => ({
    x: node.column,
    y: node.y,
    text: node.label,
    showarrow: false,
    xanchor: 'left',
    yanchor: 'middle',
    xshift: 13,
    align: 'left',
    font: { size: 12 },
    bgcolor: 'rgba(255,255,255,0.85)',
  });
  const heading = (yAt: number, text: string): Annotation => ({
    x: -0.15,
    y: yAt,
    text,
    showarrow: false,
    xanchor: 'left',
    yanchor: 'bottom',
    align: 'left',
    font: { size: 13 },
  });
  const expansionNote: Annotation = {
    x: 1,
    y: bottom - half - 0.25,
    text:
      `dashed: MuProp's expansion points z̄${sub('l')} = μ${sub('l')}; it expands layer l's learning signal ` +
      `around them,<br>h(z${sub('l')}) = f(z̄${sub('l')}) + f′(z̄${sub('l')})ᵀ(z${sub('l')} − z̄${sub('l')}), ` +
      `its slope f′ taken through the later mean-field layers (∂f/∂μ)`,
    showarrow: false,
    xanchor: 'left',
    yanchor: 'top',
    align: 'left',
    font: { size: 12, color: '#D55E00' },
  };
  const hidden = (range: [number, number]): Axis & { visible: boolean } => ({ visible: false, range });
  const layout: Layout & { annotations: Annotation[] } = {
    ...figure.layout,
    title: { text: `One network, two passes: x = (${x.join(', ')}), f = log p(y | z${'₀₁₂₃'[L]}) with ${yText}` },
    margin: { l: 16, r: 16, t: 64, b: 8 },
    xaxis: hidden([-0.2, L + 1.75]),
    yaxis: hidden(yRange),
    shapes: [...edges(sampledColumns), ...edges(meanColumns), ...meanColumns.slice(1, L + 1).flatMap(frame)],
    annotations: [
      heading(
        top + half + 0.3,
        `<b>Sampled pass</b>: z${sub('l')} ~ Bernoulli(σ(W${sub('l')} z${sub('l−1')} + b${sub('l')})), z${sub('0')} = x`,
      ),
      heading(
        bottom + half + 0.3,
        `<b>Mean-field pass</b>: μ${sub('l')} = σ(W${sub('l')} μ${sub('l−1')} + b${sub('l')}), μ${sub('0')} = x`,
      ),
      ...nodes.map(label),
      expansionNote,
    ],
  };
  return { data: figure.data, layout, config: { ...figure.config, staticPlot: true } };
}

/** Both passes through one small network and their diagram; see the module comment. */
export function meanFieldDiagram(options: MeanFieldDiagramOptions = {}): MeanFieldDiagram {
  if (options == null || typeof options !== 'object')
    throw new ArgumentError('options', 'expected { x?, y?, latent?, seed? }');
  const x = checkBinary('options.x', options.x ?? [1, 0, 1]);
  const y = checkBinary('options.y', options.y ?? [1, 0]);
  const latent = checkLatent(options.latent ?? [3, 2]);
  const seed = checkInteger('options.seed', options.seed ?? 1, 0);
  const { sampled, meanField } = passes(x, y, latent, seed);
  return { x, y, sampled, meanField, figure: diagramFigure(x, y, sampled, meanField) };
}
