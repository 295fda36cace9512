/**
 * Python's operator semantics over run-time values: arithmetic (`//` floors, `%` takes the
 * sign of the divisor, `/` always divides as floats, `**` of floats with CPython's special
 * cases and OverflowError), negation and truthiness. (Comparisons are in `comparison.ts`.)
 *
 * Every value knows its Python type (see `values.ts`): a plain number is an int when it is a
 * whole number and a float otherwise, a whole float is a `PyFloat`, an int beyond 2^53 a
 * `bigint`. Each operator has a fast path for two plain numbers that costs nothing on the
 * common cases: two small ints (the int32 test, which the compiler proves for free on them),
 * and floats whose result is not a whole number. Everything else (a whole float result, ints
 * past 2^53, bools, boxed floats, strings, sequences, dates) takes a slow path kept out of
 * line, so the fast path stays small.
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
  subtractTimes,
} from "./datetime_arith.ts";
import { formatPercent } from "./percent_format.ts";
import {
  exactInt,
  type Int,
  intAdd,
  intFloorDivide,
  intModulo,
  intMultiply,
  intPower,
  intSubtract,
  intToFloat,
  intTrueDivide,
} from "./integers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import {
  floatValue,
  PyDict,
  PyDictView,
  PyFloat,
  PyRange,
  PyTuple,
  tupleOf,
  typeNameOf,
  type Value,
} from "./values.ts";
import { PyTimedelta } from "./datetime_values.ts";

/** Python's name of a value's type, for messages: `int`, `str`, `NoneType`... */
export function typeName(value: Value): string {
  return typeNameOf(value);
}

/** Python truthiness: `None`, `False`, `0`, `0.0`, `""`, empty containers are false. */
export function truthy(value: Value): boolean {
  if (value === null || value === false || value === 0 || value === "") return false;
  if (typeof value !== "object") return true; // NaN included, as in Python
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyFloat) return value.value !== 0;
  if (value instanceof PyTimedelta) return !value.isZero();
  if (value instanceof PyDict) return value.size > 0;
  return true;
}

/** An int operand's exact value (bools count, as Python's bool is an int); undefined otherwise. */
export function intOf(value: Value): Int | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value + 0 : undefined;
  if (typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}

/** Whether a value is a number: an int, a float or a bool. */
export function isNumber(value: Value): value is number | bigint | boolean | PyFloat {
  return typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" ||
    value instanceof PyFloat;
}

/**
 * A numeric operand as a float, as Python converts an int next to a float (OverflowError for
 * an int beyond 1.8e308); undefined for values that are not numbers.
 */
export function floatOf(value: Value): number | undefined {
  if (typeof value === "number") return value + 0; // an int's -0 is 0
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "bigint") return intToFloat(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}

/** A number's exact value for comparisons: ints and floats as they are, bools 0 and 1. */
export function comparable(value: Value): number | bigint | undefined {
  if (typeof value === "number" || typeof value === "bigint") return value;
  if (value instanceof PyFloat) return value.value;
  if (typeof value === "boolean") return value ? 1 : 0;
  return undefined;
}

