/**
 * A record batch decoded by parquet-wasm, taken into Arrow JS through the Arrow C Data
 * Interface (https://arrow.apache.org/docs/format/CDataInterface.html) rather than as an IPC
 * stream: the columns are read where the decoder left them, in Wasm memory, either copied
 * once into buffers of their own or, for a reader that only looks at the values and keeps
 * nothing, not copied at all.
 *
 * Why: `RecordBatch.intoIPCStream` copies every decoded batch into a new JavaScript buffer.
 * Reading back the keys of a ten-million-row parent made some 80 MB of such buffers, garbage
 * a moment later, and V8 collects external memory only once tens of megabytes of it pile up:
 * the process grew by 90 MB for keys it kept as a few numbers. With a {@link Scratch}, every
 * batch is copied into the same buffer instead.
 *
 * Views of Wasm memory itself would save the copy but are not safe to hand out: any call into
 * parquet-wasm in between (another reader, a writer) may grow the memory, which detaches every
 * view of it, or reuse the batch's bytes.
 *
 * Flat columns of the types tablestream writes are read here (integers, floats, booleans,
 * strings and binaries, dates, timestamps, decimals); anything else (nested, dictionary,
 * times, a sliced array) is left to the IPC path ({@link wasmBatch} returns undefined).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";

/**
 * One buffer that batch after batch is copied into: a batch read into it is valid until the
 * next one is, and a reader that keeps values copies them. It grows to the largest batch.
 */
export class Scratch {
  #buffer = new ArrayBuffer(0);
  #used = 0;

  /** Starts a batch: what the last one held may be overwritten. */
  reset(): void {
    this.#used = 0;
  }

