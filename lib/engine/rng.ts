/**
 * Deterministic random numbers for generation.
 *
 * Every cell gets its own generator, seeded from (run seed, table, column, row id), so a
 * cell's value never depends on which other cells were generated before it: batch size,
 * restarts and worker count cannot change a row. Reseeding must be cheap because it
 * happens once per cell; the generator is xoroshiro128+ built from four hashed state words,
 * written out here with its state in four fields, so reseeding allocates nothing. It is the
 * exact algorithm of pure-rand's `xoroshiro128plusFromState` (which a test holds it to), so
 * rows stay what they were when pure-rand drew them.
 *
 * @module
 */

/** 32-bit finaliser of MurmurHash3: spreads every input bit over the whole word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines two 32-bit words into one well-mixed 32-bit word (order matters). */
export function mix2(a: number, b: number): number {
  return mixSigned(a, b) >>> 0;
}

/**
 * {@link fmix32}'s bits as a signed word. Reseeding chains these: kept in int32 (the sum
 * wrapped by `| 0`, which every later step would do anyway), V8 stays in integer registers
 * instead of going through doubles and back.
 */
function fmixSigned(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** {@link mix2}'s bits as a signed word. */
function mixSigned(a: number, b: number): number {
  return fmixSigned(((Math.imul(a ^ 0x9e3779b9, 0x01000193) ^ b) + 0x7f4a7c15) | 0);
}

/** Stable 32-bit hash of a string (FNV-1a, then mixed), used to name streams of randomness. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Derives the 32-bit key of a named stream under a seed: `streamKey(seed, "orders", "id")`. */
export function streamKey(seed: number, ...names: string[]): number {
  let h = fmix32(seed >>> 0 ^ Math.floor(seed / 4294967296));
  for (const name of names) h = mix2(h, hashString(name));
  return h;
}

/** The key of a stream in a `replace` epoch: epoch 0 keeps the key, so tick 0 = a batch run. */
export function epochKey(key: number, epoch: number): number {
  return epoch === 0 ? key : mix2(key, epoch);
}

/**
 * The key of a stream at a row's version under a table's `changes:`: version 0 (the insert)
 * keeps the key; each update draws anew. Salted apart from {@link epochKey}'s of the same n.
 */
export function versionKey(key: number, version: number): number {
  return version === 0 ? key : mix2(key ^ 0x2545f491, version);
}

/** Uniform float in [0, 1) from a key and a row id, without a generator. */
export function unitHash(key: number, rowId: number): number {
  const lo = rowId | 0;
  const hi = Math.floor(rowId / 4294967296) | 0;
  return fmix32(mix2(mix2(key, lo), hi)) / 4294967296;
}

/** The state words of the stream last seeded by {@link seedState}, at these indexes. */
const STATE = new Int32Array(4);
const S01 = 0, S00 = 1, S11 = 2, S10 = 3;

/**
 * Writes the start state of the stream of (key, rowId) into {@link STATE}: four hashed words,
 * written to a typed array rather than returned, so that seeding allocates nothing.
 */
function seedState(key: number, rowId: number): void {
  // The row id as two 32-bit words (any safe integer, negative included).
  const lo = rowId | 0;
  const hi = Math.floor(rowId / 4294967296) | 0;
  const a = mixSigned(key, lo);
  const b = mixSigned(a, hi);
  const c = mixSigned(b, 0x6a09e667);
  const d = mixSigned(c, 0xbb67ae85);
  STATE[S01] = a;
  STATE[S00] = b;
  STATE[S11] = c;
  // xoroshiro must not start from the all-zero state.
  STATE[S10] = d | 1;
}

/**
 * The first unsigned 32-bit word of the stream of (key, rowId): what `reset(key, rowId)` then
 * `nextUint32()` gives, without a generator (columns drawn a batch at a time).
 */
export function firstUint32(key: number, rowId: number): number {
  seedState(key, rowId);
  return (STATE[S00] + STATE[S10]) >>> 0;
}

/**
 * The first float in [0, 1) of the stream of (key, rowId): what `reset(key, rowId)` then
 * `next()` gives, without a generator. Two words: the first, and the next after one step.
 */
export function firstUnit(key: number, rowId: number): number {
  seedState(key, rowId);
  const s00 = STATE[S00], s01 = STATE[S01], s10 = STATE[S10], s11 = STATE[S11];
  const first = (s00 + s10) | 0;
  const a0 = s10 ^ s00;
  const a1 = s11 ^ s01;
  const next00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
  const next10 = (a1 << 5) ^ (a0 >>> 27);
  const second = (next00 + next10) | 0;
  return ((first >>> 5) * 67108864 + (second >>> 6)) / TWO_POW_53;
}

/** A position of a {@link CellRandom}'s stream. */
export type StreamMark = readonly [number, number, number, number, number, number, boolean];

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * A reseedable random source. `reset(key, rowId)` positions it at the start of the stream
 * for one cell; afterwards draws are a pure function of (key, rowId).
 */
export class CellRandom {
  // xoroshiro128+ state as pure-rand names it: s0 = (s00, s01), s1 = (s10, s11).
  #s01 = 1;
  #s00 = 2;
  #s11 = 3;
  #s10 = 4;

  /** The (key, rowId) of a reset whose state is not derived yet. */
  #key = 0;
  #rowId = 0;
  #pending = false;

  /**
   * Positions the generator at the start of the stream for (key, rowId). The state is
   * derived at the first draw: many cells (`row_id`, references, copies, foreign keys,
   * which draw from a stream of their own) never draw, and skip the hashing.
   */
  reset(key: number, rowId: number): void {
    this.#key = key;
    this.#rowId = rowId;
    this.#pending = true;
  }

  /** Where the stream is, to come back to with {@link rewind}. */
  mark(): StreamMark {
    return [this.#s00, this.#s01, this.#s10, this.#s11, this.#key, this.#rowId, this.#pending];
  }

  /** Puts the stream back where {@link mark} found it: the same draws follow again. */
  rewind(mark: StreamMark): void {
    [this.#s00, this.#s01, this.#s10, this.#s11, this.#key, this.#rowId, this.#pending] = mark;
  }

  /** Derives the state of the pending reset. */
  #seed(): void {
    this.#pending = false;
    seedState(this.#key, this.#rowId);
    this.#s01 = STATE[S01];
    this.#s00 = STATE[S00];
    this.#s11 = STATE[S11];
    this.#s10 = STATE[S10];
  }

  /** Next 32-bit output as a signed integer (pure-rand's `next()`). */
  #next(): number {
    if (this.#pending) this.#seed();
    const s00 = this.#s00;
    const s01 = this.#s01;
    const out = (s00 + this.#s10) | 0;
    const a0 = this.#s10 ^ s00;
    const a1 = this.#s11 ^ s01;
    this.#s00 = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    this.#s01 = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    this.#s10 = (a1 << 5) ^ (a0 >>> 27);
    this.#s11 = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    return this.#next() >>> 0;
  }

  /** Uniform float in [0, 1) with 53 bits of precision. */
  next(): number {
    const hi = this.#next() >>> 5; // 27 bits
    const lo = this.#next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /**
   * `k` random bits as a `bigint` (Python's `getrandbits(k)` at any size): `ceil(k / 32)`
   * words, the first drawn the most significant, cut to `k` bits by its top. For `k <= 53`
   * this is exactly `getrandbits` on numbers (one word up to 32 bits, two up to 53).
   */
  bits(k: number): bigint {
    if (k <= 0) return 0n;
    const words = Math.ceil(k / 32);
    let n = BigInt(this.nextUint32() >>> (32 * words - k));
    for (let i = 1; i < words; i++) n = (n << 32n) | BigInt(this.nextUint32());
    return n;
  }

  /**
   * A uniform integer in [0, n) for any `n >= 1`, as Python's `_randbelow` draws it: bits of
   * `n` at a time until they fall below `n` (fewer than two draws on average, no bias).
   */
  below(n: bigint): bigint {
    const k = n.toString(2).length; // n.bit_length(), as Python takes it
    let x = this.bits(k);
    while (x >= n) x = this.bits(k);
    return x;
  }

  /** Uniform integer in [min, max], both inclusive, without modulo bias. */
  int(min: number, max: number): number {
    const span = max - min + 1;
    if (span <= 0) throw new RangeError(`Empty integer range [${min}, ${max}]`);
    if (span <= TWO_POW_32) {
      let x = this.nextUint32();
      // Draws at or above `limit` are rejected. The limit is above 2^32 - span (the remainder
      // is below span), so a draw below that is kept without working the limit out.
      if (x >= TWO_POW_32 - span) {
        const limit = TWO_POW_32 - remainder(TWO_POW_32, span);
        while (x >= limit) x = this.nextUint32();
      }
      return min + remainder(x, span);
    }
    return min + Math.floor(this.next() * span);
  }
}

/**
 * `x % n` for `0 <= x <= 2^32` and `1 <= n <= 2^32`. For a whole `n` through a division,
 * which is exact here (the quotient is at least 1/n away from the next whole number, far
 * more than its rounding error) and much cheaper than `%` on doubles, which V8 cannot do
 * in integer registers once `x` may exceed 2^31 (`int` took a fifth of generating a table
 * of random integers). Any other `n` keeps `%`.
 */
function remainder(x: number, n: number): number {
  return Number.isInteger(n) ? x - Math.floor(x / n) * n : x % n;
}
