/**
 * The gated classifier's gates outside training, and its evaluation: gates sampled as in training
 * (a seed's uniforms), or deterministic test-time gates — on above one threshold for all (gates.ts
 * `testGates`), or each example's own top fraction (`topKGates`) — and the error, open fraction,
 * NLL and fraction of examples with no gate open that they give.
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { randomSeed, uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { ArgumentError, checkInteger } from '../errors';
import { gatingEstimator } from './gating-config';
import type { GatingNetwork } from './gating-network';
import type { GatingBatch, GatingEvaluation, GatingSampleOptions } from './gating-types';
import { gateKind, testGates, thresholdFor, topKGates } from './gates';
import { isUnitName, UNIT_TYPES } from './units';

/** Rows per chunk of `evaluateGates`. */
const EVALUATION_ROWS = 250;

/** Where the gates come from: a threshold, each row's top k, or the uniforms of every row. */
interface GateSource {
  name: string;
  threshold?: number;
  topK?: number;
  u?: tf.Tensor2D;
}

/** The gates' source for `rows` examples (one seed for the whole batch when sampled). */
function gateSource(network: GatingNetwork, rows: number, options: GatingSampleOptions): GateSource {
  const name = options.estimator ?? 'reinforce';
  gatingEstimator(name, 'options.estimator');
  if (options.topFraction !== undefined) {
    const fraction = options.topFraction;
    if (options.threshold !== undefined)
      throw new ArgumentError('options.topFraction', 'give either threshold or topFraction, not both');
    if (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1))
      throw new ArgumentError('options.topFraction', `expected a fraction in (0, 1], got ${String(fraction)}`);
    return { name, topK: Math.max(1, Math.round(fraction * network.resolved.hidden)) };
  }
  if (options.threshold !== undefined) {
    if (typeof options.threshold !== 'number' || Number.isNaN(options.threshold)) {
      throw new ArgumentError('options.threshold', `expected a number, got ${String(options.threshold)}`);
    }
    return { name, threshold: options.threshold };
  }
  const drawSeed = options.seed ?? randomSeed();
  checkInteger('options.seed', drawSeed, 0);
  return { name, u: uniformNoise(rows, network.resolved.hidden, deriveSeed(drawSeed, 0)) };
}

/** Gate values of `images` from a source (`u`: the rows' uniforms, as many rows as images). */
function gatesFrom(
  network: GatingNetwork,
  images: tf.Tensor2D,
  source: GateSource,
  u: tf.Tensor2D | undefined,
): tf.Tensor2D {
  const noise = network.resolved.noise;
  return tf.tidy(() => {
    const a = network.gaterLogits(images);
    const kind = gateKind(source.name);
    if (source.topK !== undefined) return topKGates(kind, a, source.topK, noise);
    if (source.threshold !== undefined) return testGates(kind, a, source.threshold, noise);
    return isUnitName(source.name) ? UNIT_TYPES[source.name](a, u!, network.settings) : bernoulliFromNoise(a, u!);
  });
}

/** Gate values `[n, hidden]` of `images`. */
export function sampleGates(network: GatingNetwork, images: tf.Tensor2D, options: GatingSampleOptions): tf.Tensor2D {
  const source = gateSource(network, images.shape[0], options);
  const gates = gatesFrom(network, images, source, source.u);
  source.u?.dispose();
  return gates;
}

/** The test-time threshold with a fraction `fraction` of the gates of `images` on. */
export function gateThreshold(network: GatingNetwork, images: tf.Tensor2D, fraction: number): number {
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1))
    throw new ArgumentError('fraction', `expected a number in [0, 1], got ${String(fraction)}`);
  const a = tf.tidy(() => network.gaterLogits(images));
  const scores = a.dataSync();
  a.dispose();
  return thresholdFor(scores, fraction);
}

/** Error, open gates, NLL and examples with no gate open, over `batch` in chunks of rows. */
export function evaluateGates(
  network: GatingNetwork,
  batch: GatingBatch,
  options: GatingSampleOptions,
): GatingEvaluation {
  const { hidden, classes } = network.resolved;
  const n = batch.images.shape[0];
  const source = gateSource(network, n, options);
  const u = source.u;
  // In chunks of rows: a unit type's ops on 1,000 × 2,000 gates at once peak at half a gigabyte.
  const sums = { wrong: 0, open: 0, logLikelihood: 0, closed: 0 };
  try {
    for (let start = 0; start < n; start += EVALUATION_ROWS) {
      const rows = Math.min(EVALUATION_ROWS, n - start);
      const chunk = tf.tidy(() => {
        const images = tf.slice(batch.images, [start, 0], [rows, -1]) as tf.Tensor2D;
        const labels = tf.slice(batch.labels, [start], [rows]);
        const gates = gatesFrom(network, images, source, u && (tf.slice(u, [start, 0], [rows, -1]) as tf.Tensor2D));
        const logits = network.classLogits(images, gates);
        return tf.stack([
          tf.sum(tf.cast(tf.notEqual(tf.argMax(logits, 1), labels), 'float32')),
          tf.sum(tf.cast(tf.greater(gates, 0), 'float32')),
          tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, classes))),
          tf.sum(tf.cast(tf.equal(tf.max(gates, 1), 0), 'float32')),
        ]);
      });
      const [wrong, open, logLikelihood, closed] = chunk.dataSync();
      chunk.dispose();
      sums.wrong += wrong;
      sums.open += open;
      sums.logLikelihood += logLikelihood;
      sums.closed += closed;
    }
  } finally {
    u?.dispose();
  }
  return {
    error: sums.wrong / n,
    gatesOpen: sums.open / (n * hidden),
    nll: -sums.logLikelihood / n,
    zeroGates: sums.closed / n,
  };
}
