/**
 * Builds one Arrow column from generated values, with an explicit type: values land in
 * typed arrays and become `arrow.Data` without arrow-js guessing anything.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { PyDate } from "../expr/datetime_values.ts";
import { PyFloat, pyStr, type StaticType, type Value } from "../expr/values.ts";
import { arrowType, type ColumnType, decimalParts } from "../arrow/types.ts";
import {
  checkInferred,
  toEpochDays,
  toEpochMicros,
  toInt64,
  toNumber,
  toUnscaled,
  truthy,
} from "./column_types.ts";

const TWO_128 = 1n << 128n;
const WORD = 0xffffffffn;

const encoder = new TextEncoder();

/** Accumulates up to `capacity` values of one column. */
export class ColumnBuilder {
  readonly type: ColumnType;
  readonly #arrowType: arrow.DataType;
  readonly #capacity: number;
  /**
   * The expression's static type when the column's type was inferred from it (no `type:`):
   * a value of another Python type is then an error rather than a silent conversion.
   */
  readonly #inferred?: StaticType;
  #length = 0;
  #nullCount = 0;
  #validity: Uint8Array;
  #numbers?: Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
  /**
   * int64 and timestamp values as pairs of 32-bit words (little-endian, as every target
   * of Deno is): storing a safe integer this way needs no BigInt per value.
   */
  #words64?: Int32Array;
  #bits?: Uint8Array;
  #offsets?: Int32Array;
  #bytes?: Uint8Array;
  /** Decimals: four little-endian 32-bit words of two's complement per value. */
  #words?: Uint32Array;
  #byteLength = 0;

  constructor(type: ColumnType, capacity: number, options: { inferred?: StaticType } = {}) {
    this.type = type;
    this.#arrowType = arrowType(type);
    this.#capacity = capacity;
    if (options.inferred !== undefined) this.#inferred = options.inferred;
    this.#validity = new Uint8Array((capacity + 7) >> 3);
    if (decimalParts(type)) {
      this.#words = new Uint32Array(capacity * 4);
      return;
    }
    switch (type) {
      case "int8":
        this.#numbers = new Int8Array(capacity);
        break;
      case "int16":
        this.#numbers = new Int16Array(capacity);
        break;
      case "int32":
      case "date":
        this.#numbers = new Int32Array(capacity);
        break;
      case "float32":
        this.#numbers = new Float32Array(capacity);
        break;
      case "float64":
        this.#numbers = new Float64Array(capacity);
        break;
      case "int64":
      case "timestamp":
        this.#words64 = new Int32Array(capacity * 2);
        break;
      case "bool":
        this.#bits = new Uint8Array((capacity + 7) >> 3);
        break;
      case "string":
        this.#offsets = new Int32Array(capacity + 1);
        this.#bytes = new Uint8Array(Math.max(64, capacity * 16));
        break;
    }
  }

  /** Number of values appended. */
  get length(): number {
    return this.#length;
  }

  /** Appends a value, converting it to the column's type; throws ConversionError. */
  append(value: Value): void {
    const i = this.#length;
    if (value === null) {
      this.#nullCount++;
      if (this.#offsets) this.#offsets[i + 1] = this.#byteLength;
      this.#length = i + 1;
      return;
    }
    this.#store(i, value);
    this.#validity[i >> 3] |= 1 << (i & 7);
    this.#length = i + 1;
  }

  #store(i: number, value: Exclude<Value, null>): void {
    if (this.#words) {
      let bits = toUnscaled(value, this.type);
      if (bits < 0n) bits += TWO_128;
      for (let w = 0; w < 4; w++) {
        this.#words[i * 4 + w] = Number(bits & WORD);
        bits >>= 32n;
      }
      return;
    }
    // Each type takes its usual values directly; anything else is checked against the type
    // the column was inferred from, when it was (see checkInferred).
    const inferred = this.#inferred;
    switch (this.type) {
      case "int8":
      case "int16":
      case "int32":
        if (inferred && !(typeof value === "number" && Number.isInteger(value))) {
          checkInferred(value, this.type, inferred);
        }
        this.#numbers![i] = toNumber(value, this.type, true);
        return;
      case "float32":
      case "float64":
        if (typeof value === "number") this.#numbers![i] = value;
        else if (value instanceof PyFloat) this.#numbers![i] = value.value;
        else {
          if (inferred) checkInferred(value, this.type, inferred);
          this.#numbers![i] = toNumber(value, this.type, false);
        }
        return;
      case "int64": {
        if (typeof value === "number" && Number.isSafeInteger(value)) {
          this.#storeInt64(i, value);
          return;
        }
        if (inferred) checkInferred(value, this.type, inferred);
        const n = toInt64(value, this.type);
        if (typeof n === "number") this.#storeInt64(i, n);
        else this.#storeBigInt64(i, n);
        return;
      }
      case "date":
        if (inferred && !(value instanceof PyDate)) checkInferred(value, this.type, inferred);
        this.#numbers![i] = toEpochDays(value, this.type);
        return;
      case "timestamp":
        if (inferred && !(value instanceof Date)) checkInferred(value, this.type, inferred);
        {
          const micros = toEpochMicros(value, this.type);
          if (typeof micros === "number") this.#storeInt64(i, micros);
          else this.#storeBigInt64(i, micros);
        }
        return;
      case "bool":
        if (inferred && typeof value !== "boolean") checkInferred(value, this.type, inferred);
        if (truthy(value)) this.#bits![i >> 3] |= 1 << (i & 7);
        return;
      case "string":
        if (typeof value === "string") {
          this.#appendText(i, value);
          return;
        }
        if (inferred) checkInferred(value, this.type, inferred);
        this.#appendText(i, pyStr(value));
        return;
    }
  }

