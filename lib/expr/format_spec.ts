/**
 * The format-spec mini-language (`format(x, ".2f")`, f-string fields, `str.format` fields),
 * with CPython's rules for each type (`int.__format__`, `float.__format__`,
 * `str.__format__`...) and its errors where a spec does not fit the value; and `ascii()`.
 * (`str.format` is in `str_format.ts`, printf-style `%` in `percent_format.ts`.)
 *
 * Floats are rounded exactly, ties to even, as CPython's dtoa does (`f"{0.125:.2f}"` is
 * `0.12`, `f"{0.125:.1e}"` is `1.2e-01`), not with JavaScript's half-up ties.
 *
 * @module
 */
import { checkLength } from "./limits.ts";
import { strftime } from "./datetime_text.ts";
import { floatRepr, shortestDigits } from "./float_repr.ts";
import { intToFloat } from "./integers.ts";
import { decompose, pyRound } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { PyDate, PyTime } from "./datetime_values.ts";
import { PyFloat, pyRepr, pyStr, typeNameOf, type Value } from "./values.ts";
import { PyObject } from "./py_object.ts";

/** A parsed format spec: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`. */
export interface FormatSpec {
  fill: string;
  align?: "<" | ">" | "^" | "=";
  /** Whether the alignment was written (not implied by the `0` flag). */
  alignGiven: boolean;
  sign: "-" | "+" | " ";
  /** Whether a sign option was written (`-` included). */
  signGiven: boolean;
  /** `z`: a negative zero after rounding prints as zero. */
  coerceZero: boolean;
  alternate: boolean;
  zero: boolean;
  width: number;
  grouping?: "," | "_";
  precision?: number;
  type: string;
}

