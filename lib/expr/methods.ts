/**
 * Methods of values: `"x".upper()`, `d.get("k")`, `date.isoformat()`... as tables of
 * {@link FunctionSpec}s keyed by the receiver's type. Each `impl` receives the receiver as
 * its first value.
 *
 * @module
 */
import { checkLength } from "./limits.ts";
import { iterate } from "./builtins.ts";
import {
  type AttributeSpec,
  DATE_ATTRIBUTES,
  DATE_METHODS,
  DATETIME_ATTRIBUTES,
  DATETIME_METHODS,
  TIME_ATTRIBUTES,
  TIME_METHODS,
  TIMEDELTA_ATTRIBUTES,
  TIMEDELTA_METHODS,
  TIMEZONE_METHODS,
} from "./datetime_methods.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { joinTypes } from "./compiled_node.ts";
import { sameItem } from "./comparison.ts";
import { typeName } from "./operators.ts";
import { toIndex } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./host.ts";
import {
  dictViewOf,
  isDict,
  type PyDict,
  PyDictView,
  pyRepr,
  PyTuple,
  tupleOf,
  type Value,
} from "./values.ts";
import { PyDate, PyTime, PyTimedelta, PyTimezone } from "./datetime_values.ts";

/** The receiver kinds that have methods. */
export type ReceiverKind =
  | "str"
  | "list"
  | "tuple"
  | "dict"
  | "date"
  | "datetime"
  | "timedelta"
  | "timezone"
  | "time";

/** The kind of a run-time value, or undefined for values without methods. */
export function kindOf(value: Value): ReceiverKind | undefined {
  if (typeof value === "string") return "str";
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    if (value instanceof PyDictView) return undefined;
    return value instanceof PyTuple ? "tuple" : "list"; // a range has a list's methods
  }
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (value instanceof PyTimedelta) return "timedelta";
  if (value instanceof PyTimezone) return "timezone";
  if (value instanceof PyTime) return "time";
  return isDict(value) ? "dict" : undefined;
}

function text(fn: string, value: Value): string {
  if (typeof value !== "string") {
    throw new ExprRuntimeError(
      `str.${fn}() needs a string argument, not ${typeName(value)}`,
      "TypeError",
    );
  }
  return value;
}

/** Python's whitespace (`str.isspace()`), which `split()` and `strip()` use. */
const SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const IS_SPACE = new RegExp(`^[${SPACE}]$`);
const ALL_SPACE = new RegExp(`^[${SPACE}]+$`);
const SPACE_RUN = new RegExp(`[${SPACE}]+`);
const LEADING_SPACE = new RegExp(`^[${SPACE}]+`);

function stripSet(chars: Value): (ch: string) => boolean {
  if (chars === null) return (ch) => IS_SPACE.test(ch);
  const set = new Set(text("strip", chars));
  return (ch) => set.has(ch);
}

function stripStart(s: string, strip: (ch: string) => boolean): string {
  let i = 0;
  for (const ch of s) {
    if (!strip(ch)) break;
    i += ch.length;
  }
  return s.slice(i);
}

function stripEnd(s: string, strip: (ch: string) => boolean): string {
  const chars = [...s];
  let i = chars.length;
  while (i > 0 && strip(chars[i - 1])) i--;
  return chars.slice(0, i).join("");
}

