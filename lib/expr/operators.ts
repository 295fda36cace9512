/**
 * Python's operator semantics over run-time values: arithmetic (`//` floors, `%` takes the
 * sign of the divisor, `/` always divides as floats), comparison, membership and
 * truthiness. Each function has a fast path for plain numbers; the general case and the
 * error messages live in separate functions so the fast path stays small.
 *
 * Ints are exact at any size, as in Python: an int is a number while it is a safe integer,
 * and a `bigint` beyond (see `integers.ts`). The fast path of `+ - * **` checks that its
 * float result is still a safe integer ({@link isSafe}, free on small ints); only a result
 * past 2^53 of two ints, or a `bigint` operand, takes the exact path. What the value does not say at run time (is a
 * whole number an int or a float?) the checker's types say where it knows them: an operation
 * with a float operand is compiled to its `...Float` variant, which converts as Python does.
 *
 * @module
 */
import { checkLength, MAX_SEQUENCE_LENGTH } from "./limits.ts";
import {
  addTimes,
  divideTimes,
  floorDivideTimes,
  moduloTimes,
  multiplyTimes,
  negateTime,
  orderTimes,
  subtractTimes,
} from "./datetime_arith.ts";
import { formatPercent } from "./format.ts";
import {
  type Int,
  intAdd,
  intFloorDivide,
  intModulo,
  intMultiply,
  intPower,
  intSubtract,
  intToFloat,
  intTrueDivide,
  isExactInt,
} from "./integers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { AwareDatetime, isDict, PyDate, PyTimedelta, PyTimezone, type Value } from "./values.ts";

/** Python's name of a value's type, for messages: `int`, `str`, `NoneType`... */
export function typeName(value: Value): string {
  if (value === null) return "NoneType";
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "str";
  }
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (value instanceof PyTimedelta) return "timedelta";
  if (value instanceof PyTimezone) return "timezone";
  return Array.isArray(value) ? "list" : "dict";
}

/** Python truthiness: `None`, `False`, `0`, `""`, `[]` and `{}` are false. */
export function truthy(value: Value): boolean {
  if (value === null || value === false || value === 0 || value === "") return false;
  if (typeof value !== "object") return true; // NaN included, as in Python
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyTimedelta) return value.totalMicros() !== 0;
  if (!isDict(value)) return true;
  for (const _ in value) return true;
  return false;
}

/** Numbers, big ints and booleans (Python's bool is an int); other values are not numeric. */
function asNumber(value: Value): number | bigint | undefined {
  if (typeof value === "number" || typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}

/** Whether a value can stand where Python needs an int (bools and whole numbers). */
function asInt(value: Value): number | undefined {
  if (typeof value === "bigint") return Number(value);
  const n = asNumber(value);
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}

/** Whether two numbers are equal, an int and a float included (`2**60 == 2.0**60`). */
function numbersEqual(x: number | bigint, y: number | bigint): boolean {
  // Loose equality compares a bigint and a number by their exact values.
  // deno-lint-ignore eqeqeq
  return typeof x === typeof y ? x === y : x == y;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Whether a result is within ±(2^53 - 1), where floats hold ints exactly. The int32 test
 * comes first: on small ints the compiler proves it and it costs nothing, where the range
 * comparison alone costs a tenth of a small `a + b`.
 */
function isSafe(n: number): boolean {
  return (n | 0) === n || Math.abs(n) <= MAX_SAFE;
}

/**
 * Two numbers of an operation whose float result left the safe range: when both are ints,
 * the exact result; otherwise a float is involved and its float result stands.
 */
function beyondSafe(
  x: number,
  y: number,
  floatResult: number,
  exact: (a: Int, b: Int) => Int,
): Value {
  return Number.isSafeInteger(x) && Number.isSafeInteger(y) ? exact(x, y) : floatResult;
}

/**
 * Two numeric operands where at least one is a `bigint`, as Python combines them: two ints
 * exactly, an int and a float as floats (the int converted, OverflowError if it cannot be).
 */
function mixed(
  x: number | bigint,
  y: number | bigint,
  exact: (a: Int, b: Int) => Value,
  float: (a: number, b: number) => Value,
): Value {
  if (isExactInt(x) && isExactInt(y)) return exact(x, y);
  return float(toFloatNumber(x), toFloatNumber(y));
}

/** A number or an int as a float, as Python converts an int operand next to a float. */
function toFloatNumber(n: number | bigint): number {
  return typeof n === "bigint" ? intToFloat(n) : n;
}

/** An operand of an operation the checker knows is on floats: a `bigint` becomes a float. */
function floatOperand(value: Value): Value {
  return typeof value === "bigint" ? intToFloat(value) : value;
}

function operandError(verb: string, a: Value, b: Value, hint = ""): ExprRuntimeError {
  return new ExprRuntimeError(`Cannot ${verb} ${typeName(a)} and ${typeName(b)}${hint}`);
}

/** `a + b`: numbers, string and list concatenation. */
export function add(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    // Past 2^53 (or NaN) the slow path tells two ints' exact sum from a float sum.
    if (isSafe(sum)) return sum;
  } else if (
    typeof a === "string" && typeof b === "string" && a.length + b.length <= MAX_SEQUENCE_LENGTH
  ) {
    return a + b;
  }
  return addSlow(a, b);
}

function addSlow(a: Value, b: Value): Value {
  if (typeof a === "string" && typeof b === "string") {
    checkLength(a.length + b.length, "str", "str + str");
    return a + b;
  }
  const x = asNumber(a), y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === "number" && typeof y === "number") return beyondSafe(x, y, x + y, intAdd);
    return mixed(x, y, intAdd, (p, q) => p + q);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    checkLength(a.length + b.length, "list", "list + list");
    return a.concat(b);
  }
  const time = addTimes(a, b);
  if (time !== undefined) return time;
  const hint = typeof a === "string" || typeof b === "string"
    ? ": convert the other value with str(...) first"
    : "";
  throw operandError("add", a, b, hint);
}