  /**
   * Appends `count` numbers that the column's type stores as they are (safe integers within
   * an integer type's range, any number for a float type: what lib/engine/drawn_columns.ts
   * proves before it fills a column), a value whose `valid` byte is 0 as a null.
   */
  appendNumbers(values: Float64Array, count: number, valid?: Uint8Array): void {
    const start = this.#length;
    if (start + count > this.#capacity) throw new RangeError("Column builder overflow");
    const words = this.#words64, numbers = this.#numbers, validity = this.#validity;
    if (!words && !numbers) throw new RangeError(`Numbers cannot go to a ${this.type} column`);
    for (let r = 0; r < count; r++) {
      const i = start + r;
      if (valid !== undefined && valid[r] === 0) {
        this.#nullCount++;
        continue;
      }
      if (words) this.#storeInt64(i, values[r]);
      else numbers![i] = values[r];
      validity[i >> 3] |= 1 << (i & 7);
    }
    this.#length = start + count;
  }

  /** A safe integer (two's complement) into the words of value `i`. */
  #storeInt64(i: number, n: number): void {
    const hi = Math.floor(n / 4294967296);
    this.#words64![2 * i] = (n - hi * 4294967296) | 0;
    this.#words64![2 * i + 1] = hi | 0;
  }

  /** An int beyond 2^53 (within int64) into the words of value `i`. */
  #storeBigInt64(i: number, n: bigint): void {
    const bits = BigInt.asUintN(64, n);
    this.#words64![2 * i] = Number(bits & WORD) | 0;
    this.#words64![2 * i + 1] = Number(bits >> 32n) | 0;
  }

  #appendText(i: number, text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    const bytes = this.#room(text.length * 3);
    let at = this.#byteLength;
    // Generated text is mostly short ASCII: copying it by hand beats a call into the
    // encoder per value; the first other character hands the rest to the encoder.
    let k = 0;
    for (; k < text.length; k++) {
      const code = text.charCodeAt(k);
      if (code >= 0x80) break;
      bytes[at++] = code;
    }
    if (k < text.length) {
      at += encoder.encodeInto(k === 0 ? text : text.slice(k), bytes.subarray(at)).written;
    }
    this.#byteLength = at;
    this.#offsets![i + 1] = at;
  }

  /**
   * Appends bytes as a string column's value as they are, valid UTF-8 or not (`bad_values`
   * kind `invalid_utf8`).
   */
  appendBytes(source: Uint8Array): void {
    if (this.type !== "string") throw new RangeError(`Bytes cannot go to a ${this.type} column`);
    const i = this.#length;
    this.#room(source.length).set(source, this.#byteLength);
    this.#byteLength += source.length;
    this.#offsets![i + 1] = this.#byteLength;
    this.#validity[i >> 3] |= 1 << (i & 7);
    this.#length = i + 1;
  }

  /** The text bytes, grown if need be to hold `more` bytes after those written. */
  #room(more: number): Uint8Array {
    const need = this.#byteLength + more;
    if (need > this.#bytes!.length) {
      const grown = new Uint8Array(Math.max(need, this.#bytes!.length * 2));
      grown.set(this.#bytes!.subarray(0, this.#byteLength));
      this.#bytes = grown;
    }
    return this.#bytes!;
  }

  /** The finished column. The builder must not be used afterwards. */
  finish(): arrow.Data {
    const length = this.#length;
    if (length > this.#capacity) throw new RangeError("Column builder overflow");
    const nullBitmap = this.#nullCount ? this.#validity.subarray(0, (length + 7) >> 3) : undefined;
    const common = { type: this.#arrowType, length, nullCount: this.#nullCount, nullBitmap };
    if (this.#words) {
      return arrow.makeData({
        ...common,
        type: this.#arrowType as arrow.Decimal,
        data: this.#words.subarray(0, length * 4),
      });
    }
    switch (this.type) {
      case "string":
        return arrow.makeData({
          ...common,
          type: this.#arrowType as arrow.Utf8,
          valueOffsets: this.#offsets!.subarray(0, length + 1),
          data: this.#bytes!.subarray(0, this.#byteLength),
        });
      case "bool":
        return arrow.makeData({
          ...common,
          type: this.#arrowType as arrow.Bool,
          data: this.#bits!.subarray(0, (length + 7) >> 3),
        });
      case "int64":
      case "timestamp": {
        const words = this.#words64!;
        return arrow.makeData({
          ...common,
          type: this.#arrowType as arrow.Int64,
          data: new BigInt64Array(words.buffer, words.byteOffset, length),
        });
      }
      default:
        return arrow.makeData({
          ...common,
          type: this.#arrowType as arrow.Int32,
          data: this.#numbers!.subarray(0, length) as Int32Array,
        });
    }
  }
}
