/**
 * Arithmetic with dates, datetimes and durations, as Python's `datetime` module does it:
 * `datetime ± timedelta`, `date ± timedelta` (whole days only), `datetime - datetime`,
 * `date - date`, and durations added, scaled and divided. Each function returns undefined
 * when its operands are not such values, so the operators can try it on their slow path.
 *
 * Everything is exact to the microsecond, as in Python: datetimes keep their microseconds
 * (see `MicroDatetime`), durations their parts, and scaling or dividing a duration computes
 * on its exact microseconds (a `bigint`), rounding once, half to even, as CPython does.
 *
 * @module
 */
import { intFloorDivide, intModulo, intTrueDivide } from "./integers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import {
  AwareDatetime,
  compareInstants,
  datetimeAt,
  microsOf,
  PyDate,
  PyTime,
  PyTimedelta,
} from "./datetime_values.ts";
import { floatValue, PyFloat, type Value } from "./values.ts";
import { DAY_MS } from "../arrow/time.ts";

/** The earliest and latest instants Python's datetime can hold: 0001-01-01 to 9999-12-31. */
const MIN_TIME = -62_135_596_800_000;
const MAX_TIME = 253_402_300_799_999;
const FIRST_DAY = -719_162; // 0001-01-01
const LAST_DAY = 2_932_896; // 9999-12-31

function outOfRange(): ExprRuntimeError {
  return new ExprRuntimeError("The date is out of range (years 1 to 9999)", "OverflowError");
}

/**
 * A datetime `td` after `moment` (before, with `sign` -1), keeping its time zone: exact, on
 * milliseconds and microseconds apart.
 */
function shifted(moment: Date, td: PyTimedelta, sign: 1 | -1): Date {
  // Beyond these days the result is out of range whatever the datetime: refused before the
  // sum could grow past exact numbers.
  if (Math.abs(td.days) > LAST_DAY - FIRST_DAY + 1) throw outOfRange();
  const ms = moment.getTime() +
    sign * (td.days * DAY_MS + td.seconds * 1000 + Math.floor(td.microseconds / 1000));
  const us = microsOf(moment) + sign * (td.microseconds % 1000);
  const result = datetimeAt(ms, us, moment instanceof AwareDatetime ? moment.tz : undefined);
  const time = result.getTime();
  if (!(time >= MIN_TIME && time <= MAX_TIME)) throw outOfRange();
  return result;
}

function dateAt(days: number): PyDate {
  if (days < FIRST_DAY || days > LAST_DAY) throw outOfRange();
  return new PyDate(days);
}

/** `a + b` for dates, datetimes and durations. */
export function addTimes(a: Value, b: Value): Value | undefined {
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) {
    return PyTimedelta.fromParts(
      a.days + b.days,
      a.seconds + b.seconds,
      a.microseconds + b.microseconds,
    );
  }
  const [moment, td] = b instanceof PyTimedelta ? [a, b] : [b, a];
  if (!(td instanceof PyTimedelta)) return undefined;
  if (moment instanceof Date) return shifted(moment, td, 1);
  if (moment instanceof PyDate) return dateAt(moment.days + td.days);
  return undefined;
}

/** `a - b` for dates, datetimes and durations. */
export function subtractTimes(a: Value, b: Value): Value | undefined {
  if (b instanceof PyTimedelta) {
    if (a instanceof PyTimedelta) {
      return PyTimedelta.fromParts(
        a.days - b.days,
        a.seconds - b.seconds,
        a.microseconds - b.microseconds,
      );
    }
    if (a instanceof Date) return shifted(a, b, -1);
    if (a instanceof PyDate) return dateAt(a.days - b.days);
    return undefined;
  }
  if (a instanceof Date && b instanceof Date) {
    if ((a instanceof AwareDatetime) !== (b instanceof AwareDatetime)) {
      throw new ExprRuntimeError(
        "Cannot subtract a datetime with a time zone and one without",
        "TypeError",
      );
    }
    const ms = a.getTime() - b.getTime();
    const days = Math.floor(ms / DAY_MS);
    return PyTimedelta.fromParts(
      days,
      0,
      (ms - days * DAY_MS) * 1000 + microsOf(a) - microsOf(b),
    );
  }
  if (a instanceof PyDate && b instanceof PyDate) {
    return PyTimedelta.fromParts(a.days - b.days, 0, 0);
  }
  return undefined;
}

/** A number operand: an int exactly (a `bigint`), a float as its number; undefined otherwise. */
function numberOperand(value: Value): bigint | number | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === "bigint") return value;
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (value instanceof PyFloat) return value.value;
  return undefined;
}