/** `a - b`. */
export function subtract(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const difference = a - b;
    if (isSafe(difference)) return difference;
  }
  return subtractSlow(a, b);
}

function subtractSlow(a: Value, b: Value): Value {
  const x = asNumber(a), y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === "number" && typeof y === "number") {
      return beyondSafe(x, y, x - y, intSubtract);
    }
    return mixed(x, y, intSubtract, (p, q) => p - q);
  }
  const time = subtractTimes(a, b);
  if (time !== undefined) return time;
  throw operandError("subtract", a, b);
}

/** `a * b`: numbers, and repetition of strings and lists by an int. */
export function multiply(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const product = a * b;
    if (isSafe(product)) return product;
  }
  return multiplySlow(a, b);
}

function multiplySlow(a: Value, b: Value): Value {
  const x = asNumber(a), y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    if (typeof x === "number" && typeof y === "number") {
      return beyondSafe(x, y, x * y, intMultiply);
    }
    return mixed(x, y, intMultiply, (p, q) => p * q);
  }
  const count = asInt(b) ?? asInt(a);
  const sequence = asInt(b) !== undefined ? a : b;
  if (count !== undefined && typeof sequence === "string") {
    checkLength(sequence.length * Math.max(0, count), "str", "str * int");
    return sequence.repeat(Math.max(0, count));
  }
  if (count !== undefined && Array.isArray(sequence)) {
    checkLength(sequence.length * Math.max(0, count), "list", "list * int");
    const out: Value[] = [];
    for (let i = 0; i < count; i++) out.push(...sequence);
    return out;
  }
  const time = multiplyTimes(a, b);
  if (time !== undefined) return time;
  throw operandError("multiply", a, b);
}

function numbersFor(
  verb: string,
  a: Value,
  b: Value,
  zero: string,
): [number | bigint, number | bigint] {
  const x = asNumber(a), y = asNumber(b);
  if (x === undefined || y === undefined) throw operandError(verb, a, b);
  if (y === 0) throw new ExprRuntimeError(zero);
  return [x, y];
}

const DIVISION_BY_ZERO = "Division by zero";

/** `a / b`: always a float division; of two ints, their exact quotient rounded once. */
export function trueDivide(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number" && b !== 0) return a / b;
  const time = divideTimes(a, b);
  if (time !== undefined) return time;
  const [x, y] = numbersFor("divide", a, b, DIVISION_BY_ZERO);
  return mixed(x, y, intTrueDivide, (p, q) => p / q);
}

/** `a // b`: floor division (`7 // -2 == -4`), Python's float algorithm. */
export function floorDivide(a: Value, b: Value): Value {
  const time = a instanceof PyTimedelta ? floorDivideTimes(a, b) : undefined;
  if (time !== undefined) return time;
  const [x, y] = typeof a === "number" && typeof b === "number" && b !== 0
    ? [a, b]
    : numbersFor("divide", a, b, DIVISION_BY_ZERO);
  if (typeof x === "bigint" || typeof y === "bigint") {
    return mixed(x, y, intFloorDivide, numberFloorDivide);
  }
  return numberFloorDivide(x, y);
}

