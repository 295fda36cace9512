/**
 * A growable byte buffer that a batch's rows are written into, one after another, as the
 * bytes that go out (CSV lines, Kafka's JSON or Avro keys and values): one buffer per batch
 * rather than a string per cell and row, whose garbage was a third of the Kafka sink's main
 * thread and most of a CSV write's collector time.
 *
 * @module
 */
import type * as arrow from "apache-arrow";

/** Bytes written one after another into an array that grows by doubling. */
export class ByteOut {
  bytes: Uint8Array;
  view: DataView;
  length = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  /** One byte. */
  byte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b;
  }

  /** Bytes `from .. to` of `source`. */
  copy(source: Uint8Array, from = 0, to = source.length): void {
    const n = to - from;
    this.reserve(n);
    const bytes = this.bytes;
    let at = this.length;
    if (n < 32) {
      // Short runs: a loop beats making a subarray for `set`.
      for (let i = from; i < to; i++) bytes[at++] = source[i];
    } else {
      bytes.set(source.subarray(from, to), at);
      at += n;
    }
    this.length = at;
  }

  /** A text known to be ASCII (digits, JSON punctuation), one byte per character. */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < n; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** Any text, as UTF-8. */
  text(text: string): void {
    this.reserve(text.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    this.length += encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /** The decimal digits of a safe integer (as `String(n)` spells it), without a string. */
  digits(n: number): void {
    this.reserve(17);
    const bytes = this.bytes;
    let at = this.length;
    if (n < 0) {
      bytes[at++] = 0x2d; // "-"
      n = -n;
    }
    let count = 1;
    for (let power = 10; power <= n && count < 16; power *= 10) count++;
    at += count;
    this.length = at;
    if (n < 0x80000000) {
      // 32-bit integer division: several times faster than Math.floor of a double.
      let v = n | 0;
      do {
        const q = (v / 10) | 0;
        bytes[--at] = 0x30 + v - q * 10;
        v = q;
      } while (v > 0);
      return;
    }
    do {
      const q = Math.floor(n / 10);
      bytes[--at] = 0x30 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  /** Zigzag varint of a safe integer (Avro's int and long). */
  long(value: number): void {
    this.reserve(10);
    if (value >= -0x40000000 && value < 0x40000000) {
      // Zigzag fits 31 bits: 32-bit operators, several times faster than division.
      let u = ((value << 1) ^ (value >> 31)) >>> 0;
      while (u >= 0x80) {
        this.bytes[this.length++] = (u & 0x7f) | 0x80;
        u >>>= 7;
      }
      this.bytes[this.length++] = u;
      return;
    }
    // Zigzag without 32-bit operators, which would wrap beyond 2^31.
    let n = value >= 0 ? value * 2 : -value * 2 - 1;
    while (n >= 0x80) {
      this.bytes[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[this.length++] = n;
  }

  /** Zigzag varint of a 64-bit integer. */
  bigLong(value: bigint): void {
    if (value >= -0x1fffffffffffffn && value <= 0x1fffffffffffffn) {
      this.long(Number(value));
      return;
    }
    this.reserve(10);
    let n = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    while (n >= 0x80n) {
      this.bytes[this.length++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.bytes[this.length++] = Number(n);
  }

  /** Avro bytes or string: the length as a long, then the bytes. */
  raw(part: Uint8Array, from = 0, to = part.length): void {
    this.long(to - from);
    this.copy(part, from, to);
  }

  /** The bytes written, as a copy of their exact length. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

const encoder = new TextEncoder();

/**
 * The 64-bit integers of a `BigInt64Array` as safe numbers, read through 32-bit words (reading
 * the array itself makes a `bigint` per value); `undefined` for one beyond 2^53 - 1 either way.
 * Arrow data is little-endian, as every platform Deno runs on.
 */
export function int64Reader(values: BigInt64Array): (i: number) => number | undefined {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  return (i) => {
    const high = words[2 * i + 1];
    // |value| < 2^53 needs the high word in [-2^21, 2^21); -2^53 itself is not safe.
    if (high >= 0x200000 || high < -0x200000) return undefined;
    const value = high * 0x100000000 + (words[2 * i] >>> 0);
    return value >= -Number.MAX_SAFE_INTEGER ? value : undefined;
  };
}

/**
 * Writes an integer column's cells as decimal digits, without a string or a `bigint` per
 * value; `beyondSafe` writes a 64-bit value beyond 2^53, which each format spells its own way
 * (JSON quotes it). Undefined for unsigned 64-bit columns, which the engine does not make.
 */
export function integerWriter(
  data: arrow.Data,
  beyondSafe: (out: ByteOut, row: number) => void,
): ((out: ByteOut, row: number) => void) | undefined {
  const type = data.type as arrow.Int;
  if (type.bitWidth < 64) {
    const values = data.values as ArrayLike<number>;
    return (out, row) => out.digits(values[row]);
  }
  if (!type.isSigned) return undefined;
  const read = int64Reader(data.values as BigInt64Array);
  return (out, row) => {
    const value = read(row);
    if (value === undefined) beyondSafe(out, row);
    else out.digits(value);
  };
}
