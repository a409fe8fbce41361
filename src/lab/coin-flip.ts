/**
 * Why gradients need estimating (chapter 01): a binary unit's output z = 1[u < σ(φ)] is a step in φ
 * for every fixed uniform u — its derivative is zero almost everywhere and undefined at the jump —
 * while its mean E[z] = σ(φ) is smooth. Backpropagation through the sample sees the zeros; the
 * gradient we want is the mean's.
 *
 * ```ts
 * showFigure(coinFlipFigure({ uniforms: [0.3, 0.7] }));
 * ```
 */
import { ArgumentError } from '../errors';
import { lineChart } from '../viz/charts';
import type { Figure } from '../viz/figure';

export interface CoinFlipOptions {
  /** The fixed uniforms u whose steps are drawn (default 0.3 and 0.7), each in (0, 1). */
  uniforms?: readonly number[];
  /** The logits on the x-axis (default −4 … 4 in 401 points). */
  logits?: readonly number[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The step z(φ) = 1[u < σ(φ)] for each fixed u, and the smooth mean σ(φ), against φ. */
export function coinFlipFigure(options: CoinFlipOptions = {}): Figure {
  const uniforms = options.uniforms ?? [0.3, 0.7];
  const logits = options.logits ?? Array.from({ length: 401 }, (_, k) => -4 + k / 50);
  if (!Array.isArray(uniforms) || uniforms.length === 0 || !uniforms.every((u) => u > 0 && u < 1)) {
    throw new ArgumentError('options.uniforms', 'expected one or more numbers in (0, 1)');
  }
  if (!Array.isArray(logits) || logits.length < 2 || !logits.every(Number.isFinite)) {
    throw new ArgumentError('options.logits', 'expected at least two finite logits');
  }
  const steps = uniforms.map((u) => ({
    name: `z = 1[u < σ(φ)] at u = ${u}: a step, derivative 0 almost everywhere`,
    x: [...logits],
    y: logits.map((phi) => (u < sigmoid(phi) ? 1 : 0)),
    dash: 'dot' as const,
  }));
  const mean = { name: 'E[z] = σ(φ): smooth, derivative σ(φ)(1 − σ(φ))', x: [...logits], y: logits.map(sigmoid) };
  return lineChart([...steps, mean], {
    title: 'A coin flip as a function of its logit: the sample jumps, its mean is smooth',
    xTitle: 'logit φ',
    yTitle: 'z',
  });
}