/** `x // y` of two numbers (`y` is not zero): exact for safe ints, else Python's float algorithm. */
function numberFloorDivide(x: number, y: number): number {
  if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) {
    const q = Math.floor(x / y);
    // The float quotient can round up to the next integer; step back when it overshoots.
    const overshoots = y > 0 ? q * y > x : q * y < x;
    return overshoots ? q - 1 : q;
  }
  let mod = x % y;
  let div = (x - mod) / y;
  if (mod !== 0 && (y < 0) !== (mod < 0)) {
    mod += y;
    div -= 1;
  }
  if (div === 0) return 0;
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

/** `a % b`: the result takes the sign of the divisor (`-7 % 3 == 2`); `str % args` formats. */
export function modulo(a: Value, b: Value): Value {
  if (typeof a === "string") return formatPercent(a, b);
  const time = a instanceof PyTimedelta ? moduloTimes(a, b) : undefined;
  if (time !== undefined) return time;
  const [x, y] = typeof a === "number" && typeof b === "number" && b !== 0
    ? [a, b]
    : numbersFor("take the remainder of", a, b, "Modulo by zero");
  if (typeof x === "bigint" || typeof y === "bigint") return mixed(x, y, intModulo, numberModulo);
  return numberModulo(x, y);
}

/** `x % y` of two numbers (`y` is not zero), with the sign of `y`. */
function numberModulo(x: number, y: number): number {
  const mod = x % y;
  if (mod !== 0 && (y < 0) !== (mod < 0)) return mod + y;
  return mod === 0 ? 0 : mod;
}

/** `a ** b`: of two ints with `b >= 0`, an exact int; with a negative `b` or a float, a float. */
export function power(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    if (b >= 0 && Number.isSafeInteger(a) && Number.isSafeInteger(b)) {
      // A power that is a safe integer is exact in floats; beyond, only a bigint is.
      const result = a ** b;
      if (isSafe(result)) return result;
      return intPower(a, b);
    }
    return floatPower(a, b);
  }
  const x = asNumber(a), y = asNumber(b);
  if (x === undefined || y === undefined) throw operandError("raise", a, b);
  if (typeof x === "number" && typeof y === "number") return power(x, y);
  if (isExactInt(x) && isExactInt(y) && y >= 0) return intPower(x, y);
  return floatPower(toFloatNumber(x), toFloatNumber(y));
}

/** `x ** y` on floats, or of an int to a negative power, with Python's errors. */
function floatPower(x: number, y: number): number {
  if (x === 0 && y < 0) {
    throw new ExprRuntimeError("Division by zero (0 raised to a negative power)");
  }
  if (x < 0 && !Number.isInteger(y)) {
    throw new ExprRuntimeError("Cannot raise a negative number to a fractional power");
  }
  return x ** y;
}

/** `a + b` where the checker knows one operand is a float: an int operand becomes a float. */
export function addFloat(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") return a + b;
  return add(floatOperand(a), floatOperand(b));
}

/** `a - b` where the checker knows one operand is a float. */
export function subtractFloat(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return subtract(floatOperand(a), floatOperand(b));
}

/** `a * b` where the checker knows one operand is a float. */
export function multiplyFloat(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") return a * b;
  return multiply(floatOperand(a), floatOperand(b));
}

/** `a / b` where the checker knows one operand is a float. */
export function trueDivideFloat(a: Value, b: Value): Value {
  return trueDivide(floatOperand(a), floatOperand(b));
}

/** `a // b` where the checker knows one operand is a float. */
export function floorDivideFloat(a: Value, b: Value): Value {
  return floorDivide(floatOperand(a), floatOperand(b));
}

/** `a % b` where the checker knows one operand is a float (a string on the left formats). */
export function moduloFloat(a: Value, b: Value): Value {
  return typeof a === "string" ? modulo(a, b) : modulo(floatOperand(a), floatOperand(b));
}

/** `a ** b` where the checker knows one operand is a float. */
export function powerFloat(a: Value, b: Value): Value {
  const x = asNumber(floatOperand(a)), y = asNumber(floatOperand(b));
  if (typeof x === "number" && typeof y === "number") return floatPower(x, y);
  return power(a, b);
}