/** Whether two numbers are equal, an int and a float included (`2**60 == 2.0**60`). */
export function numbersEqual(x: number | bigint, y: number | bigint): boolean {
  // Loose equality compares a bigint and a number by their exact values.
  // deno-lint-ignore eqeqeq
  return typeof x === typeof y ? x === y : x == y;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function operandError(verb: string, a: Value, b: Value, hint = ""): ExprRuntimeError {
  return new ExprRuntimeError(
    `Cannot ${verb} ${typeName(a)} and ${typeName(b)}${hint}`,
    "TypeError",
  );
}

/**
 * Two numeric operands as Python combines them: two ints (bools count) with `ints`, exactly;
 * otherwise both as floats with `floats`. Undefined when either is not a number.
 */
function numeric(
  a: Value,
  b: Value,
  ints: (x: Int, y: Int) => Value,
  floats: (x: number, y: number) => Value,
): Value | undefined {
  if (!isNumber(a) || !isNumber(b)) return undefined;
  const x = intOf(a), y = intOf(b);
  if (x !== undefined && y !== undefined) return ints(x, y);
  return floats(floatOf(a)!, floatOf(b)!);
}

/** `x + y` of two ints, exact at any size. */
function sumOfInts(x: Int, y: Int): Int {
  if (typeof x === "number" && typeof y === "number") {
    const sum = x + y;
    if (Math.abs(sum) <= MAX_SAFE) return sum;
  }
  return intAdd(x, y);
}

/**
 * `a + b` where the checker proved both operands ints (`row_id * 3 + 7`): no float can be
 * among them, so no check for one. A `bigint` operand or a sum past 2^53 takes the exact path.
 */
export function addInts(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if ((sum | 0) === sum || Math.abs(sum) <= MAX_SAFE) return sum;
  }
  return add(a, b);
}

/** `a - b` of two proven ints (see {@link addInts}). */
export function subtractInts(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const difference = a - b;
    if ((difference | 0) === difference || Math.abs(difference) <= MAX_SAFE) return difference;
  }
  return subtract(a, b);
}

/** `a * b` of two proven ints (see {@link addInts}); `0 * -3` is 0, not -0. */
export function multiplyInts(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const product = a * b;
    if ((product | 0) === product) return product | 0;
    if (Math.abs(product) <= MAX_SAFE) return product;
  }
  return multiply(a, b);
}

/** `a + b`: numbers, string, list and tuple concatenation. */
export function add(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if ((sum | 0) === sum) {
      if ((a | 0) === a && (b | 0) === b) return sum; // two small ints
      if (!Number.isInteger(a) || !Number.isInteger(b)) return new PyFloat(sum); // 0.5 + 0.5
    } else if (!Number.isInteger(sum)) {
      if (sum === sum) return sum; // a float that is not whole (a NaN is boxed) // a float that is not whole
    } else if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(sum) <= MAX_SAFE) {
      return sum;
    }
  } else if (
    typeof a === "string" && typeof b === "string" && a.length + b.length <= MAX_SEQUENCE_LENGTH
  ) {
    return a + b;
  }
  return addSlow(a, b);
}

/** A whole float (boxed) and a number, for `+ - *`: their float result; undefined otherwise. */
function boxedOperands(
  a: Value,
  b: Value,
  op: (x: number, y: number) => number,
): Value | undefined {
  // A boxed float keeps its sign (-0.0); a plain number is an int or a float that is not zero.
  const x = a instanceof PyFloat ? a.value : a;
  const y = b instanceof PyFloat ? b.value : b;
  if (typeof x !== "number" || typeof y !== "number") return undefined;
  return floatValue(op(x, y));
}

function addSlow(a: Value, b: Value): Value {
  if (a instanceof PyFloat || b instanceof PyFloat) {
    const boxed = boxedOperands(a, b, (x, y) => x + y);
    if (boxed !== undefined) return boxed;
  }
  if (typeof a === "string" && typeof b === "string") {
    checkLength(a.length + b.length, "str", "str + str");
    return a + b;
  }
  const number = numeric(a, b, sumOfInts, (x, y) => floatValue(x + y));
  if (number !== undefined) return number;
  if (Array.isArray(a) && Array.isArray(b) && a.constructor === b.constructor) {
    if (a instanceof PyTuple) {
      checkLength(a.length + b.length, "list", "tuple + tuple");
      return tupleOf([...a, ...b]);
    }
    if (!(a instanceof PyRange || a instanceof PyDictView)) {
      checkLength(a.length + b.length, "list", "list + list");
      return a.concat(b);
    }
  }
  const time = addTimes(a, b);
  if (time !== undefined) return time;
  const hint = typeof a === "string" || typeof b === "string"
    ? ": convert the other value with str(...) first"
    : Array.isArray(a) && Array.isArray(b)
    ? ": only a list joins a list, and a tuple a tuple"
    : "";
  throw operandError("add", a, b, hint);
}