const SPEC =
  /^(?:(.)?([<>^=]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/** Python's `ValueError` with `message`. */
export function valueError(message: string): ExprRuntimeError {
  return new ExprRuntimeError(message, "ValueError");
}

/** Specs parsed lately: an f-string field formats with the same spec in every cell. */
const PARSED = new Map<string, FormatSpec>();

/** Parses a format spec; throws with a clear message when it is malformed. */
export function parseSpec(spec: string): FormatSpec {
  let parsed = PARSED.get(spec);
  if (parsed === undefined) {
    parsed = parseSpecText(spec);
    if (PARSED.size >= 1000) PARSED.clear();
    PARSED.set(spec, parsed);
  }
  return parsed;
}

function parseSpecText(spec: string): FormatSpec {
  const m = SPEC.exec(spec);
  if (!m) throw valueError(`Invalid format spec ${JSON.stringify(spec)}`);
  if (m[7]) checkLength(Number(m[7]), "str", `The format width ${m[7]}`);
  if (m[9]) checkLength(Number(m[9]), "str", `The format precision .${m[9]}`);
  return {
    fill: m[1] ?? (m[6] ? "0" : " "),
    align: (m[2] as FormatSpec["align"]) ?? (m[6] ? "=" : undefined),
    alignGiven: m[2] !== undefined,
    sign: (m[3] as FormatSpec["sign"]) ?? "-",
    signGiven: m[3] !== undefined,
    coerceZero: m[4] !== undefined,
    alternate: m[5] !== undefined,
    zero: m[6] !== undefined,
    width: m[7] ? Number(m[7]) : 0,
    grouping: m[8] as FormatSpec["grouping"],
    precision: m[9] !== undefined ? Number(m[9]) : undefined,
    type: m[10] ?? "",
  };
}

/**
 * Python's `format(value, spec)`: ints, floats and bools by the number rules, strings by the
 * text rules, dates and datetimes with the spec as a strftime format; other values only with
 * an empty spec, as `object.__format__` allows.
 *
 * @example
 * ```ts
 * formatValue(3.14159, ".2f"); // "3.14"
 * formatValue(42, ">6"); // "    42"
 * ```
 */
export function formatValue(value: Value, spec: string): string {
  if (spec === "") return pyStr(value);
  if (typeof value === "string") return formatText(value, parseSpec(spec));
  if (typeof value === "number" || typeof value === "bigint" || value instanceof PyFloat) {
    return formatNumberWith(value, parseSpec(spec));
  }
  if (typeof value === "boolean") return formatNumberWith(value ? 1 : 0, parseSpec(spec), "bool");
  if (value instanceof Date || value instanceof PyDate || value instanceof PyTime) {
    return strftime(value, spec);
  }
  if (value === null || value instanceof PyObject || Array.isArray(value)) {
    throw new ExprRuntimeError(
      `Cannot format a ${typeNameOf(value)} with the spec ${JSON.stringify(spec)}; ` +
        "convert it with str(...) first",
      "TypeError",
    );
  }
  return pyStr(value);
}

/** `str.__format__`: alignment, width and precision (a cut); no sign, `#`, grouping or `=`. */
function formatText(text: string, spec: FormatSpec): string {
  if (spec.type !== "" && spec.type !== "s") {
    throw valueError(`Unknown format code '${spec.type}' for object of type 'str'`);
  }
  if (spec.signGiven) throw valueError("Sign not allowed in string format specifier");
  if (spec.alternate) throw valueError("Alternate form (#) not allowed in string format specifier");
  if (spec.coerceZero) {
    throw valueError("Negative zero coercion (z) not allowed in format specifier");
  }
  if (spec.grouping) throw valueError(`Cannot specify '${spec.grouping}' with 's'.`);
  if (spec.align === "=" && spec.alignGiven) {
    throw valueError("'=' alignment not allowed in string format specifier");
  }
  const clipped = spec.precision !== undefined && [...text].length > spec.precision
    ? [...text].slice(0, spec.precision).join("")
    : text;
  const textSpec = spec.align === "=" ? { ...spec, align: "<" as const } : spec;
  return align(clipped, "", textSpec, "<");
}

/** The format types that print an int's digits (and `c`, its character). */
const INT_TYPES = new Set(["d", "b", "o", "x", "X", "c", "n"]);

/** The radix of each int format type that has one. */
export const RADIX: Record<string, number> = { b: 2, o: 8, x: 16, X: 16 };

/**
 * Formats a number with a parsed spec: an int (`int.__format__`; a bool's `owner` is
 * `"bool"`) or a float (`float.__format__`). An int beyond 2^53 keeps every digit.
 */
export function formatNumberWith(
  value: number | bigint | PyFloat,
  spec: FormatSpec,
  owner = "int",
): string {
  const isInt = typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
  if (isInt && (spec.type === "" || INT_TYPES.has(spec.type))) {
    return formatInt(value as number | bigint, spec);
  }
  if (!isInt && INT_TYPES.has(spec.type) && spec.type !== "n") {
    throw valueError(`Unknown format code '${spec.type}' for object of type 'float'`);
  }
  if (spec.type === "s") {
    throw valueError(`Unknown format code 's' for object of type '${isInt ? owner : "float"}'`);
  }
  // A float format of an int converts it, as Python does (OverflowError past 1.8e308).
  const x = value instanceof PyFloat
    ? value.value
    : typeof value === "bigint"
    ? intToFloat(value)
    : value;
  return formatFloat(x, spec);
}

function formatInt(n: number | bigint, spec: FormatSpec): string {
  const type = spec.type === "" || spec.type === "n" ? "d" : spec.type;
  if (spec.precision !== undefined) {
    throw valueError("Precision not allowed in integer format specifier");
  }
  if (spec.coerceZero) {
    throw valueError("Negative zero coercion (z) not allowed in integer format specifier");
  }
  if (spec.type === "n" && spec.grouping) {
    throw valueError(`Cannot specify '${spec.grouping}' with 'n'.`);
  }
  if (type === "c") {
    if (spec.signGiven) throw valueError("Sign not allowed with integer format specifier 'c'");
    if (spec.alternate) {
      throw valueError("Alternate form (#) not allowed with integer format specifier 'c'");
    }
    if (spec.grouping) throw valueError(`Cannot specify '${spec.grouping}' with 'c'.`);
    return align(codePointText(n), "", spec, ">");
  }
  if (spec.grouping === "," && type !== "d") throw valueError(`Cannot specify ',' with '${type}'.`);
  const negative = n < 0;
  const magnitude = typeof n === "bigint" ? (negative ? -n : n) : Math.abs(n);
  let body = magnitude.toString(RADIX[type] ?? 10);
  if (type === "X") body = body.toUpperCase();
  const prefix = spec.alternate && type !== "d" ? (type === "X" ? "0X" : "0" + type) : "";
  const sign = negative ? "-" : spec.sign === "-" ? "" : spec.sign;
  return finish(body, sign + prefix, spec, type);
}

/** `float.__format__`, with CPython's types: `e f g %`, `n` (as `g`) and none (`repr`-like). */
export function formatFloat(x: number, spec: FormatSpec): string {
  let type = spec.type === "n" ? "g" : spec.type;
  if (spec.type === "n" && spec.grouping) {
    throw valueError(`Cannot specify '${spec.grouping}' with 'n'.`);
  }
  let precision = spec.precision;
  // No type: repr without a precision, else `g` keeping at least one digit after the point.
  const addDotZero = type === "";
  if (type === "") type = precision === undefined ? "r" : "g";
  let value = x;
  let percent = false;
  if (type === "%") {
    value *= 100;
    type = "f";
    percent = true;
  }
  let body: string;
  const magnitude = Math.abs(value);
  if (!Number.isFinite(value)) {
    body = Number.isNaN(value) ? "nan" : "inf";
    if (type === "E" || type === "F" || type === "G") body = body.toUpperCase();
  } else {
    precision ??= 6;
    switch (type) {
      case "f":
      case "F":
        body = fixedText(magnitude, precision, spec.alternate);
        break;
      case "e":
      case "E":
        body = exponentText(magnitude, precision, spec.alternate);
        if (type === "E") body = body.toUpperCase();
        break;
      case "g":
      case "G":
        // With no type, exponent notation starts a digit earlier, to leave room for `.0`.
        body = generalText(magnitude, precision, spec.alternate, addDotZero);
        if (type === "G") body = body.toUpperCase();
        if (addDotZero && !/[.eE]/.test(body) && /\d$/.test(body)) body += ".0";
        break;
      default: // "r": Python's repr of a float
        body = floatRepr(magnitude);
        if (spec.alternate && !body.includes(".")) body = body.replace(/(e|$)/, ".$1");
    }
  }
  if (percent) body += "%";
  let negative = value < 0 || Object.is(value, -0);
  if (negative && spec.coerceZero && /^[0.]+(?:e[+-]\d+)?%?$/i.test(body)) negative = false;
  const sign = negative ? "-" : spec.sign === "-" ? "" : spec.sign;
  return finish(body, sign, spec, type);
}

/** Grouping, then padding (a zero padding is grouped too, as CPython groups it). */
function finish(body: string, prefix: string, spec: FormatSpec, type: string): string {
  if (spec.grouping && (INT_TYPES.has(type) || /^\d/.test(body))) {
    const every = type === "b" || type === "o" || type === "x" || type === "X" ? 4 : 3;
    // An int's digits are the whole body (`5_6bc7` in hex); a float's end at its point.
    const match = INT_TYPES.has(type) ? [body, body, ""] : /^(\d+)(.*)$/s.exec(body)!;
    let digits = match[1];
    const rest = match[2];
    if (spec.align === "=" && spec.fill === "0") {
      // Zeros fill the width, and are grouped like the digits: `f"{1234:010,}"` is `00,001,234`.
      const room = spec.width - prefix.length - [...rest].length;
      while (groupedLength(digits.length, every) < room) digits = "0" + digits;
    }
    return align(group(digits, spec.grouping, every) + rest, prefix, spec, ">");
  }
  return align(body, prefix, spec, ">");
}

function groupedLength(digits: number, every: number): number {
  return digits + Math.floor((digits - 1) / every);
}

function group(digits: string, separator: string, every: number): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % every === 0) out += separator;
    out += digits[i];
  }
  return out;
}

