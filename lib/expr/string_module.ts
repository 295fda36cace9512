/**
 * Python's `string` module: the character sets (`string.ascii_uppercase`, `string.digits`...),
 * handy with `random.choice` and `random.choices`, and `string.capwords`.
 *
 * @module
 */
import type { FunctionSpec } from "./function_spec.ts";
import { pySplit } from "./methods.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./host.ts";
import type { StaticType, Value } from "./values.ts";

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const DIGITS = "0123456789";
const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
const WHITESPACE = " \t\n\r\x0b\x0c";

function text(value: Value): { value: Value; type: StaticType } {
  return { value, type: "str" };
}

/** `string.ascii_letters` and the other constants. */
export const STRING_CONSTANTS: Readonly<Record<string, { value: Value; type: StaticType }>> = {
  ascii_letters: text(LOWER + UPPER),
  ascii_lowercase: text(LOWER),
  ascii_uppercase: text(UPPER),
  digits: text(DIGITS),
  hexdigits: text(DIGITS + "abcdefABCDEF"),
  octdigits: text("01234567"),
  punctuation: text(PUNCTUATION),
  whitespace: text(WHITESPACE),
  printable: text(DIGITS + LOWER + UPPER + PUNCTUATION + WHITESPACE),
};

/** `string.<name>(...)`. */
export const STRING_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  capwords: {
    summary: "Each word capitalised, words split on `sep` (default: runs of whitespace).",
    params: ["s", ["sep", null]],
    pure: true,
    returns: "str",
    impl(_: CellContext, s: Value, sep: Value) {
      if (typeof s !== "string") throw new ExprRuntimeError("string.capwords() needs a string");
      const words = pySplit(s, sep, -1);
      const capitalised = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
      return capitalised.join(sep === null ? " " : String(sep));
    },
  },
};
