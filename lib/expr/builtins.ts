/**
 * Python's builtin functions that make sense in a cell: conversions (`int`, `float`,
 * `str`, `bool`), `round` with banker's rounding, `len`, `min`, `max`, `abs`, `sum` and a
 * few more. All are pure, so calls on literals are computed at compile time.
 *
 * @module
 */
import { hintType, isNumeric, joinTypes, type Node } from "./compiled_node.ts";
import { formatValue } from "./format.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { add, order, power, truthy, typeName } from "./operators.ts";
import { exactInt, floatToInt, type Int } from "./integers.ts";
import { pyRound, roundInt, toFloat, toIndex, toInt } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext, TypeEnvironment } from "./types.ts";
import { isDict, pyRepr, pyStr, PyTimedelta, type StaticType, type Value } from "./values.ts";

/** The items of a list, the characters of a string or the keys of a dict. */
export function iterate(fn: string, value: Value): readonly Value[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (isDict(value)) return Object.keys(value);
  throw new ExprRuntimeError(`${fn}() needs a list, string or dict, not ${typeName(value)}`);
}

function needNumber(fn: string, value: Value): number | bigint {
  if (typeof value === "number" || typeof value === "bigint") return value;
  if (typeof value === "boolean") return Number(value);
  throw new ExprRuntimeError(`${fn}() needs a number, not ${typeName(value)}`);
}

/** Type of the items a call of min/max/sum looks at: the list's items, or the arguments. */
function itemsType(args: readonly Node[], env: TypeEnvironment): StaticType {
  const positional = args[0].items;
  const only = positional?.length === 1 ? positional[0] : undefined;
  if (only && only.type(env) === "list") return only.itemType?.(env) ?? "any";
  if (only && only.type(env) === "str") return "str";
  return args[0].itemType?.(env) ?? "any";
}

function extreme(fn: string, values: Value, sign: 1 | -1): Value {
  const list = values as Value[];
  const items = list.length === 1 ? iterate(fn, list[0]) : list;
  if (items.length === 0) throw new ExprRuntimeError(`${fn}() of an empty list`);
  let best = items[0];
  for (let i = 1; i < items.length; i++) {
    if (order(items[i], best) * sign > 0) best = items[i];
  }
  return best;
}

function numericResult(type: StaticType): StaticType {
  return type === "bool" ? "int" : isNumeric(type) ? type : "any";
}

/** Longest list `range` builds: it is materialised, unlike Python's lazy range. */
const MAX_RANGE = 1_000_000;

/** Python's `range(start, stop, step)` as a list. */
function pyRange(start: Value, stop: Value, step: Value): Int[] {
  const [lo, hi] = stop === null ? [0, toInt(start)] : [toInt(start), toInt(stop)];
  const by = toInt(step);
  if (by === 0) throw new ExprRuntimeError("range() step must not be zero");
  if (typeof lo === "number" && typeof hi === "number" && typeof by === "number") {
    return numberRange(lo, hi, by);
  }
  // Ints beyond 2^53: the same, exactly.
  const [first, last, stride] = [BigInt(lo), BigInt(hi), BigInt(by)];
  const span = stride > 0n ? last - first + stride - 1n : first - last - stride - 1n;
  const count = span > 0n ? span / (stride > 0n ? stride : -stride) : 0n;
  checkRangeLength(count);
  const out: Int[] = new Array(Number(count));
  for (let i = 0; i < out.length; i++) out[i] = exactInt(first + BigInt(i) * stride, "range()");
  return out;
}

function numberRange(lo: number, hi: number, by: number): number[] {
  const count = Math.max(0, Math.ceil((hi - lo) / by));
  checkRangeLength(count);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + i * by;
  return out;
}

function checkRangeLength(count: number | bigint): void {
  if (count > MAX_RANGE) {
    throw new ExprRuntimeError(
      `range() of ${count} numbers is too long; use random.randrange(start, stop) to pick one`,
    );
  }
}

