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
  TIMEDELTA_ATTRIBUTES,
  TIMEDELTA_METHODS,
  TIMEZONE_METHODS,
} from "./datetime_module.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { contains, dictKey, equals, typeName } from "./operators.ts";
import { toIndex } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./types.ts";
import { PyDate, pyStr, PyTimedelta, PyTimezone, type Value } from "./values.ts";

/** The receiver kinds that have methods. */
export type ReceiverKind = "str" | "list" | "dict" | "date" | "datetime" | "timedelta" | "timezone";

/** The kind of a run-time value, or undefined for values without methods. */
export function kindOf(value: Value): ReceiverKind | undefined {
  if (typeof value === "string") return "str";
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) return "list";
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (value instanceof PyTimedelta) return "timedelta";
  if (value instanceof PyTimezone) return "timezone";
  return "dict";
}

function text(fn: string, value: Value): string {
  if (typeof value !== "string") {
    throw new ExprRuntimeError(`str.${fn}() needs a string argument, not ${typeName(value)}`);
  }
  return value;
}

function stripSet(chars: Value): (ch: string) => boolean {
  if (chars === null) return (ch) => /\s/.test(ch);
  const set = text("strip", chars);
  return (ch) => set.includes(ch);
}

function stripStart(s: string, strip: (ch: string) => boolean): string {
  let i = 0;
  while (i < s.length && strip(s[i])) i++;
  return s.slice(i);
}

function stripEnd(s: string, strip: (ch: string) => boolean): string {
  let i = s.length;
  while (i > 0 && strip(s[i - 1])) i--;
  return s.slice(0, i);
}

/** Python's `str.split(sep, maxsplit)`: no `sep` splits on runs of whitespace. */
export function pySplit(s: string, sep: Value, maxsplit: Value): string[] {
  const limit = maxsplit === null ? -1 : toIndex(maxsplit);
  if (sep === null) {
    const out: string[] = [];
    let rest = s.replace(/^\s+/, "");
    while (rest !== "") {
      if (limit >= 0 && out.length === limit) {
        out.push(rest);
        break;
      }
      const m = /\s+/.exec(rest);
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
  if (separator === "") throw new ExprRuntimeError("str.split() separator must not be empty");
  const parts = s.split(separator);
  if (limit < 0 || parts.length <= limit + 1) return parts;
  return [...parts.slice(0, limit), parts.slice(limit).join(separator)];
}

/** Python's `str.title()`: a letter after a non-letter is upper case, others lower. */
export function pyTitle(s: string): string {
  let out = "";
  let previousCased = false;
  for (const ch of s) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    out += cased ? (previousCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    previousCased = cased;
  }
  return out;
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
  if (Array.isArray(value)) return value.map((v) => text(fn, v));
  return [text(fn, value)];
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
  capitalize: method("First character upper case, the rest lower case.", [], "str", (_, self) => {
    const [first = "", ...rest] = s(self);
    return first.toUpperCase() + rest.join("").toLowerCase();
  }),
  swapcase: method(
    "Upper case to lower and back.",
    [],
    "str",
    (_, self) =>
      [...s(self)].map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()))
        .join(""),
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
    (_, self, sub) => s(self).indexOf(text("find", sub)),
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
    (_, self) => /^\p{Nd}+$/u.test(s(self)),
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
    (_, self) => /^\s+$/.test(s(self)),
  ),
  isupper: method(
    "Whether all cased characters are upper case (and there is one).",
    [],
    "bool",
    (_, self) => s(self) !== s(self).toLowerCase() && s(self) === s(self).toUpperCase(),
  ),
  islower: method(
    "Whether all cased characters are lower case (and there is one).",
    [],
    "bool",
    (_, self) => s(self) !== s(self).toUpperCase() && s(self) === s(self).toLowerCase(),
  ),
};

const list = (self: Value) => self as Value[];

/** Methods of lists. */
export const LIST_METHODS: Readonly<Record<string, FunctionSpec>> = {
  count: method(
    "Number of items equal to `value`.",
    ["value"],
    "int",
    (_, self, value) => list(self).filter((item) => equals(item, value)).length,
  ),
  index: method("Index of the first item equal to `value`.", ["value"], "int", (_, self, value) => {
    const i = list(self).findIndex((item) => equals(item, value));
    if (i < 0) throw new ExprRuntimeError(`${pyStr(value)} is not in the list`);
    return i;
  }),
};

const dict = (self: Value) => self as Record<string, Value>;

/** Methods of dicts. */
export const DICT_METHODS: Readonly<Record<string, FunctionSpec>> = {
  get: method(
    "The value of `key`, or `default` when absent.",
    ["key", ["default", null]],
    (args, env) => args[0].itemType?.(env) ?? "any",
    (_, self, key, fallback) => contains(self, key) ? dict(self)[dictKey(key)] : fallback,
  ),
  keys: method("A list of the keys.", [], "list", (_, self) => Object.keys(dict(self))),
  values: method("A list of the values.", [], "list", (_, self) => Object.values(dict(self))),
  items: method(
    "A list of `[key, value]` pairs.",
    [],
    "list",
    (_, self) => Object.entries(dict(self)),
  ),
};

/** Method tables by receiver kind. */
export const METHODS: Readonly<Record<ReceiverKind, Readonly<Record<string, FunctionSpec>>>> = {
  str: STR_METHODS,
  list: LIST_METHODS,
  dict: DICT_METHODS,
  date: DATE_METHODS,
  datetime: DATETIME_METHODS,
  timedelta: TIMEDELTA_METHODS,
  timezone: TIMEZONE_METHODS,
};

/** Attribute tables by receiver kind (dates and durations have attributes). */
export const ATTRIBUTES: Readonly<
  Partial<Record<ReceiverKind, Readonly<Record<string, AttributeSpec>>>>
> = {
  date: DATE_ATTRIBUTES,
  datetime: DATETIME_ATTRIBUTES,
  timedelta: TIMEDELTA_ATTRIBUTES,
};
