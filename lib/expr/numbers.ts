/**
 * Python's number conversions: `round` (exact, ties to even), `int()` and `float()` of
 * strings and numbers. Ints come back exact at any size (a `bigint` beyond 2^53).
 *
 * @module
 */
import {
  exactInt,
  floatToInt,
  type Int,
  intFloorDivide,
  intModulo,
  intToFloat,
  parseIntDigits,
} from "./integers.ts";
import { typeName } from "./operators.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { Value } from "./values.ts";

/** `round(x)`: the nearest integer, ties to the even one (`round(2.5) == 2`). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Python's `round(x, ndigits)`: rounds the exact binary value of `x` to `ndigits`
 * decimals, ties to even, so `round(2.675, 2) == 2.67` (2.675 is really 2.67499...).
 *
 * @example
 * ```ts
 * pyRound(2.5, null); // 2
 * pyRound(0.125, 2); // 0.12
 * pyRound(1234, -2); // 1200
 * ```
 */
export function pyRound(x: number, ndigits: number | null): number {
  if (ndigits === null) {
    if (!Number.isFinite(x)) throw new ExprRuntimeError(`Cannot round ${x} to an integer`);
    return roundHalfEven(x);
  }
  if (!Number.isFinite(x) || x === 0) return x;
  if (ndigits === 0) return roundHalfEven(x);
  // Past these, the result is `x` itself, or a zero: no need for 10^ndigits.
  if (ndigits > 330) return x;
  if (ndigits < -330) return x < 0 ? -0 : 0;
  if (ndigits > 0 && ndigits <= 22) {
    const scale = 10 ** ndigits;
    const scaled = x * scale;
    // Far from a tie, the float product rounds like the exact one and k / 10^n is the
    // correctly rounded result; near a tie only exact arithmetic can tell.
    if (Math.abs(scaled) < 2 ** 30) {
      const frac = scaled - Math.floor(scaled);
      if (Math.abs(frac - 0.5) > 1e-6) return Math.round(scaled) / scale;
    }
  }
  return exactRound(x, ndigits);
}

/**
 * Python's `round(n, ndigits)` of an int: itself for `ndigits >= 0`, else the nearest
 * multiple of 10^-ndigits, ties to the even multiple (`round(25, -1) == 20`), exactly.
 */
export function roundInt(n: Int, ndigits: number): Int {
  if (ndigits >= 0) return n;
  const digits = String(n).replace("-", "").length;
  if (-ndigits > digits) return 0; // less than half of 10^-ndigits
  const unit = 10n ** BigInt(-ndigits);
  const rest = BigInt(intModulo(n, unit));
  let lower = BigInt(n) - rest;
  const twice = 2n * rest;
  if (twice > unit || (twice === unit && BigInt(intFloorDivide(lower, unit)) % 2n !== 0n)) {
    lower += unit;
  }
  return exactInt(lower, "round()");
}

/** Rounding with BigInt arithmetic on the exact value `mantissa * 2^exponent`. */
function exactRound(x: number, ndigits: number): number {
  const negative = x < 0;
  const [mantissa, exponent] = decompose(Math.abs(x));
  // value * 10^ndigits = numerator / denominator, exactly.
  let numerator = mantissa;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  if (ndigits >= 0) numerator *= 10n ** BigInt(ndigits);
  else denominator *= 10n ** BigInt(-ndigits);
  let k = numerator / denominator;
  const twice = 2n * (numerator - k * denominator);
  if (twice > denominator || (twice === denominator && k % 2n === 1n)) k += 1n;
  const result = Number(`${k}e${-ndigits}`);
  return negative ? -result : result;
}

/** A positive finite double as an integer mantissa and a power-of-two exponent. */
function decompose(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  if (biased === 0) return [fraction, -1074];
  return [fraction | (1n << 52n), biased - 1075];
}

const INT_TEXT = /^[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*)$/;
const FLOAT_TEXT =
  /^[+-]?(?:(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.|inf|infinity|nan)$/i;

/** Python's `int(value, base)`: truncates numbers, parses strings, exactly at any size. */
export function toInt(value: Value, base: number | null = null): Int {
  if (typeof value === "number" && base === null) return floatToInt(value);
  if (typeof value === "bigint" && base === null) return value;
  if (typeof value === "boolean" && base === null) return value ? 1 : 0;
  if (typeof value !== "string") {
    throw new ExprRuntimeError(
      base === null
        ? `int() needs a number or a string, not ${typeName(value)}`
        : `int() with a base needs a string, not ${typeName(value)}`,
    );
  }
  const text = value.trim();
  const radix = base ?? 10;
  const parsed = parseIntText(text, radix);
  if (parsed === undefined) {
    throw new ExprRuntimeError(`Cannot convert ${JSON.stringify(value)} to int (base ${radix})`);
  }
  return parsed;
}

/**
 * An `int()` argument as a JS number, for counts, widths and positions: a `bigint` becomes
 * its nearest number, which the caller's own bounds then refuse.
 */
export function toIndex(value: Value): number {
  const n = toInt(value);
  return typeof n === "bigint" ? Number(n) : n;
}

function parseIntText(text: string, base: number): Int | undefined {
  if (base === 10) {
    if (!/^[+-]?\d[\d_]*$/.test(text) || text.includes("__") || text.endsWith("_")) {
      return undefined;
    }
    return signed(text, parseIntDigits(text.replace(/^[+-]/, "").replaceAll("_", ""), 10));
  }
  if (base === 0) {
    if (!INT_TEXT.test(text)) return undefined;
    const body = text.replace(/^[+-]/, "").replaceAll("_", "").toLowerCase();
    if (/^0\d/.test(body) && /[1-9]/.test(body)) return undefined;
    const radix = { x: 16, o: 8, b: 2 }[body[1]] ?? 10;
    return signed(text, parseIntDigits(radix === 10 ? body : body.slice(2), radix));
  }
  if (base < 2 || base > 36) throw new ExprRuntimeError("int() base must be 0 or between 2 and 36");
  let body = text.replace(/^[+-]/, "").replaceAll("_", "").toLowerCase();
  const prefix = { 16: "0x", 8: "0o", 2: "0b" }[base];
  if (prefix && body.startsWith(prefix)) body = body.slice(2);
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
  if (body === "" || [...body].some((ch) => !digits.includes(ch))) return undefined;
  return signed(text, parseIntDigits(body, base));
}

/** `n` with the sign `text` starts with (`-0` is `0`). */
function signed(text: string, n: Int): Int {
  if (!text.startsWith("-")) return n;
  return typeof n === "bigint" ? -n : 0 - n;
}

/** Python's `float(value)`: numbers, and strings such as `"1.5"`, `"1e3"`, `"inf"`, `"nan"`. */
export function toFloat(value: Value): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return intToFloat(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") {
    throw new ExprRuntimeError(`float() needs a number or a string, not ${typeName(value)}`);
  }
  const text = value.trim();
  if (!FLOAT_TEXT.test(text)) {
    throw new ExprRuntimeError(`Cannot convert ${JSON.stringify(value)} to float`);
  }
  const sign = text.startsWith("-") ? -1 : 1;
  const body = text.replace(/^[+-]/, "").toLowerCase();
  if (body === "nan") return NaN;
  if (body === "inf" || body === "infinity") return sign * Infinity;
  return Number(text.replaceAll("_", ""));
}
