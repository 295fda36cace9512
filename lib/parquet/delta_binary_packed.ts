/**
 * Parquet's DELTA_BINARY_PACKED encoding of integers (Encodings.md): blocks of 128 values, each
 * the least delta and four miniblocks of 32 deltas above it, bit-packed at the width the
 * miniblock's largest needs. It is what the writer's plan (`encodingPlan`) asks for integer
 * columns: keys, counts, dates and timestamps, whose deltas are narrow.
 *
 * Values come as doubles: INT32 columns' values, and INT64 ones within +-2^51, so that every
 * delta and its zigzag form stay exact (larger INT64 values are left to parquet-wasm). INT32
 * deltas wrap in 32 bits, as parquet-mr computes them, so a width never passes 32; INT64
 * deltas are exact, up to 53 bits wide.
 *
 * @module
 */
import type { Bytes } from "./bytes.ts";

/** Values per block, and miniblocks per block: arrow-rs' and parquet-mr's choice. */
const BLOCK = 128;
const MINIBLOCKS = 4;
const MINIBLOCK = BLOCK / MINIBLOCKS;

/** INT64 values of at most this size are encoded here (see the module doc). */
export const DELTA_SAFE = 2 ** 51;

const TWO_32 = 2 ** 32;

/** Deltas of a page, reused page after page. */
let deltas = new Float64Array(0);

/**
 * Appends the DELTA_BINARY_PACKED form of `values[0 .. count)` to `out`; `int32` for INT32
 * columns (deltas wrap in 32 bits).
 */
export function writeDeltaBinaryPacked(
  out: Bytes,
  values: Float64Array,
  count: number,
  int32: boolean,
): void {
  out.varint(BLOCK);
  out.varint(MINIBLOCKS);
  out.varint(count);
  zigzag(out, count > 0 ? values[0] : 0);
  const n = count - 1;
  if (n <= 0) return;
  if (deltas.length < n) deltas = new Float64Array(Math.max(n, deltas.length * 2));
  for (let i = 0; i < n; i++) {
    const d = values[i + 1] - values[i];
    deltas[i] = int32 ? d | 0 : d;
  }
  for (let start = 0; start < n; start += BLOCK) writeBlock(out, start, Math.min(BLOCK, n - start));
}

/** One block: `size` deltas from `start` (the last block may be short). */
function writeBlock(out: Bytes, start: number, size: number): void {
  let min = deltas[start];
  for (let i = start + 1; i < start + size; i++) if (deltas[i] < min) min = deltas[i];
  zigzag(out, min);
  const widths = [0, 0, 0, 0];
  for (let m = 0; m * MINIBLOCK < size; m++) {
    let max = 0;
    const end = start + Math.min(size, (m + 1) * MINIBLOCK);
    for (let i = start + m * MINIBLOCK; i < end; i++) {
      const v = deltas[i] - min;
      if (v > max) max = v;
    }
    widths[m] = bitWidth(max);
  }
  for (const width of widths) out.byte(width);
  for (let m = 0; m * MINIBLOCK < size; m++) {
    const from = start + m * MINIBLOCK;
    packMiniblock(out, from, Math.min(MINIBLOCK, start + size - from), min, widths[m]);
  }
}

/** Bits needed for a non-negative integer below 2^53. */
function bitWidth(v: number): number {
  if (v < TWO_32) return 32 - Math.clz32(v);
  return 64 - Math.clz32(Math.floor(v / TWO_32));
}

/**
 * 32 values (`count` deltas above `min`, then zeros) at `width` bits each, least significant
 * bit first: 4 * width bytes.
 */
function packMiniblock(out: Bytes, from: number, count: number, min: number, width: number) {
  if (width === 0) return;
  out.room(4 * width);
  if (width <= 24) packNarrow(out, from, count, min, width);
  else packWide(out, from, count, min, width);
}

/** {@link packMiniblock} of widths up to 24: fewer than 8 bits wait, so 32 bits hold a value. */
function packNarrow(out: Bytes, from: number, count: number, min: number, width: number) {
  const buffer = out.buffer;
  let at = out.length;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < MINIBLOCK; i++) {
    acc |= (i < count ? deltas[from + i] - min : 0) << bits;
    bits += width;
    while (bits >= 8) {
      buffer[at++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  }
  out.length = at;
}

/** {@link packMiniblock} of widths over 24, a value in pieces of at most 16 bits. */
function packWide(out: Bytes, from: number, count: number, min: number, width: number) {
  const buffer = out.buffer;
  let at = out.length;
  let acc = 0;
  let bits = 0;
  const put = (v: number, w: number) => {
    acc |= v << bits;
    bits += w;
    while (bits >= 8) {
      buffer[at++] = acc & 0xff;
      acc >>>= 8;
      bits -= 8;
    }
  };
  for (let i = 0; i < MINIBLOCK; i++) {
    const v = i < count ? deltas[from + i] - min : 0;
    if (width <= 32) {
      put(v & 0xffff, 16);
      put(v >>> 16, width - 16);
    } else {
      const high = Math.floor(v / TWO_32);
      const low = v - high * TWO_32;
      put(low & 0xffff, 16);
      put(low >>> 16, 16);
      put(high, width - 32);
    }
  }
  out.length = at;
}

/** A signed integer (|n| <= 2^52) as a zigzag ULEB128 varint. */
function zigzag(out: Bytes, n: number): void {
  out.varint(n >= 0 ? 2 * n : -2 * n - 1);
}
