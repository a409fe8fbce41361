/**
 * The generative-gradient convention (chain-gradients.ts): under `'independent'` (the default)
 * the decoder and prior gradients of an SBN VAE come from one draw of their own, so their total
 * variance at fixed parameters is the same for reinforce-loo (2 draws) and disarm (1 pair), within
 * sampling error; under `'shared'` leave-one-out averages its two draws and the same test tells
 * them apart (which shows the test can fail). Equal seeds give bit-identical generative gradients.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createSbnVae, type SbnVae } from '../src/models/sbn-vae';
import type { GenerativeDraws } from '../src/models/chain-gradients';
import { setupBackend } from './support';

before(setupBackend);

const CALLS = 400;
/** |difference| / se above this fails; 4 se is a false-alarm rate of about 6e-5. */
const Z_BOUND = 4;
const GENERATIVE = (name: string) => name.startsWith('p') || name === 'prior.b';

function model(draws: GenerativeDraws): SbnVae {
  return createSbnVae({ visible: 10, latent: [5], kind: 'linear', seed: 4, generativeDraws: draws });
}

function batch(): tf.Tensor2D {
  return tf.tidy(() => tf.step(tf.sub(tf.randomUniform([6, 10], 0, 1, 'float32', 8), 0.5))) as tf.Tensor2D;
}

/** The generative parameters' gradients of `calls` calls with seeds `first`, `first + 1`, …, one flat row each. */
function generativeRows(
  vae: SbnVae,
  estimator: string,
  samples: number,
  x: tf.Tensor2D,
  first: number,
  calls = CALLS,
): Float64Array[] {
  const names = Object.keys(vae.parameters).filter(GENERATIVE);
  return Array.from({ length: calls }, (_, k) => {
    const result = vae.gradients(estimator, x, { samples, seed: first + k });
    const flat = Float64Array.from(names.flatMap((name) => Array.from(result.gradients[name].dataSync())));
    tf.dispose([result.objective, ...Object.values(result.gradients)]);
    return flat;
  });
}

/** Total variance `Σ_i Var(g_i)` and its standard error, from the per-call squared deviations. */
function totalVariance(rows: Float64Array[]): { value: number; se: number } {
  const n = rows.length;
  const width = rows[0].length;
  const mean = new Float64Array(width);
  for (const row of rows) row.forEach((v, i) => (mean[i] += v / n));
  const spread = rows.map((row) => row.reduce((sum, v, i) => sum + (v - mean[i]) ** 2, 0) * (n / (n - 1)));
  const value = spread.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(spread.reduce((sum, s) => sum + (s - value) ** 2, 0) / (n - 1));
  return { value, se: sd / Math.sqrt(n) };
}

/** (variance of LOO − variance of DisARM) / se, each from its own seeds. */
function varianceGap(draws: GenerativeDraws): { z: number; loo: number; disarm: number } {
  const vae = model(draws);
  const x = batch();
  try {
    const loo = totalVariance(generativeRows(vae, 'reinforce-loo', 2, x, 1));
    const disarm = totalVariance(generativeRows(vae, 'disarm', 1, x, 1 + CALLS));
    return { z: (loo.value - disarm.value) / Math.hypot(loo.se, disarm.se), loo: loo.value, disarm: disarm.value };
  } finally {
    x.dispose();
    vae.dispose();
  }
}

describe('generative draws', () => {
  test('independent (default): decoder and prior gradients have the same total variance under reinforce-loo and disarm', () => {
    const { z, loo, disarm } = varianceGap('independent');
    assert.ok(Math.abs(z) < Z_BOUND, `LOO ${loo}, DisARM ${disarm}: z = ${z}`);
  });

  test("shared: leave-one-out's two draws halve its generative variance, and the same test sees it", () => {
    const { z, loo, disarm } = varianceGap('shared');
    assert.ok(z < -Z_BOUND, `LOO ${loo}, DisARM ${disarm}: z = ${z}`);
  });

  test('independent: at equal seeds every score-function estimator gets the same generative gradient, bit for bit', () => {
    const vae = model('independent');
    const x = batch();
    const [reference] = generativeRows(vae, 'disarm', 1, x, 7, 1);
    for (const [estimator, samples] of [
      ['reinforce-loo', 2],
      ['arm', 1],
      ['muprop', 1],
      ['reinforce', 3],
    ] as const) {
      const [row] = generativeRows(vae, estimator, samples, x, 7, 1);
      assert.deepEqual(Array.from(row), Array.from(reference), estimator);
    }
    x.dispose();
    vae.dispose();
  });

  test('the model refuses an unknown convention, naming the option', () => {
    assert.throws(
      () => createSbnVae({ visible: 4, latent: [2], kind: 'linear', generativeDraws: 'both' as GenerativeDraws }),
      /config\.generativeDraws/,
    );
  });
});
