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
