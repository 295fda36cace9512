/**
 * Type widening (PROTOCOL.md, "Type Widening"; table features `typeWidening` and Spark 4.0's
 * `typeWidening-preview`): a column's type may be widened after files were written, and those
 * files keep the narrower type. A reader reads them as the current type: byte, short and int
 * to a wider integer, to double or to a decimal; float to double; a decimal to one with more
 * digits (and as many more integer digits); date to timestamp_ntz (midnight).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { dateMs, decimalAt, isValid } from "../arrow/cells.ts";

/**
 * `data` (a file's column) as the wider `target` type, or undefined when `target` is not a
 * widening of the data's type. Nulls stay null.
 *
 * @example
 * ```ts
 * import * as arrow from "apache-arrow";
 * const ints = arrow.vectorFromArray([1, null, 3], new arrow.Int32()).data[0];
 * widenData(ints, new arrow.Int64()); // 1n, null, 3n
 * ```
 */
export function widenData(data: arrow.Data, target: arrow.DataType): arrow.Data | undefined {
  const from = data.type;
  if (arrow.DataType.isInt(from) && from.isSigned) {
    if (arrow.DataType.isInt(target) && target.isSigned && target.bitWidth > from.bitWidth) {
      return target.bitWidth === 64
        ? build(data, target, (i) => BigInt(Number(data.values[i])))
        : build(data, target, (i) => Number(data.values[i]));
    }
    if (arrow.DataType.isFloat(target) && target.precision === arrow.Precision.DOUBLE) {
      return build(data, target, (i) => Number(data.values[i]));
    }
    if (arrow.DataType.isDecimal(target)) {
      return build(
        data,
        target,
        (i) => BigInt(Number(data.values[i])) * 10n ** BigInt(target.scale),
      );
    }
  }
  if (
    arrow.DataType.isFloat(from) && from.precision === arrow.Precision.SINGLE &&
    arrow.DataType.isFloat(target) && target.precision === arrow.Precision.DOUBLE
  ) {
    return build(data, target, (i) => Number(data.values[i]));
  }
  if (arrow.DataType.isDecimal(from) && arrow.DataType.isDecimal(target)) {
    const up = target.scale - from.scale;
    if (up < 0 || target.precision - target.scale < from.precision - from.scale) return undefined;
    const factor = 10n ** BigInt(up);
    return build(data, target, (i) => decimalAt(data, i) * factor);
  }
  if (arrow.DataType.isDate(from) && arrow.DataType.isTimestamp(target) && !target.timezone) {
    const perMs = target.unit === arrow.TimeUnit.MICROSECOND ? 1000n : 1n;
    return build(data, target, (i) => BigInt(dateMs(data, i)) * perMs);
  }
  return undefined;
}

/** A column of `target` with `value(i)` for each valid row of `data`; nulls stay null. */
function build(
  data: arrow.Data,
  target: arrow.DataType,
  value: (i: number) => number | bigint,
): arrow.Data {
  const n = data.length;
  const values = valuesFor(target, n);
  for (let i = 0; i < n; i++) {
    if (!isValid(data, i)) continue;
    const v = value(i);
    if (values instanceof Uint32Array) {
      // A decimal: four little-endian words of the 128-bit two's complement.
      const bits = BigInt.asUintN(128, v as bigint);
      for (let w = 0; w < 4; w++) {
        values[i * 4 + w] = Number((bits >> BigInt(32 * w)) & 0xffffffffn);
      }
    } else {
      values[i] = v as never;
    }
  }
  return arrow.makeData({
    type: target,
    length: n,
    nullCount: data.nullCount,
    nullBitmap: validity(data),
    data: values,
  } as never);
}

/** A zeroed value buffer of `n` rows of `type`. */
function valuesFor(type: arrow.DataType, n: number) {
  if (arrow.DataType.isDecimal(type)) return new Uint32Array(n * 4);
  if (arrow.DataType.isTimestamp(type)) return new BigInt64Array(n);
  if (arrow.DataType.isFloat(type)) return new Float64Array(n);
  switch ((type as arrow.Int).bitWidth) {
    case 16:
      return new Int16Array(n);
    case 32:
      return new Int32Array(n);
    default:
      return new BigInt64Array(n);
  }
}

/** The validity bitmap of `data` from bit 0, or undefined without nulls. */
function validity(data: arrow.Data): Uint8Array | undefined {
  if (data.nullCount === 0) return undefined;
  const bitmap = new Uint8Array(Math.ceil(data.length / 8));
  for (let i = 0; i < data.length; i++) if (isValid(data, i)) bitmap[i >> 3] |= 1 << (i & 7);
  return bitmap;
}
