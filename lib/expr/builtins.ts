/**
 * Python's builtin functions that make sense in a cell: conversions (`int`, `float`, `str`,
 * `bool`, `list`, `tuple`), `round` with banker's rounding, `len`, `min`, `max`, `abs`,
 * `sum` and a few more. All are pure, so calls on literals are computed at compile time.
 *
 * @module
 */
import { isNumeric, joinTypes, type Node } from "./compiled_node.ts";
import { absoluteTime } from "./datetime_arith.ts";
import { asciiRepr, formatValue } from "./format_spec.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { add, floatOf, intOf, isNumber, power, truthy, typeName } from "./operators.ts";
import { order } from "./comparison.ts";
import { exactInt, floatToInt, type Int } from "./integers.ts";
import { pyRound, roundInt, toFloat, toIndex, toInt } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext, TypeEnvironment } from "./host.ts";
import {
  floatValue,
  isDict,
  PyFloat,
  type PyRange,
  pyRepr,
  pyStr,
  rangeOf,
  type StaticType,
  tupleOf,
  type Value,
} from "./values.ts";
import { PyTimedelta } from "./datetime_values.ts";

/** The items of a list, tuple, range or dict view, the characters of a string or the keys of a dict. */
export function iterate(fn: string, value: Value): readonly Value[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (isDict(value)) return value.keys();
  throw new ExprRuntimeError(
    `${fn}() needs a list, tuple, string or dict: a ${typeName(value)} is not iterable`,
    "TypeError",
  );
}

/** The static type of the items of what {@link iterate} reads. */
export function iteratedType(node: Node, env: TypeEnvironment): StaticType {
  const type = node.type(env);
  if (type === "str") return "str";
  if (type === "dict") return node.keyType?.(env) ?? "any";
  return node.itemType?.(env) ?? "any";
}

/** Type of the items a call of min/max/sum looks at: the list's items, or the arguments. */
function itemsType(args: readonly Node[], env: TypeEnvironment): StaticType {
  const positional = args[0].items;
  const only = positional?.length === 1 ? positional[0] : undefined;
  if (only) {
    const type = only.type(env);
    if (type === "list" || type === "tuple" || type === "str" || type === "dict") {
      return iteratedType(only, env);
    }
  }
  return args[0].itemType?.(env) ?? "any";
}

function extreme(fn: string, values: Value, sign: 1 | -1): Value {
  const list = values as Value[];
  const items = list.length === 1 ? iterate(fn, list[0]) : list;
  if (items.length === 0) {
    throw new ExprRuntimeError(`${fn}() arg is an empty sequence`, "ValueError");
  }
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

/** Python's `range(start, stop, step)`, its ints materialised. */
export function pyRange(start: Value, stop: Value, step: Value): PyRange {
  const [lo, hi] = stop === null ? [0, rangeArgument(start)] : [
    rangeArgument(start),
    rangeArgument(stop),
  ];
  const by = rangeArgument(step);
  if (by === 0) throw new ExprRuntimeError("range() arg 3 must not be zero", "ValueError");
  if (typeof lo === "number" && typeof hi === "number" && typeof by === "number") {
    return rangeOf(numberRange(lo, hi, by), lo, hi, by);
  }
  // Ints beyond 2^53: the same, exactly.
  const [first, last, stride] = [BigInt(lo), BigInt(hi), BigInt(by)];
  const span = stride > 0n ? last - first + stride - 1n : first - last - stride - 1n;
  const count = span > 0n ? span / (stride > 0n ? stride : -stride) : 0n;
  checkRangeLength(count);
  const out: Int[] = new Array(Number(count));
  for (let i = 0; i < out.length; i++) out[i] = exactInt(first + BigInt(i) * stride, "range()");
  return rangeOf(out, lo, hi, by);
}

/** A range argument: an int (bools count), never a float, as Python's `__index__`. */
function rangeArgument(value: Value): Int {
  const n = intOf(value);
  if (n === undefined) {
    throw new ExprRuntimeError(
      `'${typeName(value)}' object cannot be interpreted as an integer`,
      "TypeError",
    );
  }
  return n;
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
  if (!isNumber(number)) {
    throw new ExprRuntimeError(`round() needs a number, not ${typeName(number)}`, "TypeError");
  }
  const n = intOf(number);
  if (n !== undefined) return places === null ? n : roundInt(n, places);
  const x = floatOf(number)!;
  if (places === null) return floatToInt(pyRound(x, null));
  return floatValue(pyRound(x, places));
}

/** `abs(x)` of a number or a duration. */
function absolute(value: Value): Value {
  if (typeof value === "number") return Math.abs(value);
  if (value instanceof PyFloat) return new PyFloat(Math.abs(value.value));
  if (typeof value === "bigint") return value < 0n ? -value : value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof PyTimedelta) return absoluteTime(value);
  throw new ExprRuntimeError(`Bad operand type for abs(): ${typeName(value)}`, "TypeError");
}

/** `sum(iterable, start)`: left to right with `+`, as CPython 3.11 adds. */
function sum(iterable: Value, start: Value): Value {
  if (typeof start === "string") {
    throw new ExprRuntimeError(
      "sum() can't sum strings; use ''.join(items) instead",
      "TypeError",
    );
  }
  let total: Value = start;
  for (const item of iterate("sum", iterable)) total = add(total, item);
  return total;
}

/** `sorted(iterable, reverse)`: stable, equal items keeping their order either way. */
function sorted(iterable: Value, reverse: Value): Value[] {
  const items = [...iterate("sorted", iterable)];
  return truthy(reverse) ? items.sort((a, b) => order(b, a)) : items.sort((a, b) => order(a, b));
}