/** Python's `round(number, ndigits)`: an int without `ndigits` (exact at any size). */
function roundValue(number: Value, ndigits: Value): Value {
  const places = ndigits === null ? null : toIndex(ndigits);
  const x = needNumber("round", number);
  if (typeof x === "bigint") return places === null ? x : roundInt(x, places);
  if (places === null) return floatToInt(pyRound(x, null));
  if (places < 0 && Number.isSafeInteger(x)) return roundInt(x, places);
  return pyRound(x, places);
}

const str = (_: CellContext, value: Value) => pyStr(value);
const floatStr = (_: CellContext, value: Value) => pyStr(value, true);

/** Builtin functions, keyed by name. */
export const BUILTINS: Readonly<Record<string, FunctionSpec>> = {
  round: {
    summary:
      "Rounds to `ndigits` decimals (ties to even, like Python); without `ndigits`, to an int.",
    params: ["number", ["ndigits", null]],
    pure: true,
    returns(args, env) {
      const ndigits = args[1].constant;
      if (ndigits && ndigits.value === null) return "int";
      const type = args[0].type(env);
      return type === "int" || type === "bool" ? "int" : "float";
    },
    impl: (_: CellContext, number: Value, ndigits: Value) => roundValue(number, ndigits),
  },
  int: {
    summary:
      "Converts to int: truncates floats toward zero, parses strings (optionally in `base`).",
    params: ["value", ["base", null]],
    pure: true,
    returns: "int",
    impl: (_: CellContext, value: Value, base: Value) =>
      toInt(value, base === null ? null : toIndex(base)),
  },
  float: {
    summary: 'Converts to float: numbers, and strings such as `"1.5"` or `"inf"`.',
    params: [["value", 0]],
    pure: true,
    returns: "float",
    impl: (_: CellContext, value: Value) => toFloat(value),
  },
  str: {
    summary: 'Python\'s text form of a value: `str(3.0)` is `"3.0"`, `str(None)` is `"None"`.',
    params: [["value", ""]],
    pure: true,
    returns: "str",
    impl: str,
    specialize: (args) => (hintType(args[0]) === "float" ? floatStr : str),
  },
  bool: {
    summary: 'Python truthiness: `0`, `""`, `None`, `[]` and `{}` are False.',
    params: [["value", false]],
    pure: true,
    returns: "bool",
    impl: (_: CellContext, value: Value) => truthy(value),
  },
  len: {
    summary: "The length of a string, list or dict.",
    params: ["value"],
    pure: true,
    returns: "int",
    impl(_: CellContext, value: Value) {
      if (typeof value === "string") {
        return /[\uD800-\uDFFF]/.test(value) ? [...value].length : value.length;
      }
      return iterate("len", value).length;
    },
  },
  abs: {
    summary: "The absolute value of a number (or of a timedelta).",
    params: ["number"],
    pure: true,
    returns: (args, env) => {
      const type = args[0].type(env);
      return type === "timedelta" ? type : numericResult(type);
    },
    impl(_: CellContext, number: Value) {
      if (number instanceof PyTimedelta) {
        return PyTimedelta.fromMicros(Math.abs(number.totalMicros()));
      }
      const x = needNumber("abs", number);
      return typeof x === "bigint" ? (x < 0n ? -x : x) : Math.abs(x);
    },
  },
  min: {
    summary: "The smallest of the arguments, or of the items of one list.",
    params: ["values"],
    variadic: true,
    pure: true,
    returns: itemsType,
    impl: (_: CellContext, values: Value) => extreme("min", values, -1),
  },
  max: {
    summary: "The largest of the arguments, or of the items of one list.",
    params: ["values"],
    variadic: true,
    pure: true,
    returns: itemsType,
    impl: (_: CellContext, values: Value) => extreme("max", values, 1),
  },
  sum: {
    summary: "The sum of a list of numbers, plus `start`.",
    params: ["iterable", ["start", 0]],
    pure: true,
    returns: (args, env) =>
      numericResult(joinTypes(args[0].itemType?.(env) ?? "any", args[1].type(env))),
    impl(_: CellContext, iterable: Value, start: Value) {
      let total = start;
      for (const item of iterate("sum", iterable)) total = add(total, item);
      return total;
    },
  },
  pow: {
    summary: "`base ** exp`.",
    params: ["base", "exp"],
    pure: true,
    returns(args, env) {
      const [a, b] = [args[0].type(env), args[1].type(env)];
      if (a === "float" || b === "float") return "float";
      return isNumeric(a) && isNumeric(b) ? "int" : "any";
    },
    impl: (_: CellContext, base: Value, exp: Value) => power(base, exp),
  },
  format: {
    summary: 'Formats a value with a format spec: `format(3.14159, ".2f")` is `"3.14"`.',
    params: ["value", ["format_spec", ""]],
    pure: true,
    returns: "str",
    impl: (_: CellContext, value: Value, spec: Value) => formatValue(value, pyStr(spec)),
    specialize: (args) =>
      hintType(args[0]) === "float"
        ? (_: CellContext, value: Value, spec: Value) => formatValue(value, pyStr(spec), true)
        : (_: CellContext, value: Value, spec: Value) => formatValue(value, pyStr(spec)),
  },
  repr: {
    summary: "Python's `repr`: strings in quotes.",
    params: ["value"],
    pure: true,
    returns: "str",
    impl: (_: CellContext, value: Value) => pyRepr(value),
  },
  sorted: {
    summary: "A sorted copy of a list (`reverse=True` for descending).",
    params: ["iterable", ["reverse", false]],
    pure: true,
    returns: "list",
    impl(_: CellContext, iterable: Value, reverse: Value) {
      const items = [...iterate("sorted", iterable)].sort((a, b) => order(a, b));
      return truthy(reverse) ? items.reverse() : items;
    },
  },
  list: {
    summary: "A list of the items of a list, the characters of a string or the keys of a dict.",
    params: [["iterable", []]],
    pure: true,
    returns: "list",
    impl: (_: CellContext, iterable: Value) => [...iterate("list", iterable)],
  },
  range: {
    summary: "The list of ints from `start` up to, not including, `stop`: `range(1, 13)`.",
    params: ["start", ["stop", null], ["step", 1]],
    pure: true,
    returns: "list",
    impl: (_: CellContext, start: Value, stop: Value, step: Value) => pyRange(start, stop, step),
  },
  ord: {
    summary: "The code point of a one-character string.",
    params: ["char"],
    pure: true,
    returns: "int",
    impl(_: CellContext, char: Value) {
      if (typeof char !== "string" || [...char].length !== 1) {
        throw new ExprRuntimeError("ord() needs a string of one character");
      }
      return char.codePointAt(0)!;
    },
  },
  chr: {
    summary: "The one-character string of a code point.",
    params: ["code"],
    pure: true,
    returns: "str",
    impl(_: CellContext, code: Value) {
      const n = toIndex(code);
      if (n < 0 || n > 0x10ffff) throw new ExprRuntimeError(`chr() code ${n} is out of range`);
      return String.fromCodePoint(n);
    },
  },
};

/** Why some Python builtins are missing, with what to use instead. */
export const BUILTIN_ALTERNATIVES: Readonly<Record<string, string>> = {
  print: "Nothing is printed while generating; the expression's value is the cell's value.",
  eval: "Write the expression directly.",
  exec: "Write the expression directly.",
  open: "Expressions cannot read files.",
  input: "Expressions cannot read input.",
  type: "Types are not available; compare values instead.",
  isinstance: "Types are not available; compare values instead.",
  timedelta:
    'Date arithmetic is not supported yet; use `fake.date_between(start_date="-30d", end_date="today")`.',
};