/** A float as the exact ratio of two ints (Python's `float.as_integer_ratio()`). */
function integerRatio(x: number): [bigint, bigint] {
  if (!Number.isFinite(x)) {
    throw Number.isNaN(x)
      ? new ExprRuntimeError("Cannot convert float nan to an integer ratio", "ValueError")
      : new ExprRuntimeError("Cannot convert float infinity to an integer ratio", "OverflowError");
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent = biased - 1075;
  if (biased === 0) exponent = -1074;
  else mantissa |= 1n << 52n;
  if (x < 0) mantissa = -mantissa;
  return exponent >= 0 ? [mantissa << BigInt(exponent), 1n] : [mantissa, 1n << BigInt(-exponent)];
}

/** `round(a / b)` of two ints, ties to even (CPython's `_divide_and_round`). */
function divideAndRound(a: bigint, b: bigint): bigint {
  let q = a / b;
  let r = a % b;
  // Floor division, as Python's divmod.
  if (r !== 0n && (r < 0n) !== (b < 0n)) {
    q -= 1n;
    r += b;
  }
  const twice = 2n * r;
  const greater = b > 0n ? twice > b : twice < b;
  if (greater || (twice === b && (q & 1n) === 1n)) q += 1n;
  return q;
}

/** `td * n` and `n * td`: exact for an int, rounded once (ties to even) for a float. */
export function multiplyTimes(a: Value, b: Value): Value | undefined {
  const [td, n] = a instanceof PyTimedelta ? [a, b] : [b, a];
  const factor = numberOperand(n);
  if (!(td instanceof PyTimedelta) || factor === undefined) return undefined;
  const micros = td.totalMicrosExact();
  if (typeof factor === "bigint") return PyTimedelta.fromMicrosExact(micros * factor);
  const [p, q] = integerRatio(factor);
  return PyTimedelta.fromMicrosExact(divideAndRound(micros * p, q));
}

function zeroDivision(what: string): ExprRuntimeError {
  return new ExprRuntimeError(what, "ZeroDivisionError");
}

/** `td / td` (a float) and `td / n` (a duration, rounded half to even). */
export function divideTimes(a: Value, b: Value): Value | undefined {
  if (!(a instanceof PyTimedelta)) return undefined;
  if (b instanceof PyTimedelta) {
    if (b.isZero()) throw zeroDivision("Division by a zero timedelta");
    return floatValue(intTrueDivide(a.totalMicrosExact(), b.totalMicrosExact()));
  }
  const divisor = numberOperand(b);
  if (divisor === undefined) return undefined;
  if (divisor === 0n || divisor === 0) throw zeroDivision("Division of a timedelta by zero");
  const micros = a.totalMicrosExact();
  if (typeof divisor === "bigint") {
    return PyTimedelta.fromMicrosExact(divideAndRound(micros, divisor));
  }
  const [p, q] = integerRatio(divisor);
  return PyTimedelta.fromMicrosExact(divideAndRound(q * micros, p));
}

/** `td // td` (an int) and `td // int` (a duration, floored). */
export function floorDivideTimes(a: Value, b: Value): Value | undefined {
  if (!(a instanceof PyTimedelta)) return undefined;
  if (b instanceof PyTimedelta) {
    if (b.isZero()) throw zeroDivision("Division by a zero timedelta");
    return intFloorDivide(a.totalMicrosExact(), b.totalMicrosExact());
  }
  const divisor = numberOperand(b);
  if (typeof divisor !== "bigint") return undefined;
  if (divisor === 0n) throw zeroDivision("Division of a timedelta by zero");
  return PyTimedelta.fromMicrosExact(BigInt(intFloorDivide(a.totalMicrosExact(), divisor)));
}

/** `td % td`: the remainder, with the sign of the divisor. */
export function moduloTimes(a: Value, b: Value): Value | undefined {
  if (!(a instanceof PyTimedelta) || !(b instanceof PyTimedelta)) return undefined;
  if (b.isZero()) throw zeroDivision("Modulo by a zero timedelta");
  return PyTimedelta.fromMicrosExact(BigInt(intModulo(a.totalMicrosExact(), b.totalMicrosExact())));
}

/** `-td`. */
export function negateTime(a: Value): Value | undefined {
  if (!(a instanceof PyTimedelta)) return undefined;
  return PyTimedelta.fromParts(-a.days, -a.seconds, -a.microseconds);
}

/** The duration's absolute value. */
export function absoluteTime(td: PyTimedelta): PyTimedelta {
  return td.days < 0 ? negateTime(td) as PyTimedelta : td;
}

/**
 * Orders two dates, datetimes, durations or times: negative, zero or positive; undefined
 * when they are not two of the same kind. Datetimes (and times) with and without a time zone
 * cannot be ordered.
 */
export function orderTimes(a: Value, b: Value): number | undefined {
  if (a instanceof Date && b instanceof Date) {
    if ((a instanceof AwareDatetime) !== (b instanceof AwareDatetime)) {
      throw new ExprRuntimeError(
        "Cannot compare a datetime with a time zone and one without",
        "TypeError",
      );
    }
    return compareInstants(a, b);
  }
  if (a instanceof PyDate && b instanceof PyDate) return a.days - b.days;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return a.compare(b);
  if (a instanceof PyTime && b instanceof PyTime) {
    if ((a.tz === undefined) !== (b.tz === undefined)) {
      throw new ExprRuntimeError(
        "Cannot compare a time with a time zone and one without",
        "TypeError",
      );
    }
    return timeOfDayMicros(a) - timeOfDayMicros(b);
  }
  return undefined;
}

/** A time's microseconds since midnight, in UTC when it has a time zone. */
export function timeOfDayMicros(t: PyTime): number {
  return t.micros() - (t.tz?.offsetSeconds ?? 0) * 1_000_000;
}
