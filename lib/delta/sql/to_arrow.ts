/**
 * The subset's values (types.ts) as an Arrow column of a table's type: what a generated or
 * identity column's computed values are written as.
 *
 * @module
 */
import * as arrow from "apache-arrow";

/** An Arrow column of `type` holding `values` (null for null). */
export function arrowColumn(type: arrow.DataType, values: readonly unknown[]): arrow.Data {
  const length = values.length;
  const nullBitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  values.forEach((value, i) => {
    if (value === null || value === undefined) nullCount++;
    else nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  const base = { type, length, nullCount, nullBitmap: nullCount ? nullBitmap : undefined };
  const number = (i: number) => (values[i] ?? 0) as number;
  if (arrow.DataType.isInt(type) && type.bitWidth === 64) {
    const data = new BigInt64Array(length);
    for (let i = 0; i < length; i++) data[i] = BigInt(Math.trunc(number(i)));
    return arrow.makeData({ ...base, type: type as arrow.Int64, data });
  }
  if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type)) {
    const data = new type.ArrayType(length) as Int32Array;
    for (let i = 0; i < length; i++) data[i] = number(i);
    // The typed array is the type's own (Int8Array, Float64Array...): Int32 only names it.
    return arrow.makeData({ ...base, type: type as unknown as arrow.Int32, data });
  }
  if (arrow.DataType.isDate(type)) {
    if (type.unit === arrow.DateUnit.DAY) {
      return arrow.makeData({ ...base, type, data: Int32Array.from(values, (_, i) => number(i)) });
    }
    const data = BigInt64Array.from(values, (_, i) => BigInt(number(i) * 86_400_000));
    return arrow.makeData({ ...base, type, data });
  }
  if (arrow.DataType.isTimestamp(type)) {
    const perMicro = {
      [arrow.TimeUnit.SECOND]: 1e-6,
      [arrow.TimeUnit.MILLISECOND]: 1e-3,
      [arrow.TimeUnit.MICROSECOND]: 1,
      [arrow.TimeUnit.NANOSECOND]: 1000,
    }[type.unit];
    const data = BigInt64Array.from(values, (_, i) => BigInt(Math.floor(number(i) * perMicro)));
    return arrow.makeData({ ...base, type, data });
  }
  if (arrow.DataType.isBool(type)) {
    const data = new Uint8Array(Math.ceil(length / 8));
    values.forEach((value, i) => {
      if (value === true) data[i >> 3] |= 1 << (i & 7);
    });
    return arrow.makeData({ ...base, type, data });
  }
  if (arrow.DataType.isUtf8(type)) {
    const encoder = new TextEncoder();
    const parts = values.map((v) => encoder.encode(v === null ? "" : String(v)));
    const valueOffsets = new Int32Array(length + 1);
    parts.forEach((part, i) => valueOffsets[i + 1] = valueOffsets[i] + part.length);
    const data = new Uint8Array(valueOffsets[length]);
    parts.forEach((part, i) => data.set(part, valueOffsets[i]));
    return arrow.makeData({ ...base, type, valueOffsets, data });
  }
  if (arrow.DataType.isDecimal(type)) {
    const words = type.bitWidth / 32;
    const data = new Uint32Array(length * words);
    const modulus = 1n << BigInt(type.bitWidth);
    values.forEach((value, i) => {
      if (value === null) return;
      let unscaled = BigInt(Math.round((value as number) * 10 ** type.scale));
      if (unscaled < 0n) unscaled += modulus;
      for (let w = 0; w < words; w++) {
        data[i * words + w] = Number(unscaled & 0xffffffffn);
        unscaled >>= 32n;
      }
    });
    return arrow.makeData({ ...base, type, data });
  }
  throw new Error(`Cannot write computed values as ${type}`);
}
