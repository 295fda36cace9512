/**
 * A growing byte buffer, written at its end: the pages and footers of the direct Parquet writer
 * (direct_file.ts, thrift_writer.ts). One buffer serves file after file (`length = 0`).
 *
 * @module
 */

/** A growing byte buffer; `bytes()` is valid until the next write or reset. */
export class Bytes {
  buffer: Uint8Array;
  view: DataView;
  length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  put(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** A little-endian unsigned 32-bit integer. */
  u32(n: number): void {
    this.room(4);
    this.view.setUint32(this.length, n, true);
    this.length += 4;
  }

  byte(b: number): void {
    this.room(1);
    this.buffer[this.length++] = b;
  }

  /** An unsigned LEB128 varint of a safe integer (Thrift's and Parquet's RLE headers'). */
  varint(n: number): void {
    while (n >= 0x80) {
      this.byte((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.byte(n);
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