/** `-a`. */
export function negate(a: Value): Value {
  if (typeof a === "number") return -a;
  if (typeof a === "bigint") return -a;
  if (typeof a === "boolean") return a ? -1 : 0;
  const time = negateTime(a);
  if (time !== undefined) return time;
  throw new ExprRuntimeError(`Cannot negate ${typeName(a)}`);
}

/** `+a`. */
export function unaryPlus(a: Value): Value {
  if (typeof a === "number" || typeof a === "bigint") return a;
  if (typeof a === "boolean") return a ? 1 : 0;
  if (a instanceof PyTimedelta) return a;
  throw new ExprRuntimeError(`Cannot apply unary + to ${typeName(a)}`);
}

/** `a == b`: `1 == 1.0 == True`, lists and dicts by content, dates by value. */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a === "string" || typeof b === "string") return false;
  const x = asNumber(a), y = asNumber(b);
  if (x !== undefined || y !== undefined) {
    return x !== undefined && y !== undefined && numbersEqual(x, y);
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime() &&
      (a instanceof AwareDatetime) === (b instanceof AwareDatetime);
  }
  if (a instanceof PyDate || b instanceof PyDate) {
    return a instanceof PyDate && b instanceof PyDate && a.days === b.days;
  }
  if (a instanceof PyTimedelta || b instanceof PyTimedelta) {
    return a instanceof PyTimedelta && b instanceof PyTimedelta &&
      a.totalMicros() === b.totalMicros();
  }
  if (a instanceof PyTimezone || b instanceof PyTimezone) {
    return a instanceof PyTimezone && b instanceof PyTimezone &&
      a.offsetMinutes === b.offsetMinutes;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, i) => equals(item, b[i]));
  }
  if (typeof a !== "object" || typeof b !== "object") return false;
  const left = a as Record<string, Value>, right = b as Record<string, Value>;
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length &&
    keys.every((k) => Object.hasOwn(right, k) && equals(left[k], right[k]));
}

/** `a < b`. */
export function lessThan(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (typeof a === "string" && typeof b === "string") return a < b;
  return order(a, b, "<") < 0;
}

/** `a <= b`. */
export function lessEqual(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a <= b;
  if (typeof a === "string" && typeof b === "string") return a <= b;
  return order(a, b, "<=") <= 0;
}

/** `a > b`. */
export function greaterThan(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a > b;
  if (typeof a === "string" && typeof b === "string") return a > b;
  return order(a, b, ">") > 0;
}

/** `a >= b`. */
export function greaterEqual(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a >= b;
  if (typeof a === "string" && typeof b === "string") return a >= b;
  return order(a, b, ">=") >= 0;
}

/**
 * Orders two values of comparable types: negative, zero or positive. NaN compares as
 * unordered (every comparison false), as in Python.
 */
export function order(a: Value, b: Value, op = "<"): number {
  const x = asNumber(a), y = asNumber(b);
  // `<` and `>` compare a bigint and a number by their exact values.
  if (x !== undefined && y !== undefined) {
    return x < y ? -1 : x > y ? 1 : numbersEqual(x, y) ? 0 : NaN;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const time = orderTimes(a, b);
  if (time !== undefined) return time;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < a.length && i < b.length; i++) {
      if (!equals(a[i], b[i])) return order(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw new ExprRuntimeError(`Cannot compare ${typeName(a)} and ${typeName(b)} with \`${op}\``);
}

/** `item in container`: substring, list membership or dict key. */
export function contains(container: Value, item: Value): boolean {
  if (typeof container === "string") {
    if (typeof item !== "string") {
      throw new ExprRuntimeError(`\`in <str>\` needs a string on the left, not ${typeName(item)}`);
    }
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (const element of container) if (equals(element, item)) return true;
    return false;
  }
  if (isDict(container)) {
    return typeof item === "string"
      ? Object.hasOwn(container, item)
      : Object.hasOwn(container, dictKey(item));
  }
  throw new ExprRuntimeError(
    `\`in\` needs a string, list or dict on the right, not ${typeName(container)}`,
  );
}

/** `a is b`: identity, which for our values is strict equality. */
export function identical(a: Value, b: Value): boolean {
  return a === b;
}

/** The key a value has in a dict: dict keys are strings, other keys are their `str()`. */
export function dictKey(key: Value): string {
  if (typeof key === "string") return key;
  if (key === null) return "None";
  if (typeof key === "boolean") return key ? "True" : "False";
  if (typeof key === "number" || typeof key === "bigint") return String(key);
  throw new ExprRuntimeError(`A ${typeName(key)} cannot be a dict key; use a string or a number`);
}