/** `x - y` of two ints, exact at any size. */
function differenceOfInts(x: Int, y: Int): Int {
  if (typeof x === "number" && typeof y === "number") {
    const difference = x - y;
    if (Math.abs(difference) <= MAX_SAFE) return difference;
  }
  return intSubtract(x, y);
}

/** `a - b`. */
export function subtract(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const difference = a - b;
    if ((difference | 0) === difference) {
      if ((a | 0) === a && (b | 0) === b) return difference;
      if (!Number.isInteger(a) || !Number.isInteger(b)) return new PyFloat(difference);
    } else if (!Number.isInteger(difference)) {
      if (difference === difference) return difference; // a float that is not whole (a NaN is boxed)
    } else if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(difference) <= MAX_SAFE) {
      return difference;
    }
  }
  return subtractSlow(a, b);
}

function subtractSlow(a: Value, b: Value): Value {
  if (a instanceof PyFloat || b instanceof PyFloat) {
    const boxed = boxedOperands(a, b, (x, y) => x - y);
    if (boxed !== undefined) return boxed;
  }
  const number = numeric(a, b, differenceOfInts, (x, y) => floatValue(x - y));
  if (number !== undefined) return number;
  const time = subtractTimes(a, b);
  if (time !== undefined) return time;
  throw operandError("subtract", a, b);
}

/** `x * y` of two ints, exact at any size. */
function productOfInts(x: Int, y: Int): Int {
  if (typeof x === "number" && typeof y === "number") {
    const product = x * y;
    if (Math.abs(product) <= MAX_SAFE) return product + 0; // 0 * -3 is 0, not -0
  }
  return intMultiply(x, y);
}

/** `a * b`: numbers, and repetition of strings, lists and tuples by an int. */
export function multiply(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number") {
    const product = a * b;
    if ((product | 0) === product) {
      if ((a | 0) === a && (b | 0) === b) return product | 0; // two small ints (`| 0`: -0 is 0)
      if (!Number.isInteger(a) || !Number.isInteger(b)) return new PyFloat(product); // 1.5 * 2
    } else if (!Number.isInteger(product)) {
      if (product === product) return product; // a float that is not whole (a NaN is boxed)
    } else if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(product) <= MAX_SAFE) {
      return product;
    }
  }
  return multiplySlow(a, b);
}

function multiplySlow(a: Value, b: Value): Value {
  if (a instanceof PyFloat || b instanceof PyFloat) {
    const boxed = boxedOperands(a, b, (x, y) => x * y);
    if (boxed !== undefined) return boxed;
  }
  const number = numeric(a, b, productOfInts, (x, y) => floatValue(x * y));
  if (number !== undefined) return number;
  const [sequence, times] = typeof a === "string" || Array.isArray(a) ? [a, b] : [b, a];
  const count = intOf(times);
  if (count !== undefined) {
    const n = Math.max(0, Number(count));
    if (typeof sequence === "string") {
      checkLength(sequence.length * n, "str", "str * int");
      return sequence.repeat(n);
    }
    if (
      Array.isArray(sequence) && !(sequence instanceof PyRange || sequence instanceof PyDictView)
    ) {
      checkLength(sequence.length * n, "list", `${typeName(sequence)} * int`);
      const out: Value[] = [];
      for (let i = 0; i < n; i++) for (const item of sequence) out.push(item);
      return sequence instanceof PyTuple ? tupleOf(out) : out;
    }
  }
  const time = multiplyTimes(a, b);
  if (time !== undefined) return time;
  if ((typeof sequence === "string" || Array.isArray(sequence)) && isNumber(times)) {
    throw new ExprRuntimeError(
      `Cannot multiply a sequence by a ${typeName(times)}: the count must be an int`,
      "TypeError",
    );
  }
  throw operandError("multiply", a, b);
}

