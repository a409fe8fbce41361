/**
 * What an SBN VAE draws, as images: reconstructions `E[x | z₁]` with `z₁ ~ q(z₁ | x)`, and
 * samples from the model, `z_L ~ p(z_L)`, `z_{l−1} ~ p(z_{l−1} | z_l)` down to `z₁`, then
 * `E[x | z₁] = σ(dec₁(z₁))`. Pixel means, not binary draws, as the papers show them.
 * Both are seeded (one stream per layer) and return a new `[n, visible]` tensor in [0, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { bernoulliFromNoise } from '../core/bernoulli';
import { uniformNoise } from '../core/random';
import { deriveSeed } from '../core/seeds';
import { ArgumentError, checkInteger, messages } from '../errors';
import { mlp } from './mlp';
import type { SbnVae } from './sbn-vae';

export interface VaeImageOptions {
  /** Seed of the binary draws. Default 0. */
  seed?: number;
}

function layerDraw(logits: tf.Tensor2D, seed: number, layer: number): tf.Tensor2D {
  const [n, d] = logits.shape;
  return bernoulliFromNoise(logits, uniformNoise(n, d, deriveSeed(seed, layer)));
}

/** `σ(dec₁(z₁))` for `z₁ ~ q(z₁ | x)`: what the model makes of each row of `x` (`[n, visible]`). */
export function vaeReconstructions(vae: SbnVae, x: tf.Tensor2D, options: VaeImageOptions = {}): tf.Tensor2D {
  const { visible, kind } = vae.config;
  if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== visible) {
    throw new ArgumentError('x', messages.shape(`[n, ${visible}]`, x instanceof tf.Tensor ? x.shape : []));
  }
  const seed = checkInteger('options.seed', options.seed ?? 0, 0);
  return tf.tidy(() => {
    const z1 = layerDraw(mlp(vae.parameters, 'q1', kind, x), seed, 1);
    return tf.sigmoid(mlp(vae.parameters, 'p1', kind, z1)) as tf.Tensor2D;
  });
}

/** `n` images from the model: ancestral draws from the prior down to `z₁`, then `σ(dec₁(z₁))`. */
export function vaeSamples(vae: SbnVae, n: number, options: VaeImageOptions = {}): tf.Tensor2D {
  checkInteger('n', n, 1);
  const seed = checkInteger('options.seed', options.seed ?? 0, 0);
  const { latent, kind } = vae.config;
  return tf.tidy(() => {
    const top = latent.length;
    const prior = tf.broadcastTo(tf.reshape(vae.parameters['prior.b'], [1, latent[top - 1]]), [
      n,
      latent[top - 1],
    ]) as tf.Tensor2D;
    let z = layerDraw(prior, seed, top);
    for (let l = top; l > 1; l--) z = layerDraw(mlp(vae.parameters, `p${l}`, kind, z), seed, l - 1);
    return tf.sigmoid(mlp(vae.parameters, 'p1', kind, z)) as tf.Tensor2D;
  });
}
