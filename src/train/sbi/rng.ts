/**
 * Seeded pseudo-random numbers for the SBI synthesis: a fake is reproducible from (seed, sample index).
 *
 * Generator: mulberry32 (32-bit state, period 2^32, passes gjrand/PractRand up to a few GB): more than
 * enough for drawing a few dozen augmentation parameters per sample, and a few lines of integer
 * arithmetic (Math.imul), so the stream is bit-identical on every platform and Node version.
 * Per-sample streams are keyed by hashing (seed, index), so samples can be synthesised in any order or
 * in parallel workers and still come out the same.
 */
import { SbiError } from './errors.js';

/** A source of uniform numbers in [0, 1), like Math.random (which works too, without reproducibility). */
export type Rng = () => number;

/** Finalizer of MurmurHash3-style 32-bit mixing (lowbias32): a bijection that spreads every input bit. */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** mulberry32 seeded with the low 32 bits of `seed` (an integer). Returns numbers in [0, 1), 2^-32 steps. */
export function mulberry32(seed: number): Rng {
  assertSeed(seed, 'seed');
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The 32-bit seed of sample `index` under run seed `seed` (integers; index in [0, 2^32 - 2]). Distinct
 * indices give distinct seeds for a given run seed.
 */
export function sampleSeed(seed: number, index: number): number {
  assertSeed(seed, 'seed');
  if (!Number.isInteger(index) || index < 0 || index > 0xfffffffe) {
    throw new SbiError('BAD_ARGUMENT', `sample index must be an integer in [0, 2^32 - 2], got ${String(index)}`);
  }
  // imul by an odd constant is a bijection on 32-bit integers, and so is adding the mixed run seed.
  return mix32((mix32(seed) + Math.imul(index + 1, 0x9e3779b9)) >>> 0);
}

/** The generator for sample `index` of a run seeded with `seed`: `mulberry32(sampleSeed(seed, index))`. */
export function sampleRng(seed: number, index: number): Rng {
  return mulberry32(sampleSeed(seed, index));
}

/** Uniform in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Uniform integer in [lo, hi] (both inclusive). */
export function uniformInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.min(hi - lo, Math.floor(rng() * (hi - lo + 1)));
}

/** true with probability p. */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** One element of a non-empty list, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.min(items.length - 1, Math.floor(rng() * items.length))];
  if (item === undefined) throw new SbiError('BAD_ARGUMENT', 'pick() needs a non-empty list');
  return item;
}

function assertSeed(seed: number, what: string): void {
  if (!Number.isSafeInteger(seed)) {
    throw new SbiError('BAD_ARGUMENT', `${what} must be an integer, got ${String(seed)}`);
  }
}