/** Python's ZeroDivisionError, with its message (`float division by zero`...). */
function divisionByZero(what = "division by zero"): ExprRuntimeError {
  return new ExprRuntimeError(what[0].toUpperCase() + what.slice(1), "ZeroDivisionError");
}

/** `a / b`: always a float; of two ints, their exact quotient rounded once. */
export function trueDivide(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number" && b !== 0) {
    // Of two safe ints, the float quotient is their exact quotient rounded once.
    return floatValue(a / b);
  }
  const time = divideTimes(a, b);
  if (time !== undefined) return time;
  const number = numeric(a, b, (x, y) => {
    if (y === 0) throw divisionByZero();
    return floatValue(intTrueDivide(x, y));
  }, (x, y) => {
    if (y === 0) throw divisionByZero("float division by zero");
    return floatValue(x / y);
  });
  if (number !== undefined) return number;
  throw operandError("divide", a, b);
}

/** `a // b`: floor division (`7 // -2 == -4`), Python's float algorithm for floats. */
export function floorDivide(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number" && b !== 0) {
    if (Number.isInteger(a) && Number.isInteger(b)) return intFloorDivideNumbers(a, b);
    return floatValue(floatFloorDivide(a + 0, b + 0));
  }
  if (a instanceof PyTimedelta) {
    const time = floorDivideTimes(a, b);
    if (time !== undefined) return time;
  }
  const number = numeric(a, b, (x, y) => {
    if (y === 0) throw divisionByZero("integer division or modulo by zero");
    return typeof x === "number" && typeof y === "number"
      ? intFloorDivideNumbers(x, y)
      : intFloorDivide(x, y);
  }, (x, y) => {
    if (y === 0) throw divisionByZero("float floor division by zero");
    return floatValue(floatFloorDivide(x, y));
  });
  if (number !== undefined) return number;
  throw operandError("floor-divide", a, b);
}

/** `x // y` of two safe ints (`y` is not zero): exact. */
function intFloorDivideNumbers(x: number, y: number): number {
  const q = Math.floor(x / y);
  // The float quotient can round up to the next integer; step back when it overshoots.
  const overshoots = y > 0 ? q * y > x : q * y < x;
  return (overshoots ? q - 1 : q) + 0;
}

/** CPython's `x // y` of floats (`y` is not zero), signed zeros included. */
function floatFloorDivide(x: number, y: number): number {
  // C's `if (mod)` and `if (div)` hold for NaN too: JavaScript's do not, so `!== 0`.
  let mod = x % y; // C's fmod, exactly
  let div = (x - mod) / y;
  if (mod !== 0) {
    if ((y < 0) !== (mod < 0)) {
      mod += y;
      div -= 1;
    }
  }
  if (div !== 0) {
    let floor = Math.floor(div);
    if (div - floor > 0.5) floor += 1;
    return floor;
  }
  return Math.sign(x / y) === -1 || Object.is(x / y, -0) ? -0 : 0;
}

/** CPython's `x % y` of floats (`y` is not zero): the sign of `y`, signed zeros included. */
function floatModulo(x: number, y: number): number {
  const mod = x % y;
  if (mod !== 0) return (y < 0) !== (mod < 0) ? mod + y : mod;
  return y < 0 || Object.is(y, -0) ? -0 : 0;
}

/** `a % b`: the result takes the sign of the divisor (`-7 % 3 == 2`); `str % args` formats. */
export function modulo(a: Value, b: Value): Value {
  if (typeof a === "number" && typeof b === "number" && b !== 0) {
    if (Number.isInteger(a) && Number.isInteger(b)) {
      const mod = a % b;
      return mod !== 0 && (b < 0) !== (mod < 0) ? mod + b : mod + 0;
    }
    return floatValue(floatModulo(a + 0, b + 0));
  }
  if (typeof a === "string") return formatPercent(a, b);
  if (a instanceof PyTimedelta) {
    const time = moduloTimes(a, b);
    if (time !== undefined) return time;
  }
  const number = numeric(a, b, (x, y) => {
    if (y === 0) throw divisionByZero("integer division or modulo by zero");
    return typeof x === "number" && typeof y === "number" ? modulo(x, y) : intModulo(x, y);
  }, (x, y) => {
    if (y === 0) throw divisionByZero("float modulo");
    return floatValue(floatModulo(x, y));
  });
  if (number !== undefined) return number;
  throw operandError("take the remainder of", a, b);
}

