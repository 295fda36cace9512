/**
 * A column read back as text and parsed exactly into Arrow data of its stored type: the
 * PostgreSQL sink selects each column as text (plugins/sinks/postgres/decode.ts), the Kafka sink
 * decodes JSON and Avro values into the same text (plugins/sinks/kafka/records.ts).
 *
 * @module
 */
import * as arrow from "apache-arrow";

const encoder = new TextEncoder();

/** Accumulates up to `capacity` values of one column, read as text, into Arrow data. */
export class TextColumn {
  readonly #type: arrow.DataType;
  readonly #name: string;
  #length = 0;
  #nullCount = 0;
  readonly #validity: Uint8Array;
  readonly #fixed?: Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  readonly #bigints?: BigInt64Array;
  readonly #bits?: Uint8Array;
  readonly #words?: Uint32Array;
  readonly #offsets?: Int32Array;
  #bytes = new Uint8Array(0);
  #byteLength = 0;

  constructor(name: string, type: arrow.DataType, capacity: number) {
    this.#name = name;
    this.#type = type;
    this.#validity = new Uint8Array((capacity + 7) >> 3);
    switch (type.typeId) {
      case arrow.Type.Int: {
        const width = (type as arrow.Int).bitWidth;
        if (width === 64) this.#bigints = new BigInt64Array(capacity);
        else {
          this.#fixed = width === 8
            ? new Int8Array(capacity)
            : width === 16
            ? new Int16Array(capacity)
            : new Int32Array(capacity);
        }
        break;
      }
      case arrow.Type.Float:
        this.#fixed = (type as arrow.Float).precision === arrow.Precision.SINGLE
          ? new Float32Array(capacity)
          : new Float64Array(capacity);
        break;
      case arrow.Type.Date:
        this.#fixed = new Int32Array(capacity);
        break;
      case arrow.Type.Timestamp:
        this.#bigints = new BigInt64Array(capacity);
        break;
      case arrow.Type.Bool:
        this.#bits = new Uint8Array((capacity + 7) >> 3);
        break;
      case arrow.Type.Decimal:
        this.#words = new Uint32Array(capacity * 4);
        break;
      default:
        this.#offsets = new Int32Array(capacity + 1);
        this.#bytes = new Uint8Array(Math.max(64, capacity * 16));
    }
  }

  /**
   * Appends one value as text: integers, floats and decimals in digits, dates as days and
   * timestamps as microseconds since the epoch, booleans `t` or `true`, binary as hex; null for
   * null.
   */
  push(text: string | null): void {
    const i = this.#length++;
    if (text === null) {
      this.#nullCount++;
      if (this.#offsets) this.#offsets[i + 1] = this.#byteLength;
      return;
    }
    this.#validity[i >> 3] |= 1 << (i & 7);
    const type = this.#type;
    switch (type.typeId) {
      case arrow.Type.Int:
      case arrow.Type.Timestamp:
        if (this.#bigints) this.#bigints[i] = BigInt(text);
        else this.#fixed![i] = Number(text);
        return;
      case arrow.Type.Float:
      case arrow.Type.Date:
        this.#fixed![i] = Number(text);
        return;
      case arrow.Type.Bool:
        if (text === "t" || text === "true") this.#bits![i >> 3] |= 1 << (i & 7);
        return;
      case arrow.Type.Decimal: {
        const bits = BigInt.asUintN(128, this.#unscaled(text, (type as arrow.Decimal).scale));
        for (let w = 0; w < 4; w++) {
          this.#words![i * 4 + w] = Number((bits >> BigInt(32 * w)) & 0xffffffffn);
        }
        return;
      }
      case arrow.Type.Binary:
        this.#append(i, hexBytes(text));
        return;
      default:
        this.#appendText(i, text);
    }
  }

  #unscaled(text: string, scale: number): bigint {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m || (m[3] ?? "").length > scale) {
      throw new Error(`Column "${this.#name}": ${JSON.stringify(text)} is not a ${this.#type}`);
    }
    const unscaled = BigInt(m[2] + (m[3] ?? "").padEnd(scale, "0"));
    return m[1] ? -unscaled : unscaled;
  }

  #reserve(bytes: number): void {
    const need = this.#byteLength + bytes;
    if (need <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(need, this.#bytes.length * 2));
    grown.set(this.#bytes.subarray(0, this.#byteLength));
    this.#bytes = grown;
  }

  #appendText(i: number, text: string): void {
    this.#reserve(text.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const { written } = encoder.encodeInto(text, this.#bytes.subarray(this.#byteLength));
    this.#byteLength += written;
    this.#offsets![i + 1] = this.#byteLength;
  }

  #append(i: number, bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#byteLength);
    this.#byteLength += bytes.length;
    this.#offsets![i + 1] = this.#byteLength;
  }

  /** The finished column; the accumulator must not be used afterwards. */
  finish(): arrow.Data {
    const length = this.#length;
    const nullBitmap = this.#nullCount ? this.#validity.subarray(0, (length + 7) >> 3) : undefined;
    const common = { length, nullCount: this.#nullCount, nullBitmap };
    // deno-lint-ignore no-explicit-any -- makeData's overloads are keyed by the static type
    const type = this.#type as any;
    if (this.#offsets) {
      return arrow.makeData({
        ...common,
        type,
        valueOffsets: this.#offsets.subarray(0, length + 1),
        data: this.#bytes.subarray(0, this.#byteLength),
      });
    }
    const data = this.#bits?.subarray(0, (length + 7) >> 3) ??
      this.#words?.subarray(0, length * 4) ??
      this.#bigints?.subarray(0, length) ??
      this.#fixed!.subarray(0, length);
    return arrow.makeData({ ...common, type, data });
  }
}

/** The bytes of a hex string. */
export function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
