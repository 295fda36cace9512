/**
 * Python's ints beyond 2^53: exact arithmetic on `bigint`, the bound on their size, and their
 * conversions to floats and back.
 *
 * An int is a JS number while it is a safe integer (|n| <= 2^53 - 1): that is the fast path
 * every operator tries first, in plain float arithmetic, which is exact there. Beyond, it is a
 * `bigint`, and every function here hands results back in that canonical form
 * ({@link exactInt}): a result that is safe again becomes a number. So a `bigint` is always an
 * int too large for a number, and a number that is not a safe integer is always a float.
 *
 * Nothing here runs on small ints: the operators reach it only when a result leaves the safe
 * range or an operand is a `bigint`.
 *
 * @module
 */
import { checkIntBits, checkIntDigits, intFits, intTooLarge } from "./limits.ts";
import { ExprRuntimeError } from "./runtime_error.ts";

/** An int as the evaluator holds it: a safe-integer number or a larger `bigint`. */
export type Int = number | bigint;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The canonical form of an exact int: a number when it is safe, else the `bigint` itself,
 * refused with `too-large` past the bound on ints (`what` names the operation).
 */
export function exactInt(n: bigint, what: string): Int {
  if (n <= MAX_SAFE && n >= -MAX_SAFE) return Number(n);
  if (!intFits(n)) throw intTooLarge(bitLength(n), what);
  return n;
}

/** Whether a value is an int the exact paths take: a safe-integer number or a `bigint`. */
export function isExactInt(value: unknown): value is Int {
  return typeof value === "bigint" || Number.isSafeInteger(value);
}

/** The number of bits of `|n|` (Python's `int.bit_length()`). */
export function bitLength(n: Int): number {
  if (typeof n === "number") {
    const abs = Math.abs(n);
    return abs < 2 ** 31 ? 32 - Math.clz32(abs) : bitLength(BigInt(abs));
  }
  const hex = (n < 0n ? -n : n).toString(16);
  if (hex === "0") return 0;
  return (hex.length - 1) * 4 + 32 - Math.clz32(parseInt(hex[0], 16));
}

/** `a + b` of two ints, exactly. */
export function intAdd(a: Int, b: Int): Int {
  return exactInt(BigInt(a) + BigInt(b), "int + int");
}

/** `a - b` of two ints, exactly. */
export function intSubtract(a: Int, b: Int): Int {
  return exactInt(BigInt(a) - BigInt(b), "int - int");
}

/**
 * `a * b` of two ints, exactly. Both are within the bound, so the product has at most twice
 * its digits: cheap to compute before it is checked.
 */
export function intMultiply(a: Int, b: Int): Int {
  return exactInt(BigInt(a) * BigInt(b), "int * int");
}

/** `a // b` of two ints: floored, exactly (`b` is not zero). */
export function intFloorDivide(a: Int, b: Int): Int {
  const x = BigInt(a), y = BigInt(b);
  let q = x / y; // truncated toward zero
  if ((x % y !== 0n) && ((x < 0n) !== (y < 0n))) q -= 1n;
  return exactInt(q, "int // int");
}

/** `a % b` of two ints: the sign of `b`, exactly (`b` is not zero). */
export function intModulo(a: Int, b: Int): Int {
  const x = BigInt(a), y = BigInt(b);
  let r = x % y; // the sign of x
  if (r !== 0n && (r < 0n) !== (y < 0n)) r += y;
  return exactInt(r, "int % int");
}

/**
 * `base ** exp` of two ints with `exp >= 0`, exactly. The size of the result is known before
 * computing it (`exp × log2|base|` bits), so `10 ** 10 ** 10` is refused at once.
 */
export function intPower(base: Int, exp: Int): Int {
  const x = BigInt(base), y = BigInt(exp);
  if (x === 0n || x === 1n || y === 0n) return y === 0n ? 1 : Number(x);
  if (x === -1n) return y % 2n === 0n ? 1 : -1;
  // The result has floor(exp × log2|base|) + 1 bits: more than the bound is refused before
  // anything is computed, and less bounds the work to a few multiplications of bounded ints.
  checkIntBits(Math.floor(Number(y) * log2Abs(x)) + 1, "int ** int");
  return exactInt(x ** y, "int ** int");
}

/** `log2(|n|)` of an int of any size, to a float's precision. */
function log2Abs(n: Int): number {
  const big = BigInt(n) < 0n ? -BigInt(n) : BigInt(n);
  const shift = Math.max(0, bitLength(big) - 64);
  return Math.log2(Number(big >> BigInt(shift))) + shift;
}

/**
 * Python's `float(n)` of a large int: the nearest float, ties to even (what `Number` does),
 * or OverflowError when it rounds beyond the largest float.
 */