/** `a ** b`: of two ints with `b >= 0`, an exact int; with a negative `b` or a float, a float. */
export function power(a: Value, b: Value): Value {
  if (
    typeof a === "number" && typeof b === "number" && b >= 0 && Number.isSafeInteger(a) &&
    Number.isSafeInteger(b)
  ) {
    // A power that is a safe integer is exact in floats; beyond, only a bigint is.
    const result = a ** b;
    if (Math.abs(result) <= MAX_SAFE) return result + 0;
    return intPower(a, b);
  }
  const number = numeric(
    a,
    b,
    (x, y) => (y >= 0 ? intPower(x, y) : floatValue(floatPower(toFloat(x), toFloat(y)))),
    (x, y) => floatValue(floatPower(x, y)),
  );
  if (number !== undefined) return number;
  throw operandError("raise", a, b);
}

function toFloat(n: Int): number {
  return typeof n === "bigint" ? intToFloat(n) : n;
}

/** Whether a float is an odd integer. */
function isOddInteger(x: number): boolean {
  return Number.isInteger(x) && Math.abs(x % 2) === 1;
}

/**
 * CPython's `x ** y` of floats (`float_pow`): its special cases of zeros, ones, infinities
 * and NaNs, ZeroDivisionError for `0.0 ** -1`, OverflowError where a finite power overflows,
 * and a refusal where Python's result is a complex number.
 */
export function floatPower(x: number, y: number): number {
  if (y === 0) return 1;
  if (Number.isNaN(x)) return x;
  if (Number.isNaN(y)) return x === 1 ? 1 : y;
  if (!Number.isFinite(y)) {
    const abs = Math.abs(x);
    if (abs === 1) return 1;
    return (y > 0) === (abs > 1) ? Infinity : 0;
  }
  if (!Number.isFinite(x)) {
    const odd = isOddInteger(y);
    if (y > 0) return odd ? x : Math.abs(x);
    return odd ? (x < 0 ? -0 : 0) : 0;
  }
  if (x === 0) {
    if (y < 0) {
      throw new ExprRuntimeError("0.0 cannot be raised to a negative power", "ZeroDivisionError");
    }
    return isOddInteger(y) ? x : 0;
  }
  let negate = false;
  if (x < 0) {
    if (!Number.isInteger(y)) {
      throw new ExprRuntimeError(
        "A negative number raised to a fractional power is a complex number, which is not " +
          "supported",
      );
    }
    x = -x;
    negate = isOddInteger(y);
  }
  if (x === 1) return negate ? -1 : 1;
  const result = x ** y;
  if (!Number.isFinite(result)) {
    throw new ExprRuntimeError(
      "The power is too large for a float: numerical result out of range",
      "OverflowError",
    );
  }
  return negate ? -result : result;
}

/** `-a`. */
export function negate(a: Value): Value {
  if (typeof a === "number") return 0 - a; // an int's negation is never -0
  if (a instanceof PyFloat) return new PyFloat(-a.value);
  if (typeof a === "bigint") return exactInt(-a, "-int");
  if (typeof a === "boolean") return a ? -1 : 0;
  const time = negateTime(a);
  if (time !== undefined) return time;
  throw new ExprRuntimeError(`Cannot negate ${typeName(a)}`, "TypeError");
}

/** `+a`. */
export function unaryPlus(a: Value): Value {
  if (typeof a === "number" || typeof a === "bigint" || a instanceof PyFloat) return a;
  if (typeof a === "boolean") return a ? 1 : 0;
  if (a instanceof PyTimedelta) return a;
  throw new ExprRuntimeError(`Cannot apply unary + to ${typeName(a)}`, "TypeError");
}
