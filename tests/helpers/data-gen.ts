// Data generators the tests share: every byte value as a latin1 string, ranges of generated
// strings, and mulberry32, a small PRNG whose sequence depends only on its seed (so a failing
// run can be replayed with the same seed).

/** Every byte 0x00-0xff once, as a latin1 string. */
export const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

/** [f(0), f(1), ..., f(n - 1)]. */
export const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

/** A generator of floats in [0, 1) seeded with `seed`. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
