/**
 * The sizes the language lets a value reach. Python builds strings and lists of any size and
 * integers of any magnitude until memory runs out; a config must not be able to do that to a
 * server (`'a' * 10**10`, a block doubling a string thirty times), at run time or while its
 * constants are folded. Every operation that can grow a value checks the size it would make
 * before making it, and fails with `too-large` at the expression's position.
 *
 * @module
 */
import { ExprRuntimeError } from "./runtime_error.ts";

/** The most characters of a string, and items of a list, an expression may build: 1 MiB. */
export const MAX_SEQUENCE_LENGTH = 1 << 20;

/** A value that would pass the language's size bounds. */
export class TooLargeError extends ExprRuntimeError {
  /** The diagnostic code of this failure. */
  readonly code = "too-large";
  constructor(message: string) {
    super(message);
    this.name = "TooLargeError";
  }
}

/**
 * Fails when `length` characters (or items) are more than a value may hold; `what` says what
 * would have made them (`"'a' * 10000000000"` is shown as `str * int`).
 */
export function checkLength(length: number, kind: "str" | "list", what: string): void {
  if (length <= MAX_SEQUENCE_LENGTH) return;
  const unit = kind === "str" ? "characters" : "items";
  const size = Number.isFinite(length) ? Math.round(length).toLocaleString("en-US") : "endless";
  throw new TooLargeError(
    `${what} would make a ${kind} of ${size} ${unit}; values are limited to ` +
      `${MAX_SEQUENCE_LENGTH.toLocaleString("en-US")} ${unit}`,
  );
}

/**
 * The most decimal digits an int may have: 4,300, Python's own limit for turning an int into
 * text (`sys.int_info.default_max_str_digits`), so every int we hold prints as CPython would
 * print it. Python computes with larger ints; a config that needs one is refused.
 */
export const MAX_INT_DIGITS = 4300;

/** Bits of the largest int allowed (10^4300 - 1): what the estimates before computing compare to. */
export const MAX_INT_BITS = 14_285;

/** 10^4300: every allowed int is strictly between its negation and it. */
const INT_LIMIT = 10n ** BigInt(MAX_INT_DIGITS);

/** Whether a bigint is within the bound on ints. */
export function intFits(n: bigint): boolean {
  return n < INT_LIMIT && n > -INT_LIMIT;
}

/**
 * Fails when an int of about `bits` bits would pass the bound; `what` says what would have
 * made it (`int ** int`). Called with an estimate before computing, or with the result's size.
 */
export function checkIntBits(bits: number, what: string): void {
  if (bits > MAX_INT_BITS) throw intTooLarge(bits, what);
}

/** Fails when an int of `digits` decimal digits would pass the bound. */
export function checkIntDigits(digits: number, what: string): void {
  if (digits > MAX_INT_DIGITS) {
    throw intTooLargeText(`${digits.toLocaleString("en-US")} digits`, what);
  }
}

/** The error for an int of about `bits` bits past the bound, made by `what`. */
export function intTooLarge(bits: number, what: string): TooLargeError {
  return intTooLargeText(digitsText(bits), what);
}

function intTooLargeText(size: string, what: string): TooLargeError {
  return new TooLargeError(
    `${what} would make an int of ${size}; ints are limited to ` +
      `${MAX_INT_DIGITS.toLocaleString("en-US")} digits (Python's limit for printing one)`,
  );
}

/** "about 1,234 digits" for a number of bits, "endless" digits for an infinite estimate. */
function digitsText(bits: number): string {
  if (!Number.isFinite(bits)) return "endless digits";
  const digits = Math.floor((bits - 1) * Math.LOG10E * Math.LN2) + 1;
  return `about ${digits.toLocaleString("en-US")} digits`;
}

/** The diagnostic code for a failure while folding constants: `too-large`, or `bad-value`. */
export function foldErrorCode(error: unknown): string {
  return error instanceof TooLargeError ? error.code : "bad-value";
}

/**
 * How deeply expressions may nest: parentheses, lists, calls, unary operators, `not`,
 * conditionals and `elif`s each add a level. Python's own parser stops at 200 parentheses.
 */
export const MAX_NESTING = 200;

/**
 * How deep an expression's tree may be, chains included: `a + b + c` is a tree as deep as its
 * operators are many, and compiling walks it recursively.
 */
export const MAX_TREE_DEPTH = 1000;