/** `len(x)`: code points of a string, items of a container. */
function length(value: Value): number {
  if (typeof value === "string") {
    return /[\uD800-\uDFFF]/.test(value) ? [...value].length : value.length;
  }
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return value.size;
  throw new ExprRuntimeError(`Object of type '${typeName(value)}' has no len()`, "TypeError");
}

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
      return type === "int" || type === "bool" ? "int" : type === "float" ? "float" : "any";
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
    impl: (_: CellContext, value: Value) => floatValue(toFloat(value)),
  },
  str: {
    summary: 'Python\'s text form of a value: `str(3.0)` is `"3.0"`, `str(None)` is `"None"`.',
    params: [["value", ""]],
    pure: true,
    returns: "str",
    impl: (_: CellContext, value: Value) => pyStr(value),
  },
  bool: {
    summary: 'Python truthiness: `0`, `""`, `None`, `[]` and `{}` are False.',
    params: [["value", false]],
    pure: true,
    returns: "bool",
    impl: (_: CellContext, value: Value) => truthy(value),
  },
  len: {
    summary: "The length of a string, list, tuple or dict.",
    params: ["value"],
    pure: true,
    returns: "int",
    impl: (_: CellContext, value: Value) => length(value),
  },
  abs: {
    summary: "The absolute value of a number (or of a timedelta).",
    params: ["number"],
    pure: true,
    returns: (args, env) => {
      const type = args[0].type(env);
      return type === "timedelta" ? type : numericResult(type);
    },
    impl: (_: CellContext, number: Value) => absolute(number),
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
    returns: (args, env) => {
      const items = iteratedType(args[0], env);
      const start = args[1].type(env);
      if (items === "list" || items === "tuple") return items;
      return numericResult(joinTypes(items, start === "bool" ? "int" : start));
    },
    impl: (_: CellContext, iterable: Value, start: Value) => sum(iterable, start),
  },
  pow: {
    summary: "`base ** exp`.",
    params: ["base", "exp"],
    pure: true,
    returns(args, env) {
      const [a, b] = [args[0].type(env), args[1].type(env)];
      const exponent = args[1].constant?.value;
      if (a === "float" || b === "float") return "float";
      if (!isNumeric(a) || !isNumeric(b)) return "any";
      return isNumber(exponent ?? null) && (exponent as number | bigint) < 0 ? "float" : "int";
    },
    impl: (_: CellContext, base: Value, exp: Value) => power(base, exp),
  },
  format: {
    summary: 'Formats a value with a format spec: `format(3.14159, ".2f")` is `"3.14"`.',
    params: ["value", ["format_spec", ""]],
    pure: true,
    returns: "str",
    impl(_: CellContext, value: Value, spec: Value) {
      if (typeof spec !== "string") {
        throw new ExprRuntimeError(
          `format() argument 2 must be str, not ${typeName(spec)}`,
          "TypeError",
        );
      }
      return formatValue(value, spec);
    },
  },
  repr: {
    summary: "Python's `repr`: strings in quotes, floats as they read back, dates as constructors.",
    params: ["value"],
    pure: true,
    returns: "str",
    impl: (_: CellContext, value: Value) => pyRepr(value),
  },
  ascii: {
    summary: "`repr`, with every non-ASCII character escaped (`'caf\\xe9'`).",
    params: ["value"],
    pure: true,
    returns: "str",
    impl: (_: CellContext, value: Value) => asciiRepr(value),
  },
  sorted: {
    summary: "A sorted list of the items (`reverse=True` for descending).",
    params: ["iterable", ["reverse", false]],
    pure: true,
    returns: "list",
    items: (args, env) => iteratedType(args[0], env),
    impl: (_: CellContext, iterable: Value, reverse: Value) => sorted(iterable, reverse),
  },
  list: {
    summary: "A list of the items of a sequence, the characters of a string or the keys of a dict.",
    params: [["iterable", []]],
    pure: true,
    returns: "list",
    items: (args, env) => iteratedType(args[0], env),
    impl: (_: CellContext, iterable: Value) => [...iterate("list", iterable)],
  },
  tuple: {
    summary:
      "A tuple of the items of a sequence, the characters of a string or the keys of a dict.",
    params: [["iterable", tupleOf([])]],
    pure: true,
    returns: "tuple",
    items: (args, env) => iteratedType(args[0], env),
    impl: (_: CellContext, iterable: Value) => tupleOf(iterate("tuple", iterable)),
  },
  range: {
    summary: "The ints from `start` up to, not including, `stop`: `range(1, 13)`.",
    params: ["start", ["stop", null], ["step", 1]],
    pure: true,
    returns: "list",
    items: () => "int",
    impl: (_: CellContext, start: Value, stop: Value, step: Value) => pyRange(start, stop, step),
  },
  ord: {
    summary: "The code point of a one-character string.",
    params: ["char"],
    pure: true,
    returns: "int",
    impl(_: CellContext, char: Value) {
      if (typeof char !== "string") {
        throw new ExprRuntimeError(
          `ord() expected a string of length 1, not ${typeName(char)}`,
          "TypeError",
        );
      }
      const length = [...char].length;
      if (length !== 1) {
        throw new ExprRuntimeError(
          `ord() expected a character, but string of length ${length} found`,
          "TypeError",
        );
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
      if (n < 0 || n > 0x10ffff) {
        throw new ExprRuntimeError("chr() arg not in range(0x110000)", "ValueError");
      }
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
  set: "Sets are not supported; use a list, or a dict's keys.",
  frozenset: "Sets are not supported; use a list, or a dict's keys.",
  dict: 'Write the dict out: `{"key": value}`.',
};
