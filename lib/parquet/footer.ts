/**
 * A Parquet file's row count from its footer alone, as query engines count rows without
 * reading data: the file ends with the Thrift-encoded `FileMetaData`, its 4-byte length and
 * `PAR1`; `FileMetaData.num_rows` (field 3) is the count. Only the last bytes of the file
 * are read.
 *
 * @module
 */

/** How a file's last bytes are read: `length` bytes (or all when shorter), and its size. */
export type ReadTail = (length: number) => Promise<{ bytes: Uint8Array; size: number }>;

const MAGIC = "PAR1";
/** Bytes read on the first try: enough for the footers of all but very wide files. */
const FIRST_READ = 64 * 1024;

/**
 * The number of rows of the Parquet file whose tail `readTail` reads. Throws when the file
 * does not end like a Parquet file or its footer does not hold a row count.
 *
 * @example
 * ```ts
 * const rows = await parquetRowCount(async (n) => {
 *   const bytes = await Deno.readFile("part-0.parquet");
 *   return { bytes: bytes.subarray(Math.max(0, bytes.length - n)), size: bytes.length };
 * });
 * ```
 */
export async function parquetRowCount(readTail: ReadTail): Promise<number> {
  let { bytes, size } = await readTail(FIRST_READ);
  if (size < 12 || new TextDecoder().decode(bytes.subarray(bytes.length - 4)) !== MAGIC) {
    throw new Error("it does not end with the Parquet magic bytes PAR1");
  }
  const tail = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4);
  const footerLength = tail.getUint32(0, true);
  if (footerLength + 12 > size) {
    throw new Error(`its footer length ${footerLength} is larger than the file`);
  }
  if (footerLength + 8 > bytes.length) ({ bytes } = await readTail(footerLength + 8));
  const footer = bytes.subarray(bytes.length - 8 - footerLength, bytes.length - 8);
  return fileMetaDataRows(footer);
}

/** `num_rows` of a Thrift compact-protocol `FileMetaData` struct. */
export function fileMetaDataRows(footer: Uint8Array): number {
  const reader = new CompactReader(footer);
  let lastId = 0;
  for (;;) {
    const header = reader.byte();
    const type = header & 0x0f;
    if (type === STOP) break;
    const delta = header >> 4;
    const id = delta === 0 ? reader.zigzag() : lastId + delta;
    lastId = id;
    if (id === 3 && type === I64) {
      const rows = reader.zigzag();
      if (!Number.isSafeInteger(rows) || rows < 0) {
        throw new Error(`its footer says it has ${rows} rows`);
      }
      return rows;
    }
    reader.skip(type);
  }
  throw new Error("its footer has no num_rows");
}

// Thrift compact protocol types.
const STOP = 0;
const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;

/** Reads Thrift's compact protocol, just enough to skip what is not `num_rows`. */
class CompactReader {
  #at = 0;
  constructor(readonly data: Uint8Array) {}

  byte(): number {
    if (this.#at >= this.data.length) throw new Error("its footer is cut short");
    return this.data[this.#at++];
  }

  /** An unsigned varint (as a number; footers hold nothing beyond 2^53). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
  }

  /** A zigzag-encoded signed varint. */
  zigzag(): number {
    const n = this.varint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  #advance(n: number): void {
    if (this.#at + n > this.data.length) throw new Error("its footer is cut short");
    this.#at += n;
  }

  /** Skips one value of a compact-protocol type. */
  skip(type: number): void {
    switch (type) {
      case TRUE:
      case FALSE:
        return; // a struct field's boolean is in its header
      case BYTE:
        return this.#advance(1);
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        return this.#advance(8);
      case BINARY:
        return this.#advance(this.varint());
      case LIST:
      case SET: {
        const header = this.byte();
        const size = (header >> 4) === 15 ? this.varint() : header >> 4;
        const element = header & 0x0f;
        for (let i = 0; i < size; i++) this.#element(element);
        return;
      }
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.#element(kinds >> 4);
          this.#element(kinds & 0x0f);
        }
        return;
      }
      case STRUCT:
        for (;;) {
          const header = this.byte();
          if ((header & 0x0f) === STOP) return;
          if (header >> 4 === 0) this.zigzag();
          this.skip(header & 0x0f);
        }
    }
    throw new Error(`its footer has an unknown Thrift type ${type}`);
  }

  /** Skips a list, set or map element: booleans there take a byte of their own. */
  #element(type: number): void {
    if (type === TRUE || type === FALSE) this.#advance(1);
    else this.skip(type);
  }
}
