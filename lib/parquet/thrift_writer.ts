/**
 * Thrift's compact protocol, the encoding of Parquet's page headers and footer, written: just
 * what those structs use (structs, i32, i64, binary, booleans, lists of structs, i32s and
 * strings). https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 *
 * @module
 */
import { Bytes } from "./bytes.ts";

/** Compact protocol field types. */
const TType = {
  TRUE: 1,
  FALSE: 2,
  BYTE: 3,
  I32: 5,
  I64: 6,
  BINARY: 8,
  LIST: 9,
  STRUCT: 12,
} as const;

const encoder = new TextEncoder();

/**
 * Strings written before, encoded: the same column names and schema text are written in
 * every file's footer. Bounded, so that names that never come back do not pile up.
 */
const encoded = new Map<string, Uint8Array>();
const ENCODED_STRINGS = 4096;

function utf8(text: string): Uint8Array {
  let bytes = encoded.get(text);
  if (!bytes) {
    bytes = encoder.encode(text);
    if (encoded.size >= ENCODED_STRINGS) encoded.clear();
    encoded.set(text, bytes);
  }
  return bytes;
}

/**
 * A growing buffer of compact-protocol bytes, written field by field. One writer can serve
 * message after message ({@link reset}): what {@link bytes} returned is then overwritten.
 */
export class ThriftWriter {
  readonly #out = new Bytes(1024);
  /** The last field id of each open struct (ids are written as deltas from it). */
  #lastIds: number[] = [0];

  /** The bytes written so far (valid until the next reset). */
  bytes(): Uint8Array {
    return this.#out.bytes();
  }

  /** Starts a new message in the same buffer. */
  reset(): void {
    this.#out.length = 0;
    this.#lastIds = [0];
  }

  byte(b: number): void {
    this.#out.byte(b);
  }

  /** An unsigned varint of a safe integer. */
  varint(n: number): void {
    this.#out.varint(n);
  }

  /** A zigzag varint: what i16, i32 and i64 values are written as. */
  zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  #field(id: number, type: number): void {
    const last = this.#lastIds[this.#lastIds.length - 1];
    const delta = id - last;
    if (delta > 0 && delta <= 15) {
      this.byte((delta << 4) | type);
    } else {
      this.byte(type);
      this.zigzag(id);
    }
    this.#lastIds[this.#lastIds.length - 1] = id;
  }

  /** An i8 field: one byte as it is, not a varint. */
  i8(id: number, value: number): void {
    this.#field(id, TType.BYTE);
    this.byte(value & 0xff);
  }

  i32(id: number, value: number): void {
    this.#field(id, TType.I32);
    this.zigzag(value);
  }

  i64(id: number, value: number): void {
    this.#field(id, TType.I64);
    this.zigzag(value);
  }

  bool(id: number, value: boolean): void {
    this.#field(id, value ? TType.TRUE : TType.FALSE);
  }

  binary(id: number, value: Uint8Array | string): void {
    this.#field(id, TType.BINARY);
    this.#binaryValue(value);
  }

  #binaryValue(value: Uint8Array | string): void {
    const bytes = typeof value === "string" ? utf8(value) : value;
    this.varint(bytes.length);
    this.#out.put(bytes);
  }

  /** A struct field whose fields `body` writes. */
  struct(id: number, body: () => void): void {
    this.#field(id, TType.STRUCT);
    this.structValue(body);
  }

  /** A struct's fields and its stop byte (a top-level struct, or a list's element). */
  structValue(body: () => void): void {
    this.#lastIds.push(0);
    body();
    this.byte(0);
    this.#lastIds.pop();
  }

  #listHeader(id: number, size: number, element: number): void {
    this.#field(id, TType.LIST);
    if (size < 15) {
      this.byte((size << 4) | element);
    } else {
      this.byte(0xf0 | element);
      this.varint(size);
    }
  }

  listOfStructs<T>(id: number, items: readonly T[], body: (item: T) => void): void {
    this.#listHeader(id, items.length, TType.STRUCT);
    for (const item of items) this.structValue(() => body(item));
  }

  listOfI32(id: number, items: readonly number[]): void {
    this.#listHeader(id, items.length, TType.I32);
    for (const item of items) this.zigzag(item);
  }

  listOfStrings(id: number, items: readonly string[]): void {
    this.#listHeader(id, items.length, TType.BINARY);
    for (const item of items) this.#binaryValue(item);
  }
}
