/**
 * Reading single cells of Arrow data, exactly: validity, decimals as their unscaled integers,
 * text and floats, dates as milliseconds. Statistics, partition values, text formats and PostgreSQL's COPY
 * all read cells this way.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { DAY_MS } from "./time.ts";

/** Whether row `i` of `data` holds a value (not null). */
export function isValid(data: arrow.Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return true;
  const bit = data.offset + i;
  return (data.nullBitmap[bit >> 3] & (1 << (bit & 7))) !== 0;
}

/** The unscaled value of a decimal row (little-endian two's complement words). */
export function decimalAt(data: arrow.Data, index: number): bigint {
  const words = data.values as Uint32Array;
  const stride = (data.type as arrow.Decimal).bitWidth / 32;
  let value = 0n;
  for (let w = stride - 1; w >= 0; w--) value = (value << 32n) | BigInt(words[index * stride + w]);
  const bits = BigInt(stride * 32);
  return value >= 1n << (bits - 1n) ? value - (1n << bits) : value;
}

/** The text of a decimal with its scale, e.g. "-12.50" for (-1250, 2). */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return `${negative ? "-" : ""}${digits}`;
}

/** Milliseconds since the epoch of a date row. */
export function dateMs(data: arrow.Data, index: number): number {
  const unit = (data.type as arrow.Date_).unit;
  return unit === arrow.DateUnit.DAY
    ? (data.values as Int32Array)[index] * DAY_MS
    : Number((data.values as BigInt64Array)[index]);
}

/** The value of an unscaled decimal, as a float. */
export function decimalValue(unscaled: bigint, scale: number): number {
  return Number(unscaled) / 10 ** scale;
}
