/** Time and randomness come through ports so that core stays deterministic under test. */
export interface Clock {
  /** Current instant. */
  now(): Date;
}

export interface RandomSource {
  /** Uniform float in [0, 1). */
  next(): number;
}

/**
 * Deterministic PRNG (mulberry32) for reproducible sampling and generated data.
 * The same seed always yields the same sequence, on every platform.
 */
export function createSeededRandom(seed: number | string): RandomSource {
  let state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** FNV-1a 32-bit hash of a string; stable across runtimes. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Unique identifiers (random, URL-safe). */
export interface IdGenerator {
  newId(prefix: string): string;
}
