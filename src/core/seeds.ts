/** Independent seeds derived from one: stream `k` of `seed`, reproducible on every platform. */

/** A 32-bit seed for stream `stream` of `seed` (a hash of both, so nearby inputs differ widely). */
export function deriveSeed(seed: number, stream: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13) ^ Math.imul(stream + 1, 0xc2b2ae35), 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