  /** `bytes` bytes of the buffer for the current batch, 8-byte aligned. */
  take(bytes: number): { buffer: ArrayBuffer; offset: number } {
    const offset = (this.#used + 7) & ~7;
    if (offset + bytes > this.#buffer.byteLength) {
      // Buffers taken earlier in this batch keep the old buffer alive until it is done.
      this.#buffer = new ArrayBuffer(Math.max(2 * this.#buffer.byteLength, bytes, 1 << 16));
      this.#used = bytes;
      return { buffer: this.#buffer, offset: 0 };
    }
    this.#used = offset + bytes;
    return { buffer: this.#buffer, offset };
  }
}

/**
 * The record batch `batch` as Arrow JS, or undefined when a column is of a kind this reader
 * leaves to IPC (`batch` is then untouched). Its buffers are its own, or, with `scratch`,
 * parts of the scratch buffer (valid until the scratch's next batch).
 *
 * @example
 * ```ts
 * const js = wasmBatch(wasmRecordBatch) ??
 *   arrow.tableFromIPC(wasmRecordBatch.intoIPCStream()).batches[0];
 * ```
 */
export function wasmBatch(
  batch: pq.RecordBatch,
  scratch?: Scratch,
): arrow.RecordBatch | undefined {
  // toFFI leaves `batch` usable, so that the caller can still take the IPC path.
  const ffi = batch.toFFI();
  try {
    scratch?.reset();
    const memory = new Memory(pq.wasmMemory().buffer as ArrayBuffer, scratch);
    const schema = memory.schema(ffi.schemaAddr());
    if (!schema || !(schema.type instanceof arrow.Struct)) return undefined;
    const fields = schema.type.children;
    const struct = memory.array(ffi.arrayAddr(), schema.type);
    if (!struct) return undefined;
    return new arrow.RecordBatch(new arrow.Schema(fields), struct as arrow.Data<arrow.Struct>);
  } finally {
    ffi.free();
  }
}

/** Flags of `ArrowSchema.flags`. */
const NULLABLE = 2n;

/** Wasm memory read as the C structs of the interface (wasm32: 4-byte pointers). */
class Memory {
  readonly #view: DataView;
  readonly #buffer: ArrayBuffer;
  readonly #scratch?: Scratch;

  constructor(buffer: ArrayBuffer, scratch?: Scratch) {
    this.#buffer = buffer;
    this.#view = new DataView(buffer);
    this.#scratch = scratch;
  }

  #pointer(at: number): number {
    return this.#view.getUint32(at, true);
  }

  #int64(at: number): number {
    return Number(this.#view.getBigInt64(at, true));
  }

  /** A NUL-terminated UTF-8 string. */
  #string(at: number): string {
    if (at === 0) return "";
    const bytes = new Uint8Array(this.#buffer);
    let end = at;
    while (bytes[end] !== 0) end++;
    return new TextDecoder().decode(bytes.subarray(at, end));
  }

  /**
   * The `ArrowSchema` at `at` as a field (format, name, flags, children), or undefined for a
   * kind left to IPC. Metadata is not read: types and names are what reading back compares.
   */
  schema(at: number): arrow.Field | undefined {
    const format = this.#string(this.#pointer(at));
    const name = this.#string(this.#pointer(at + 4));
    const nullable = (this.#view.getBigInt64(at + 16, true) & NULLABLE) !== 0n;
    if (this.#pointer(at + 36) !== 0) return undefined; // dictionary-encoded
    let type: arrow.DataType | undefined;
    if (format === "+s") {
      const children: arrow.Field[] = [];
      const count = this.#int64(at + 24);
      const pointers = this.#pointer(at + 32);
      for (let i = 0; i < count; i++) {
        const child = this.schema(this.#pointer(pointers + 4 * i));
        if (!child) return undefined;
        children.push(child);
      }
      type = new arrow.Struct(children);
    } else {
      type = flatType(format);
    }
    return type && new arrow.Field(name, type, nullable);
  }

  /** The `ArrowArray` at `at` as data of `type`, or undefined for what is left to IPC. */
  array(at: number, type: arrow.DataType): arrow.Data | undefined {
    const length = this.#int64(at);
    const nullCount = this.#int64(at + 8);
    // Offsets other than 0 are rare in decoded batches; re-basing bitmaps is not worth it.
    if (this.#int64(at + 16) !== 0) return undefined;
    const buffers = this.#pointer(at + 40);
    const buffer = (i: number) => this.#pointer(buffers + 4 * i);
    const bitmap = buffer(0) === 0 ? undefined : this.#bytes(buffer(0), Math.ceil(length / 8));
    const common = { type, length, nullCount: bitmap ? nullCount : 0, nullBitmap: bitmap };
    if (type instanceof arrow.Struct) {
      const children: arrow.Data[] = [];
      const pointers = this.#pointer(at + 44);
      for (let i = 0; i < type.children.length; i++) {
        const child = this.array(this.#pointer(pointers + 4 * i), type.children[i].type);
        if (!child) return undefined;
        children.push(child);
      }
      return arrow.makeData({ ...common, type, children });
    }
    if (type instanceof arrow.Bool) {
      return arrow.makeData({
        ...common,
        type,
        data: this.#bytes(buffer(1), Math.ceil(length / 8)),
      });
    }
    if (isVariableWidth(type)) {
      const large = type instanceof arrow.LargeUtf8 || type instanceof arrow.LargeBinary;
      const offsets = large
        ? this.#typed(BigInt64Array, buffer(1), length + 1)
        : this.#typed(Int32Array, buffer(1), length + 1);
      const end = length === 0 ? 0 : Number(offsets[length]);
      const values = this.#bytes(buffer(2), end);
      return arrow.makeData({
        ...common,
        type: type as arrow.Utf8,
        valueOffsets: offsets as Int32Array,
        data: values,
      });
    }
    const width = valueWords(type);
    if (!width) return undefined;
    const [ArrayType, perValue] = width;
    const values = this.#typed(ArrayType, buffer(1), length * perValue);
    return arrow.makeData({ ...common, type: type as arrow.Int, data: values as Int32Array });
  }

  #bytes(at: number, length: number): Uint8Array {
    return this.#typed(Uint8Array, at, length);
  }

  /** A copy of `count` elements of `Type` at `at`, in the scratch buffer or a buffer of its own. */
  #typed<T extends TypedArray>(Type: TypedArrayType<T>, at: number, count: number): T {
    const bytes = count * Type.BYTES_PER_ELEMENT;
    const source = new Uint8Array(this.#buffer, at, bytes);
    if (!this.#scratch) return new Type(source.slice().buffer, 0, count);
    const { buffer, offset } = this.#scratch.take(bytes);
    new Uint8Array(buffer, offset, bytes).set(source);
    return new Type(buffer, offset, count);
  }
}

type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

interface TypedArrayType<T extends TypedArray> {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

function isVariableWidth(type: arrow.DataType): boolean {
  return type instanceof arrow.Utf8 || type instanceof arrow.LargeUtf8 ||
    type instanceof arrow.Binary || type instanceof arrow.LargeBinary;
}

/** The typed array Arrow JS keeps values of a fixed-width `type` in, and its words per value. */
function valueWords(type: arrow.DataType): [TypedArrayType<TypedArray>, number] | undefined {
  if (type instanceof arrow.Int) {
    const signed = type.isSigned;
    switch (type.bitWidth) {
      case 8:
        return [signed ? Int8Array : Uint8Array, 1];
      case 16:
        return [signed ? Int16Array : Uint16Array, 1];
      case 32:
        return [signed ? Int32Array : Uint32Array, 1];
      case 64:
        return [signed ? BigInt64Array : BigUint64Array, 1];
    }
  }
  if (type instanceof arrow.Float) {
    switch (type.precision) {
      case arrow.Precision.HALF:
        return [Uint16Array, 1];
      case arrow.Precision.SINGLE:
        return [Float32Array, 1];
      case arrow.Precision.DOUBLE:
        return [Float64Array, 1];
    }
  }
  if (type instanceof arrow.Date_) {
    return type.unit === arrow.DateUnit.DAY ? [Int32Array, 1] : [BigInt64Array, 1];
  }
  if (type instanceof arrow.Timestamp) return [BigInt64Array, 1];
  if (type instanceof arrow.Decimal) return [Uint32Array, type.bitWidth / 32];
  return undefined;
}

const TIME_UNITS: Record<string, arrow.TimeUnit> = {
  s: arrow.TimeUnit.SECOND,
  m: arrow.TimeUnit.MILLISECOND,
  u: arrow.TimeUnit.MICROSECOND,
  n: arrow.TimeUnit.NANOSECOND,
};

/**
 * The Arrow JS type of a flat format string, made as Arrow JS's IPC reader makes it (so that
 * types compare equal whichever way a batch came), or undefined for one left to IPC.
 */
export function flatType(format: string): arrow.DataType | undefined {
  switch (format) {
    case "b":
      return new arrow.Bool();
    case "c":
      return new arrow.Int(true, 8);
    case "C":
      return new arrow.Int(false, 8);
    case "s":
      return new arrow.Int(true, 16);
    case "S":
      return new arrow.Int(false, 16);
    case "i":
      return new arrow.Int(true, 32);
    case "I":
      return new arrow.Int(false, 32);
    case "l":
      return new arrow.Int(true, 64);
    case "L":
      return new arrow.Int(false, 64);
    case "e":
      return new arrow.Float(arrow.Precision.HALF);
    case "f":
      return new arrow.Float(arrow.Precision.SINGLE);
    case "g":
      return new arrow.Float(arrow.Precision.DOUBLE);
    case "u":
      return new arrow.Utf8();
    case "U":
      return new arrow.LargeUtf8();
    case "z":
      return new arrow.Binary();
    case "Z":
      return new arrow.LargeBinary();
    case "tdD":
      return new arrow.Date_(arrow.DateUnit.DAY);
    case "tdm":
      return new arrow.Date_(arrow.DateUnit.MILLISECOND);
  }
  const timestamp = /^ts([smun]):(.*)$/.exec(format);
  if (timestamp) return new arrow.Timestamp(TIME_UNITS[timestamp[1]], timestamp[2] || null);
  const decimal = /^d:(\d+),(\d+)(?:,(\d+))?$/.exec(format);
  if (decimal) {
    const bits = Number(decimal[3] ?? 128);
    if (bits !== 128 && bits !== 256) return undefined;
    return new arrow.Decimal(Number(decimal[2]), Number(decimal[1]), bits);
  }
  return undefined;
}