/** Python's `str.split(sep, maxsplit)`: no `sep` splits on runs of whitespace. */
export function pySplit(s: string, sep: Value, maxsplit: Value): string[] {
  const limit = maxsplit === null ? -1 : toIndex(maxsplit);
  if (sep === null) {
    const out: string[] = [];
    let rest = s.replace(LEADING_SPACE, "");
    while (rest !== "") {
      if (limit >= 0 && out.length === limit) {
        out.push(rest); // the rest keeps its trailing whitespace, as in Python
        break;
      }
      const m = SPACE_RUN.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const separator = text("split", sep);
  if (separator === "") throw new ExprRuntimeError("Empty separator", "ValueError");
  const parts = s.split(separator);
  if (limit < 0 || parts.length <= limit + 1) return parts;
  return [...parts.slice(0, limit), parts.slice(limit).join(separator)];
}

/** Characters whose title case is neither their upper case nor themselves (`ß` is `Ss`). */
const TITLE_CASE = new Map<string, string>([
  ["\u00df", "Ss"],
  ["\u01c4", "\u01c5"],
  ["\u01c6", "\u01c5"],
  ["\u01c7", "\u01c8"],
  ["\u01c9", "\u01c8"],
  ["\u01ca", "\u01cb"],
  ["\u01cc", "\u01cb"],
  ["\u01f1", "\u01f2"],
  ["\u01f3", "\u01f2"],
  ["\u0587", "\u0535\u0582"],
  ["\u1f80", "\u1f88"],
  ["\u1f81", "\u1f89"],
  ["\u1f82", "\u1f8a"],
  ["\u1f83", "\u1f8b"],
  ["\u1f84", "\u1f8c"],
  ["\u1f85", "\u1f8d"],
  ["\u1f86", "\u1f8e"],
  ["\u1f87", "\u1f8f"],
  ["\u1f90", "\u1f98"],
  ["\u1f91", "\u1f99"],
  ["\u1f92", "\u1f9a"],
  ["\u1f93", "\u1f9b"],
  ["\u1f94", "\u1f9c"],
  ["\u1f95", "\u1f9d"],
  ["\u1f96", "\u1f9e"],
  ["\u1f97", "\u1f9f"],
  ["\u1fa0", "\u1fa8"],
  ["\u1fa1", "\u1fa9"],
  ["\u1fa2", "\u1faa"],
  ["\u1fa3", "\u1fab"],
  ["\u1fa4", "\u1fac"],
  ["\u1fa5", "\u1fad"],
  ["\u1fa6", "\u1fae"],
  ["\u1fa7", "\u1faf"],
  ["\u1fb2", "\u1fba\u0345"],
  ["\u1fb3", "\u1fbc"],
  ["\u1fb4", "\u0386\u0345"],
  ["\u1fb7", "\u0391\u0342\u0345"],
  ["\u1fc2", "\u1fca\u0345"],
  ["\u1fc3", "\u1fcc"],
  ["\u1fc4", "\u0389\u0345"],
  ["\u1fc7", "\u0397\u0342\u0345"],
  ["\u1ff2", "\u1ffa\u0345"],
  ["\u1ff3", "\u1ffc"],
  ["\u1ff4", "\u038f\u0345"],
  ["\u1ff7", "\u03a9\u0342\u0345"],
  ["\ufb00", "Ff"],
  ["\ufb01", "Fi"],
  ["\ufb02", "Fl"],
  ["\ufb03", "Ffi"],
  ["\ufb04", "Ffl"],
  ["\ufb05", "St"],
  ["\ufb06", "St"],
  ["\ufb13", "\u0544\u0576"],
  ["\ufb14", "\u0544\u0565"],
  ["\ufb15", "\u0544\u056b"],
  ["\ufb16", "\u054e\u0576"],
  ["\ufb17", "\u0544\u056d"],
]);

/** Characters that are their own title case, though their upper case differs. */
const TITLE_SELF =
  /[\u01c5\u01c8\u01cb\u01f2\u10d0-\u10fa\u10fd-\u10ff\u1f88-\u1f8f\u1f98-\u1f9f\u1fa8-\u1faf\u1fbc\u1fcc\u1ffc]/;

/** Python's title case of one character (`'ß'` is `'Ss'`, `'ǆ'` is `'ǅ'`). */
function titleCase(ch: string): string {
  return TITLE_CASE.get(ch) ?? (TITLE_SELF.test(ch) ? ch : ch.toUpperCase());
}

const CASED = /\p{Cased}/u;
const UPPER = /\p{Uppercase}/u;
const LOWER = /\p{Lowercase}/u;
const TITLE = /\p{Lt}/u;

const CASE_IGNORABLE = /\p{Case_Ignorable}/u;

/**
 * The lower case of `chars[i]` in its context: a capital sigma is a final sigma (`ς`) after a
 * cased letter that is not followed by one, as Python (and Unicode) lower it.
 */
function lowerAt(chars: readonly string[], i: number): string {
  const ch = chars[i];
  if (ch !== "\u03a3") return ch.toLowerCase();
  let j = i - 1;
  while (j >= 0 && CASE_IGNORABLE.test(chars[j])) j--;
  let final = j >= 0 && CASED.test(chars[j]);
  if (final) {
    j = i + 1;
    while (j < chars.length && CASE_IGNORABLE.test(chars[j])) j++;
    final = j === chars.length || !CASED.test(chars[j]);
  }
  return final ? "\u03c2" : "\u03c3";
}

/** Python's `str.title()`: a cased character after an uncased one is title case, others lower. */
export function pyTitle(s: string): string {
  const chars = [...s];
  let out = "";
  let previousCased = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    out += previousCased ? lowerAt(chars, i) : titleCase(ch);
    previousCased = CASED.test(ch);
  }
  return out;
}

/** Python's `str.isupper()` (`islower()` with `lower`): no character of the other case, one of this. */
function isCase(s: string, lower: boolean): boolean {
  const [want, other] = lower ? [LOWER, UPPER] : [UPPER, LOWER];
  let found = false;
  for (const ch of s) {
    if (other.test(ch) || TITLE.test(ch)) return false;
    if (!found && want.test(ch)) found = true;
  }
  return found;
}

/** Characters `str.isdigit()` accepts besides the decimal digits: superscripts, circled digits... */
const OTHER_DIGITS =
  "\\u00b2\\u00b3\\u00b9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079\\u2080-\\u2089\\u2460-\\u2468" +
  "\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd\\u24ff\\u2776-\\u277e\\u2780-\\u2788" +
  "\\u278a-\\u2792\\u{10a40}-\\u{10a43}\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}";
const ALL_DIGITS = new RegExp(`^[\\p{Nd}${OTHER_DIGITS}]+$`, "u");

/** A string's code points, as Python indexes it. */
function codePoints(s: string): string[] {
  return [...s];
}

/** The code point index of a UTF-16 index into `s`. */
function pointIndex(s: string, unit: number): number {
  return unit < 0 || !/[\uD800-\uDFFF]/.test(s) ? unit : [...s.slice(0, unit)].length;
}

function pad(
  s: string,
  width: Value,
  fill: Value,
  where: "left" | "right" | "center",
  name = where === "left" ? "rjust" : where === "right" ? "ljust" : "center",
): string {
  const w = toIndex(width);
  const f = text("pad", fill);
  if ([...f].length !== 1) {
    throw new ExprRuntimeError("The fill character must be exactly one character");
  }
  const length = [...s].length;
  if (w <= length) return s;
  checkLength(s.length + (w - length) * f.length, "str", `str.${name}(${w})`);
  const margin = w - length;
  if (where === "left") return f.repeat(margin) + s;
  if (where === "right") return s + f.repeat(margin);
  // CPython's rounding: odd margins go left when the width is odd.
  const left = Math.floor(margin / 2) + (margin & w & 1);
  return f.repeat(left) + s + f.repeat(margin - left);
}

/**
 * The parts `str.replace` joins when `old` is empty: Python inserts `new` before every
 * character and at the end, so the parts are an empty string, each character, and another
 * empty string.
 */
function emptySplit(s: string): string[] {
  return ["", ...s, ""];
}

function prefixes(fn: string, value: Value): string[] {
  if (value instanceof PyTuple) return value.map((v) => text(fn, v));
  if (typeof value !== "string") {
    throw new ExprRuntimeError(
      `str.${fn}() takes a str or a tuple of them, not ${typeName(value)}` +
        (Array.isArray(value) ? ": write the list as a tuple, `(...)`" : ""),
      "TypeError",
    );
  }
  return [value];
}

type StrImpl = (ctx: CellContext, self: Value, ...args: Value[]) => Value;

function method(
  summary: string,
  params: FunctionSpec["params"],
  returns: FunctionSpec["returns"],
  impl: StrImpl,
): FunctionSpec {
  return { summary, params, returns, pure: true, impl };
}

const s = (self: Value) => self as string;

/** Methods of strings. */
export const STR_METHODS: Readonly<Record<string, FunctionSpec>> = {
  upper: method("Upper case.", [], "str", (_, self) => s(self).toUpperCase()),
  lower: method("Lower case.", [], "str", (_, self) => s(self).toLowerCase()),
  title: method("Each word capitalised.", [], "str", (_, self) => pyTitle(s(self))),
  capitalize: method("First character title case, the rest lower case.", [], "str", (_, self) => {
    const [first = ""] = s(self);
    // The rest lowered in the context of the whole string (a final sigma).
    return titleCase(first) + s(self).toLowerCase().slice(first.toLowerCase().length);
  }),
  swapcase: method(
    "Upper case to lower and back.",
    [],
    "str",
    (_, self) =>
      codePoints(s(self)).map((ch, i, chars) =>
        UPPER.test(ch) ? lowerAt(chars, i) : LOWER.test(ch) ? ch.toUpperCase() : ch
      ).join(""),
  ),
  strip: method(
    "Without leading and trailing whitespace (or `chars`).",
    [["chars", null]],
    "str",
    (_, self, chars) => {
      const strip = stripSet(chars);
      return stripEnd(stripStart(s(self), strip), strip);
    },
  ),
  lstrip: method(
    "Without leading whitespace (or `chars`).",
    [["chars", null]],
    "str",
    (_, self, chars) => stripStart(s(self), stripSet(chars)),
  ),
  rstrip: method(
    "Without trailing whitespace (or `chars`).",
    [["chars", null]],
    "str",
    (_, self, chars) => stripEnd(s(self), stripSet(chars)),
  ),
  replace: method(
    "Replaces `old` by `new` (at most `count` times).",
    ["old", "new", ["count", -1]],
    "str",
    (_, self, old, replacement, count) => {
      const from = text("replace", old), to = text("replace", replacement);
      const limit = toIndex(count);
      const parts = from === "" ? emptySplit(s(self)) : s(self).split(from);
      const replaced = limit < 0 ? parts.length - 1 : Math.min(limit, parts.length - 1);
      checkLength(s(self).length + replaced * (to.length - from.length), "str", "str.replace()");
      if (limit < 0) return parts.join(to);
      return parts.slice(0, limit + 1).join(to) +
        (parts.length > limit + 1 ? from + parts.slice(limit + 1).join(from) : "");
    },
  ),
  split: method(
    "A list of the parts between `sep` (default: runs of whitespace).",
    [["sep", null], ["maxsplit", -1]],
    "list",
    (_, self, sep, maxsplit) => pySplit(s(self), sep, maxsplit),
  ),
  join: method(
    "The items of a list of strings, with this string between them.",
    ["iterable"],
    "str",
    (_, self, iterable) => {
      const items = iterate("join", iterable);
      let length = s(self).length * Math.max(0, items.length - 1);
      items.forEach((item, i) => {
        if (typeof item !== "string") {
          throw new ExprRuntimeError(
            `str.join() needs strings: item ${i} is ${typeName(item)}; convert it with str(...)`,
          );
        }
        length += item.length;
      });
      checkLength(length, "str", "str.join()");
      return (items as string[]).join(s(self));
    },
  ),
  zfill: method(
    "Padded with zeros on the left to `width`, after any sign.",
    ["width"],
    "str",
    (_, self, width) => {
      const str = s(self);
      const sign = str[0] === "-" || str[0] === "+" ? str[0] : "";
      return sign + pad(str.slice(sign.length), toIndex(width) - sign.length, "0", "left", "zfill");
    },
  ),
  center: method(
    "Centred in `width`.",
    ["width", ["fillchar", " "]],
    "str",
    (_, self, width, fill) => pad(s(self), width, fill, "center"),
  ),
  ljust: method(
    "Padded on the right to `width`.",
    ["width", ["fillchar", " "]],
    "str",
    (_, self, width, fill) => pad(s(self), width, fill, "right"),
  ),
  rjust: method(
    "Padded on the left to `width`.",
    ["width", ["fillchar", " "]],
    "str",
    (_, self, width, fill) => pad(s(self), width, fill, "left"),
  ),
  startswith: method(
    "Whether it starts with `prefix` (or any of a list of them).",
    ["prefix"],
    "bool",
    (_, self, prefix) => prefixes("startswith", prefix).some((p) => s(self).startsWith(p)),
  ),
  endswith: method(
    "Whether it ends with `suffix` (or any of a list of them).",
    ["suffix"],
    "bool",
    (_, self, suffix) => prefixes("endswith", suffix).some((p) => s(self).endsWith(p)),
  ),
  removeprefix: method("Without `prefix` at the start.", ["prefix"], "str", (_, self, prefix) => {
    const p = text("removeprefix", prefix);
    return p && s(self).startsWith(p) ? s(self).slice(p.length) : s(self);
  }),
  removesuffix: method("Without `suffix` at the end.", ["suffix"], "str", (_, self, suffix) => {
    const p = text("removesuffix", suffix);
    return p && s(self).endsWith(p) ? s(self).slice(0, -p.length) : s(self);
  }),
  find: method(
    "Index of the first `sub`, or -1.",
    ["sub"],
    "int",
    (_, self, sub) => pointIndex(s(self), s(self).indexOf(text("find", sub))),
  ),
  count: method(
    "Number of non-overlapping occurrences of `sub`.",
    ["sub"],
    "int",
    (_, self, sub) => {
      const needle = text("count", sub);
      return needle === "" ? [...s(self)].length + 1 : s(self).split(needle).length - 1;
    },
  ),
  isdigit: method(
    "Whether all characters are digits.",
    [],
    "bool",
    (_, self) => ALL_DIGITS.test(s(self)),
  ),
  isalpha: method(
    "Whether all characters are letters.",
    [],
    "bool",
    (_, self) => /^\p{L}+$/u.test(s(self)),
  ),
  isalnum: method(
    "Whether all characters are letters or digits.",
    [],
    "bool",
    (_, self) => /^[\p{L}\p{N}]+$/u.test(s(self)),
  ),
  isspace: method(
    "Whether all characters are whitespace.",
    [],
    "bool",
    (_, self) => ALL_SPACE.test(s(self)),
  ),
  isupper: method(
    "Whether all cased characters are upper case (and there is one).",
    [],
    "bool",
    (_, self) => isCase(s(self), false),
  ),
  islower: method(
    "Whether all cased characters are lower case (and there is one).",
    [],
    "bool",
    (_, self) => isCase(s(self), true),
  ),
};

const list = (self: Value) => self as Value[];

/** Methods of lists (and of ranges, which have the same two). */
export const LIST_METHODS: Readonly<Record<string, FunctionSpec>> = {
  count: method(
    "Number of items equal to `value`.",
    ["value"],
    "int",
    (_, self, value) => list(self).filter((item) => sameItem(item, value)).length,
  ),
  index: method("Index of the first item equal to `value`.", ["value"], "int", (_, self, value) => {
    const i = list(self).findIndex((item) => sameItem(item, value));
    if (i < 0) throw new ExprRuntimeError(`${pyRepr(value)} is not in the list`, "ValueError");
    return i;
  }),
};

/** Methods of tuples. */
export const TUPLE_METHODS: Readonly<Record<string, FunctionSpec>> = LIST_METHODS;

const dict = (self: Value) => self as PyDict;

/** Methods of dicts. */
export const DICT_METHODS: Readonly<Record<string, FunctionSpec>> = {
  get: method(
    "The value of `key`, or `default` when absent.",
    ["key", ["default", null]],
    (args, env) => joinTypes(args[0].itemType?.(env) ?? "any", args[2].type(env)),
    (_, self, key, fallback) => dict(self).get(key) ?? fallback,
  ),
  keys: {
    ...method(
      "A view of the keys.",
      [],
      "list",
      (_, self) => dictViewOf("keys", dict(self).keys()),
    ),
    items: (args, env) => args[0].keyType?.(env) ?? "any",
  },
  values: {
    ...method(
      "A view of the values.",
      [],
      "list",
      (_, self) => dictViewOf("values", dict(self).values()),
    ),
    items: (args, env) => args[0].itemType?.(env) ?? "any",
  },
  items: {
    ...method(
      "A view of the `(key, value)` pairs.",
      [],
      "list",
      (_, self) => dictViewOf("items", dict(self).entries().map((pair) => tupleOf(pair))),
    ),
    items: () => "tuple",
  },
};

/** Method tables by receiver kind. */
export const METHODS: Readonly<Record<ReceiverKind, Readonly<Record<string, FunctionSpec>>>> = {
  str: STR_METHODS,
  list: LIST_METHODS,
  tuple: TUPLE_METHODS,
  dict: DICT_METHODS,
  date: DATE_METHODS,
  datetime: DATETIME_METHODS,
  timedelta: TIMEDELTA_METHODS,
  timezone: TIMEZONE_METHODS,
  time: TIME_METHODS,
};

/** Attribute tables by receiver kind (dates and durations have attributes). */
export const ATTRIBUTES: Readonly<
  Partial<Record<ReceiverKind, Readonly<Record<string, AttributeSpec>>>>
> = {
  date: DATE_ATTRIBUTES,
  datetime: DATETIME_ATTRIBUTES,
  timedelta: TIMEDELTA_ATTRIBUTES,
  time: TIME_ATTRIBUTES,
};