/** Format code `c`: the character of a code point. */
export function codePointText(code: number | bigint): string {
  if (code < 0 || code > 0x10ffff) {
    throw new ExprRuntimeError("%c arg not in range(0x110000)", "OverflowError");
  }
  return String.fromCodePoint(Number(code));
}

/** `|x|` with `precision` digits after the point, rounded exactly, ties to even. */
function fixedText(x: number, precision: number, alternate: boolean): string {
  let text: string;
  if (precision <= 15 && x < 1e15) {
    // Rounded exactly first, the float is the nearest to a short decimal: toFixed prints it.
    text = pyRound(x, precision).toFixed(precision);
  } else {
    const digits = scaledDigits(x, precision);
    text = precision === 0
      ? digits
      : digits.padStart(precision + 1, "0").replace(new RegExp(`(\\d{${precision}})$`), ".$1");
  }
  return alternate && precision === 0 ? text + "." : text;
}

/** `|x|` in exponent notation with `precision` digits after the point, exactly rounded. */
function exponentText(x: number, precision: number, alternate: boolean): string {
  const [digits, exponent] = significant(x, precision + 1);
  const mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
  const abs = Math.abs(exponent);
  const point = alternate && precision === 0 ? "." : "";
  return `${mantissa}${point}e${exponent < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
}

/** `g`: `precision` significant digits, positional from 1e-4 to 10^precision, trailing zeros cut. */
function generalText(x: number, precision: number, alternate: boolean, dotZero = false): string {
  const p = precision === 0 ? 1 : precision;
  // Zero is the digit 0 at exponent 0, under the same rule as other values.
  const [digits, exponent] = x === 0 ? ["0".repeat(p), 0] : significant(x, p);
  let text: string;
  if (exponent >= -4 && exponent < (dotZero ? p - 1 : p)) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
      const fraction = digits.slice(exponent + 1);
      text = fraction || alternate ? `${whole}.${fraction}` : whole;
    } else {
      text = `0.${"0".repeat(-exponent - 1)}${digits}`;
    }
    if (!alternate && text.includes(".")) text = text.replace(/\.?0+$/, "");
    return text;
  }
  let mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
  if (!alternate) mantissa = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  else if (!mantissa.includes(".")) mantissa += ".";
  const abs = Math.abs(exponent);
  return `${mantissa}e${exponent < 0 ? "-" : "+"}${abs < 10 ? "0" : ""}${abs}`;
}

/** The digits of `round(x × 10^scale)` (x ≥ 0), exactly, ties to even. */
function scaledDigits(x: number, scale: number): string {
  if (x === 0) return "0";
  const [mantissa, exponent] = decompose(x);
  let numerator = mantissa;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  if (scale >= 0) numerator *= 10n ** BigInt(scale);
  else denominator *= 10n ** BigInt(-scale);
  let k = numerator / denominator;
  const twice = 2n * (numerator - k * denominator);
  if (twice > denominator || (twice === denominator && (k & 1n) === 1n)) k += 1n;
  return k.toString();
}

/** `count` significant digits of `x > 0`, exactly rounded (ties to even), and the exponent of the first. */
function significant(x: number, count: number): [string, number] {
  if (x === 0) return ["0".repeat(count), 0];
  // The exponent of the first digit, floor(log10 x): the shortest digits' exponent, one less
  // when those round up to a power of ten (9.9999e-321 is shortest as 1e-320).
  let exponent = shortestDigits(x)[1];
  if (belowPowerOfTen(x, exponent)) exponent -= 1;
  const digits = scaledDigits(x, count - 1 - exponent);
  // Rounded up to the next power of ten: one digit more, its exponent one higher.
  return digits.length > count ? [digits.slice(0, count), exponent + 1] : [digits, exponent];
}

/** Whether `x < 10^e`, exactly. */
function belowPowerOfTen(x: number, e: number): boolean {
  const [mantissa, exponent] = decompose(x);
  // mantissa × 2^exponent < 10^e
  let left = mantissa, right = 1n;
  if (exponent >= 0) left <<= BigInt(exponent);
  else right <<= BigInt(-exponent);
  if (e >= 0) right *= 10n ** BigInt(e);
  else left *= 10n ** BigInt(-e);
  return left < right;
}

/** Pads `prefix + body` to the spec's width, by its alignment (or `defaultAlign`) and fill. */
export function align(
  body: string,
  prefix: string,
  spec: FormatSpec,
  defaultAlign: "<" | ">",
): string {
  const length = [...body].length + prefix.length;
  const padding = Math.max(0, spec.width - length);
  if (padding === 0) return prefix + body;
  const fill = spec.fill;
  switch (spec.align ?? defaultAlign) {
    case "<":
      return prefix + body + fill.repeat(padding);
    case "^": {
      const left = Math.floor(padding / 2);
      return fill.repeat(left) + prefix + body + fill.repeat(padding - left);
    }
    case "=":
      return prefix + fill.repeat(padding) + body;
    default:
      return fill.repeat(padding) + prefix + body;
  }
}

/** Python's `ascii(x)`: `repr(x)` with every non-ASCII character escaped. */
export function asciiRepr(value: Value): string {
  return pyRepr(value).replace(/[\u0080-\u{10ffff}]/gu, (ch) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x100) return "\\x" + code.toString(16).padStart(2, "0");
    if (code < 0x10000) return "\\u" + code.toString(16).padStart(4, "0");
    return "\\U" + code.toString(16).padStart(8, "0");
  });
}