export function intToFloat(n: bigint): number {
  const x = Number(n);
  if (!Number.isFinite(x)) {
    throw new ExprRuntimeError(
      `The int ${shortText(n)} is too large to convert to a float; floats reach about 1.8e308`,
      "OverflowError",
    );
  }
  return x;
}

/**
 * Python's `int(x)` of a float: toward zero, exactly. A float beyond 2^53 is a whole number,
 * and becomes the `bigint` of its exact value (`int(1e20) == 100000000000000000000`).
 */
export function floatToInt(x: number): Int {
  const whole = Math.trunc(x);
  if (Number.isSafeInteger(whole)) return whole + 0; // + 0 turns -0 into 0
  if (!Number.isFinite(x)) {
    throw Number.isNaN(x)
      ? new ExprRuntimeError("Cannot convert float nan to an int", "ValueError")
      : new ExprRuntimeError(
        `Cannot convert float ${x > 0 ? "inf" : "-inf"} to an int`,
        "OverflowError",
      );
  }
  return BigInt(whole);
}

/**
 * Python's `a / b` of two ints: the exact quotient rounded once to the nearest float (ties
 * to even), not `float(a) / float(b)`, which rounds three times and overflows on large ints
 * whose quotient is small. OverflowError when the quotient is too large for a float.
 */
export function intTrueDivide(a: Int, b: Int): number {
  let x = BigInt(a), y = BigInt(b);
  if (x === 0n) return y < 0n ? -0 : 0; // 0 / -5 is -0.0
  const negative = (x < 0n) !== (y < 0n);
  if (x < 0n) x = -x;
  if (y < 0n) y = -y;
  // e = floor(log2(x / y)): the quotient is in [2^e, 2^(e+1)).
  let e = bitLength(x) - bitLength(y);
  if (e >= 0 ? x < y << BigInt(e) : x << BigInt(-e) < y) e -= 1;
  if (e > 1023) throw quotientOverflow();
  // Keep 53 significant bits (fewer for a subnormal result, whose last bit is 2^-1074) in an
  // integer q, so that q × 2^-shift is the result, then round q once, on the remainder.
  const shift = Math.min(52 - e, 1074);
  const numerator = shift >= 0 ? x << BigInt(shift) : x;
  const denominator = shift >= 0 ? y : y << BigInt(-shift);
  let q = numerator / denominator;
  const twice = 2n * (numerator - q * denominator);
  if (twice > denominator || (twice === denominator && (q & 1n) === 1n)) q += 1n;
  const magnitude = scaleByPowerOfTwo(Number(q), -shift);
  if (!Number.isFinite(magnitude)) throw quotientOverflow();
  return negative ? -magnitude : magnitude;
}

/** `m × 2^k` exactly where the result is a float: in two steps when 2^k alone is not one. */
function scaleByPowerOfTwo(m: number, k: number): number {
  if (k >= -1022) return m * 2 ** k;
  return m * 2 ** (k + 600) * 2 ** -600;
}

function quotientOverflow(): ExprRuntimeError {
  return new ExprRuntimeError(
    "The quotient is too large for a float; use // for an exact int",
    "OverflowError",
  );
}

/**
 * The int of a string of digits in `radix` (2 to 36), without sign, prefix or underscores:
 * its size is checked from the number of digits before any is converted (`what` names the
 * conversion in the message).
 */
export function parseIntDigits(digits: string, radix: number, what = "int()"): Int {
  const significant = digits.replace(/^0+/, "");
  if (radix === 10) checkIntDigits(significant.length, what);
  checkIntBits(Math.floor((significant.length - 1) * Math.log2(radix)) + 1, what);
  if (significant.length <= 10 || (radix === 10 && significant.length <= 15)) {
    return parseInt(digits, radix);
  }
  const prefix = radix === 10 ? "" : { 2: "0b", 8: "0o", 16: "0x" }[radix];
  if (prefix !== undefined) return exactInt(BigInt(prefix + significant), what);
  // Other radices: chunks of 10 digits, each exact as a number (36^10 < 2^53).
  let n = 0n;
  for (let at = 0; at < significant.length; at += 10) {
    const chunk = significant.slice(at, at + 10);
    n = n * BigInt(radix) ** BigInt(chunk.length) + BigInt(parseInt(chunk, radix));
  }
  return exactInt(n, what);
}

/** An int's text for messages: whole when short, else its first digits and its length. */
export function shortText(n: Int): string {
  const text = String(n);
  if (text.length <= 40) return text;
  const digits = text.replace("-", "").length;
  return `${text.slice(0, 20)}… (${digits.toLocaleString("en-US")} digits)`;
}

/**
 * A conservative estimate of the bits of `n!` (Stirling's formula, rounded down a little),
 * so that `math.factorial(100000)` is refused before it is computed.
 */
export function factorialBits(n: number): number {
  if (n < 2) return 1;
  const ln = n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n);
  return Math.floor(ln / Math.LN2) - 1;
}
