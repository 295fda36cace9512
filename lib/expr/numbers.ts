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
import { ExprRuntimeError } from "./runtime_error.ts";
import { PyFloat, pyRepr, typeNameOf, type Value } from "./values.ts";

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
  if (ndigits === null) return roundToInt(x);
  const rounded = roundTo(x, ndigits);
  // A result of zero keeps the sign of `x`, as Python's does: round(-0.4, 0) is -0.0.
  return rounded === 0 && (x < 0 || Object.is(x, -0)) ? -0 : rounded;
}

function roundToInt(x: number): number {
  if (Number.isNaN(x)) throw new ExprRuntimeError("Cannot round nan to an int", "ValueError");
  if (!Number.isFinite(x)) {
    throw new ExprRuntimeError(`Cannot round ${x > 0 ? "inf" : "-inf"} to an int`, "OverflowError");
  }
  return roundHalfEven(x);
}

function roundTo(x: number, ndigits: number): number {
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

/** A positive finite double as an integer mantissa and a power-of-two exponent, exactly. */
export function decompose(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  if (biased === 0) return [fraction, -1074];
  return [fraction | (1n << 52n), biased - 1075];
}

/**
 * The text `int()` and `float()` read: without surrounding whitespace (ASCII whitespace and
 * Unicode spaces, as CPython strips them), every Unicode decimal digit (`٣`) as its ASCII one.
 */
function numberText(value: string): string {
  const trimmed = value.replace(NUMBER_SPACE_START, "").replace(NUMBER_SPACE_END, "");
  return /[\u0080-\uffff]/.test(trimmed) ? trimmed.replace(/\p{Nd}/gu, asciiDigit) : trimmed;
}

const NUMBER_SPACES =
  "\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const NUMBER_SPACE_START = new RegExp(`^[${NUMBER_SPACES}]+`);
const NUMBER_SPACE_END = new RegExp(`[${NUMBER_SPACES}]+$`);

/** The ASCII digit of a Unicode decimal digit: its place in its run of ten digits. */
function asciiDigit(ch: string): string {
  let code = ch.codePointAt(0)!;
  let place = 0;
  while (/\p{Nd}/u.test(String.fromCodePoint(code - 1))) {
    code--;
    place++;
  }
  return String(place % 10);
}

const DIGITS = "\\d(?:_?\\d)*";
const INT_TEXT = new RegExp(
  `^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|${DIGITS})$`,
);
const FLOAT_TEXT = new RegExp(
  `^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`,
  "i",
);

function intError(value: string, base: number): ExprRuntimeError {
  return new ExprRuntimeError(
    `Cannot convert ${pyRepr(value)} to int: invalid literal for int() with base ${base}`,
    "ValueError",
  );
}

/** Python's `int(value, base)`: truncates numbers, parses strings, exactly at any size. */
export function toInt(value: Value, base: number | null = null): Int {
  if (base === null) {
    if (typeof value === "number") return floatToInt(value);
    if (value instanceof PyFloat) return floatToInt(value.value);
    if (typeof value === "bigint") return value;
    if (typeof value === "boolean") return value ? 1 : 0;
  }
  if (typeof value !== "string") {
    throw new ExprRuntimeError(
      base === null
        ? `int() needs a number or a string, not ${typeNameOf(value)}`
        : `int() with a base needs a string, not ${typeNameOf(value)}`,
      "TypeError",
    );
  }
  const radix = base ?? 10;
  if (radix !== 0 && (radix < 2 || radix > 36)) {
    throw new ExprRuntimeError("int() base must be 0 or between 2 and 36", "ValueError");
  }
  const parsed = parseIntText(numberText(value), radix);
  if (parsed === undefined) throw intError(value, radix);
  return parsed;
}

/**
 * An int argument where Python needs an integer (`__index__`): counts, widths, positions,
 * `round`'s digits. Bools count; a float is a TypeError, as in Python. A `bigint` becomes
 * its nearest number, which the caller's own bounds then refuse.
 */
export function toIndex(value: Value): number {
  if (typeof value === "number" && Number.isInteger(value)) return value + 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  throw new ExprRuntimeError(
    `'${typeNameOf(value)}' object cannot be interpreted as an integer`,
    "TypeError",
  );
}

function parseIntText(text: string, base: number): Int | undefined {
  if (base === 10) {
    if (!/^[+-]?\d(?:_?\d)*$/.test(text)) return undefined;
    return signed(text, parseIntDigits(text.replace(/^[+-]/, "").replaceAll("_", ""), 10));
  }
  if (base === 0) {
    if (!INT_TEXT.test(text)) return undefined;
    const body = text.replace(/^[+-]/, "").replaceAll("_", "").toLowerCase();
    if (/^0\d/.test(body) && /[1-9]/.test(body)) return undefined;
    const radix = { x: 16, o: 8, b: 2 }[body[1]] ?? 10;
    return signed(text, parseIntDigits(radix === 10 ? body : body.slice(2), radix));
  }
  let body = text.replace(/^[+-]/, "").toLowerCase();
  const prefix = { 16: "0x", 8: "0o", 2: "0b" }[base];
  if (prefix && body.startsWith(prefix)) body = body.slice(2).replace(/^_/, "");
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
  if (!/^[0-9a-z](?:_?[0-9a-z])*$/.test(body)) return undefined;
  body = body.replaceAll("_", "");
  if ([...body].some((ch) => !digits.includes(ch))) return undefined;
  return signed(text, parseIntDigits(body, base));
}

/** `n` with the sign `text` starts with (`-0` is `0`). */
function signed(text: string, n: Int): Int {
  if (!text.startsWith("-")) return n;
  return typeof n === "bigint" ? -n : 0 - n;
}

/**
 * Python's `float(value)` as a JS number: numbers, and strings such as `"1.5"`, `"1e3"`,
 * `"inf"`, `"nan"` (the caller boxes a whole result, see `floatValue`).
 */
export function toFloat(value: Value): number {
  if (typeof value === "number") return value + 0;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "bigint") return intToFloat(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") {
    throw new ExprRuntimeError(
      `float() needs a number or a string, not ${typeNameOf(value)}`,
      "TypeError",
    );
  }
  const text = numberText(value);
  if (!FLOAT_TEXT.test(text)) {
    throw new ExprRuntimeError(
      `Cannot convert ${pyRepr(value)} to float: could not convert string to float`,
      "ValueError",
    );
  }
  const sign = text.startsWith("-") ? -1 : 1;
  const body = text.replace(/^[+-]/, "").toLowerCase();
  if (body === "nan") return NaN;
  if (body === "inf" || body === "infinity") return sign * Infinity;
  return Number(text.replaceAll("_", ""));
}
