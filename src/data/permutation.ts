/** Seeded permutations and seed mixing for reproducible shuffles. */
import { uint32Stream } from '../core/random';

const TWO_POW_32 = 4294967296;

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * One 32-bit seed from several non-negative integers (each up to 2^53, split into two 32-bit
 * words), so that e.g. (seed, epoch) and (seed, step) give unrelated streams.
 */
export function mixSeeds(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    h = fmix32((h ^ (value >>> 0)) + 0x7f4a7c15);
    h = fmix32((h ^ Math.floor(value / TWO_POW_32)) + 0x7f4a7c15);
  }
  return h;
}

/**
 * A uniformly random permutation of 0 … n − 1 (Fisher–Yates), a pure function of `seed`.
 * `j = ⌊u · (i + 1)⌋` with a 32-bit `u`: the bias is below n / 2^32, negligible here.
 */
export function permutation(n: number, seed: number): Int32Array {
  const next = uint32Stream(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((next() / TWO_POW_32) * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
