/**
 * Deterministic, seedable randomness for the sample org. Everything the generator makes is a pure
 * function of (seed, kind, index), so any record can be rebuilt on demand without storing it.
 */

/** Mixes `value` into the 32-bit hash `hash` (murmur3's finaliser): fast, well spread, deterministic. */
export function mix(hash: number, value: number): number {
  let h = Math.imul(hash ^ Math.imul(value | 0, 0xcc9e2d51), 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of up to four integers. */
export function hash(a: number, b: number, c = 0, d = 0): number {
  return mix(mix(mix(mix(0x2545f491, a), b), c), d);
}

/** Hash of a string (FNV-1a), for keys such as a request URL. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit hash as a float in [0, 1). */
export function unit(h: number): number {
  return h / 4294967296;
}

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** A seeded sequence (mulberry32), for the few places that draw many values in order. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    chance: (probability: number) => next() < probability,
  };
}
