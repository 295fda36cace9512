/**
 * Python's comparisons over run-time values: `==` across numeric types and containers by
 * content, ordering (`<` of numbers, text in code point order, sequences item by item,
 * dates and times), membership (`in`), identity (`is`) and whether a value can be a dict key.
 *
 * @module
 */
import { orderTimes, timeOfDayMicros } from "./datetime_arith.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import {
  AwareDatetime,
  compareInstants,
  PyDate,
  PyTime,
  PyTimedelta,
  PyTimezone,
} from "./datetime_values.ts";
import { keyIdentity, PyDict, PyDictView, PyFloat, PyTuple, type Value } from "./values.ts";
import { comparable, numbersEqual, typeName } from "./operators.ts";

/** `a == b`: `1 == 1.0 == True`, containers by content (a list never equals a tuple), dates by value. */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return !(a instanceof PyFloat) || a.value === a.value; // NaN != NaN
  if (a === null || b === null || typeof a === "string" || typeof b === "string") return false;
  const x = comparable(a), y = comparable(b);
  if (x !== undefined || y !== undefined) {
    return x !== undefined && y !== undefined && numbersEqual(x, y);
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && compareInstants(a, b) === 0 &&
      (a instanceof AwareDatetime) === (b instanceof AwareDatetime);
  }
  if (a instanceof PyDate || b instanceof PyDate) {
    return a instanceof PyDate && b instanceof PyDate && a.days === b.days;
  }
  if (a instanceof PyTimedelta || b instanceof PyTimedelta) {
    return a instanceof PyTimedelta && b instanceof PyTimedelta && a.compare(b) === 0;
  }
  if (a instanceof PyTimezone || b instanceof PyTimezone) {
    return a instanceof PyTimezone && b instanceof PyTimezone &&
      a.offsetSeconds === b.offsetSeconds;
  }
  if (a instanceof PyTime || b instanceof PyTime) {
    // An aware time and a naive one are unequal; aware ones are equal at the same UTC time.
    return a instanceof PyTime && b instanceof PyTime &&
      (a.tz === undefined) === (b.tz === undefined) &&
      timeOfDayMicros(a) === timeOfDayMicros(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.constructor !== b.constructor) return false;
    if (a instanceof PyDictView) return viewsEqual(a, b as PyDictView);
    return a.length === b.length && a.every((item, i) => sameItem(item, b[i]));
  }
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return false;
    for (const [key, value] of a.entries()) {
      const other = b.get(key);
      if (other === undefined || !sameItem(value, other)) return false;
    }
    return true;
  }
  return false;
}

/**
 * Whether two items of containers are equal as Python compares them there: the same object,
 * or `==` (so a NaN finds itself in a list: `x in [x]`).
 */
export function sameItem(a: Value, b: Value): boolean {
  return a === b || equals(a, b);
}

/** Dict views: keys and items compare as sets; a values view only equals itself. */
function viewsEqual(a: PyDictView, b: PyDictView): boolean {
  if (a.kind === "values" || b.kind === "values" || a.length !== b.length) return false;
  return a.every((item) => b.some((other) => sameItem(item, other)));
}

/** `a < b`. */
export function lessThan(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  return order(a, b, "<") < 0;
}

/** `a <= b`. */
export function lessEqual(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a <= b;
  return order(a, b, "<=") <= 0;
}

/** `a > b`. */
export function greaterThan(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a > b;
  return order(a, b, ">") > 0;
}

/** `a >= b`. */
export function greaterEqual(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a >= b;
  return order(a, b, ">=") >= 0;
}

/**
 * Strings in Python's order, by code point. JavaScript compares UTF-16 units, which puts a
 * character beyond U+FFFF (a surrogate pair) before U+E000 to U+FFFF; only that is fixed.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  return codeOrder(a.charCodeAt(i)) - codeOrder(b.charCodeAt(i));
}

/** A UTF-16 unit's rank in code point order: surrogates after U+E000 to U+FFFF. */
function codeOrder(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/**
 * Orders two values of comparable types: negative, zero or positive. NaN compares as
 * unordered (every comparison false), as in Python.
 */
export function order(a: Value, b: Value, op = "<"): number {
  const x = comparable(a), y = comparable(b);
  // `<` and `>` compare a bigint and a number by their exact values.
  if (x !== undefined && y !== undefined) {
    return x < y ? -1 : x > y ? 1 : numbersEqual(x, y) ? 0 : NaN;
  }
  if (typeof a === "string" && typeof b === "string") return compareText(a, b);
  const time = orderTimes(a, b);
  if (time !== undefined) return time;
  if (
    Array.isArray(a) && Array.isArray(b) && a.constructor === b.constructor &&
    (a instanceof PyTuple || a.constructor === Array)
  ) {
    for (let i = 0; i < a.length && i < b.length; i++) {
      if (!sameItem(a[i], b[i])) return order(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw new ExprRuntimeError(
    `Cannot compare ${typeName(a)} and ${typeName(b)} with \`${op}\``,
    "TypeError",
  );
}

/** `item in container`: substring, sequence membership or dict key. */
export function contains(container: Value, item: Value): boolean {
  if (typeof container === "string") {
    if (typeof item !== "string") {
      throw new ExprRuntimeError(
        `\`in <str>\` needs a string on the left, not ${typeName(item)}`,
        "TypeError",
      );
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (const element of container) if (sameItem(element, item)) return true;
    return false;
  }
  if (container instanceof PyDict) return container.has(item);
  throw new ExprRuntimeError(
    `\`in\` needs a string, list, tuple or dict on the right, not ${typeName(container)}`,
    "TypeError",
  );
}

/** `a is b`: identity, which for our values is strict equality (and one None). */
export function identical(a: Value, b: Value): boolean {
  return a === b;
}

/** Whether a value can be a dict key; throws Python's TypeError for lists and dicts. */
export function checkHashable(key: Value): void {
  keyIdentity(key);
}
