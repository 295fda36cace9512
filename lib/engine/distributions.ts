/**
 * Samplers that pick a parent row index for `foreign_key(...)`.
 *
 * Each costs O(1) per draw whatever the number of parents (the weighted one after an
 * O(parents) set-up), and draws only from the random source it is handed, so the pick is a
 * pure function of the cell's seed.
 *
 * @module
 */
import type { CellRandom } from "./rng.ts";

/** Picks an index in [0, n). */
export interface IndexSampler {
  sample(random: CellRandom): number;
}

/** Draws of a parent row before a deleted one gives way to the nearest live row. */
export const LIVE_PICK_TRIES = 16;

/**
 * A pick in place of one that landed on a parent row deleted by the time the child looks
 * (`alive` false): drawn again from the same stream, so the distribution's shape holds, and
 * after a few tries the live row nearest the last draw (newer first). Undefined when no row
 * of [0, count) is alive.
 */
export function livePick(
  sampler: IndexSampler,
  random: CellRandom,
  count: number,
  alive: (index: number) => boolean,
): number | undefined {
  let index = 0;
  for (let i = 0; i < LIVE_PICK_TRIES; i++) {
    index = sampler.sample(random);
    if (alive(index)) return index;
  }
  for (let d = 1; d < count; d++) {
    if (index + d < count && alive(index + d)) return index + d;
    if (index - d >= 0 && alive(index - d)) return index - d;
  }
  return undefined;
}

/** Every parent equally likely. */
export function uniformSampler(n: number): IndexSampler {
  return { sample: (random) => random.int(0, n - 1) };
}

/**
 * Zipf over ranks 1..n with P(k) proportional to k^-s, by rejection-inversion
 * (Hörmann & Derflinger, 1996): constant expected time and no table, so a million parents
 * cost what a hundred do. Index 0 (the earliest parent) is the most popular, as in tablefaker.
 */
export function zipfSampler(n: number, s: number): IndexSampler {
  if (!(s > 0)) throw new RangeError(`Zipf exponent must be greater than 0, got ${s}`);
  if (n === 1) return { sample: () => 0 };
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return expm1OverX((1 - s) * logX) * logX;
  };
  const h = (x: number): number => Math.exp(-s * Math.log(x));
  const hIntegralInverse = (x: number): number => {
    let t = x * (1 - s);
    if (t < -1) t = -1; // guards rounding at the edge of the domain
    return Math.exp(log1pOverX(t) * x);
  };
  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  const sCut = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  return {
    sample(random) {
      for (;;) {
        const u = hIntegralN + random.next() * (hIntegralX1 - hIntegralN);
        const x = hIntegralInverse(u);
        let k = Math.floor(x + 0.5);
        if (k < 1) k = 1;
        else if (k > n) k = n;
        if (k - x <= sCut || u >= hIntegral(k + 0.5) - h(k)) return k - 1;
      }
    },
  };
}

/** (e^x - 1) / x, accurate near 0. */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

/** log(1 + x) / x, accurate near 0. */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/**
 * Weighted choice by Vose's alias method: O(n) set-up, two draws per sample.
 * Weights must be finite and non-negative with a positive sum.
 */
export function aliasSampler(weights: ArrayLike<number>): IndexSampler {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(`Weight ${i} is ${w}; weights must be finite and non-negative`);
    }
    total += w;
  }
  if (!(total > 0)) throw new RangeError("Every weight is 0: there is nothing to pick");
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = weights[i] * n / total;
    (scaled[i] < 1 ? small : large).push(i);
  }
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1; // only rounding leaves entries here
  return {
    sample(random) {
      const i = random.int(0, n - 1);
      return random.next() < prob[i] ? i : alias[i];
    },
  };
}

/**
 * A seeded bijection of [0, n): a small Feistel network over the next power of four,
 * cycle-walked back into range. `is_unique` foreign keys map the k-th child row to parent
 * `permute(k)`, so no parent repeats and no memory grows with the table.
 */
export class Permutation {
  readonly #n: number;
  readonly #halfBits: number;
  readonly #mask: number;
  readonly #keys: Uint32Array;

  constructor(n: number, key: number) {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 52) {
      throw new RangeError(`Cannot permute ${n} items`);
    }
    this.#n = n;
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.#halfBits = bits / 2;
    this.#mask = 2 ** this.#halfBits - 1;
    this.#keys = new Uint32Array(4);
    let k = key >>> 0;
    for (let i = 0; i < 4; i++) {
      k = Math.imul(k ^ (k >>> 15), 0x2c1b3c6d) + 0x9e3779b9 >>> 0;
      this.#keys[i] = k;
    }
  }

  /** The image of `index` (0 <= index < n). */
  permute(index: number): number {
    let x = index;
    do x = this.#round(x); while (x >= this.#n);
    return x;
  }

  #round(x: number): number {
    const size = this.#mask + 1;
    let left = Math.floor(x / size);
    let right = x % size;
    for (let r = 0; r < 4; r++) {
      const f = roundFunction(right, this.#keys[r]) & this.#mask;
      const next = (left ^ f) >>> 0;
      left = right;
      right = next & this.#mask;
    }
    return left * size + right;
  }
}

function roundFunction(x: number, key: number): number {
  let h = Math.imul((x >>> 0) ^ key, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
