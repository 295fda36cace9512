/**
 * Arithmetic with dates, datetimes and durations, as Python's `datetime` module does it:
 * `datetime ± timedelta`, `date ± timedelta` (whole days only), `datetime - datetime`,
 * `date - date`, and durations added, scaled and divided. Each function returns undefined
 * when its operands are not such values, so the operators can try it on their slow path.
 *
 * Datetimes are JS `Date`s and so have millisecond precision; the microseconds of a
 * duration added to one are floored to milliseconds.
 *
 * @module
 */
import { roundHalfEven } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { AwareDatetime, PyDate, PyTimedelta, type Value } from "./values.ts";

/** The earliest and latest instants Python's datetime can hold: 0001-01-01 to 9999-12-31. */
const MIN_TIME = -62_135_596_800_000;
const MAX_TIME = 253_402_300_799_999;
const FIRST_DAY = -719_162; // 0001-01-01
const LAST_DAY = 2_932_896; // 9999-12-31

function isNumber(value: Value): value is number | bigint | boolean {
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint";
}

/** A datetime at `time` (ms) keeping `like`'s time zone, refusing years outside 1..9999. */
function datetimeAt(time: number, like: Date): Date {
  if (!(time >= MIN_TIME && time <= MAX_TIME)) {
    throw new ExprRuntimeError("The date is out of range (years 1 to 9999)");
  }
  return like instanceof AwareDatetime ? new AwareDatetime(time, like.tz) : new Date(time);
}

function dateAt(days: number): PyDate {
  if (days < FIRST_DAY || days > LAST_DAY) {
    throw new ExprRuntimeError("The date is out of range (years 1 to 9999)");
  }
  return new PyDate(days);
}

/** Milliseconds of a duration, floored (the precision of a datetime). */
function millis(td: PyTimedelta): number {
  return Math.floor(td.totalMicros() / 1000);
}

/** `a + b` for dates, datetimes and durations. */
export function addTimes(a: Value, b: Value): Value | undefined {
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) {
    return PyTimedelta.fromMicros(a.totalMicros() + b.totalMicros());
  }
  const [moment, td] = b instanceof PyTimedelta ? [a, b] : [b, a];
  if (!(td instanceof PyTimedelta)) return undefined;
  if (moment instanceof Date) return datetimeAt(moment.getTime() + millis(td), moment);
  if (moment instanceof PyDate) return dateAt(moment.days + td.days);
  return undefined;
}

/** `a - b` for dates, datetimes and durations. */
export function subtractTimes(a: Value, b: Value): Value | undefined {
  if (b instanceof PyTimedelta) {
    if (a instanceof PyTimedelta) return PyTimedelta.fromMicros(a.totalMicros() - b.totalMicros());
    if (a instanceof Date) return datetimeAt(a.getTime() - millis(b), a);
    if (a instanceof PyDate) return dateAt(a.days - b.days);
    return undefined;
  }
  if (a instanceof Date && b instanceof Date) {
    if ((a instanceof AwareDatetime) !== (b instanceof AwareDatetime)) {
      throw new ExprRuntimeError("Cannot subtract a datetime with a time zone and one without");
    }
    return PyTimedelta.fromMicros((a.getTime() - b.getTime()) * 1000);
  }
  if (a instanceof PyDate && b instanceof PyDate) {
    return PyTimedelta.fromMicros((a.days - b.days) * 86_400_000_000);
  }
  return undefined;
}

/** `td * n` and `n * td`: a duration scaled, rounded to microseconds (ties to even). */
export function multiplyTimes(a: Value, b: Value): Value | undefined {
  const [td, n] = a instanceof PyTimedelta ? [a, b] : [b, a];
  if (!(td instanceof PyTimedelta) || !isNumber(n)) return undefined;
  return scaled(td.totalMicros() * Number(n));
}

function scaled(micros: number): PyTimedelta {
  if (!Number.isFinite(micros)) throw new ExprRuntimeError("Cannot make a timedelta that large");
  return PyTimedelta.fromMicros(roundHalfEven(micros));
}

/** `td / td` (a float) and `td / n` (a duration). */
export function divideTimes(a: Value, b: Value): Value | undefined {
  if (!(a instanceof PyTimedelta)) return undefined;
  if (b instanceof PyTimedelta) {
    if (b.totalMicros() === 0) throw new ExprRuntimeError("Division by a zero timedelta");
    return a.totalMicros() / b.totalMicros();
  }
  if (!isNumber(b)) return undefined;
  if (Number(b) === 0) throw new ExprRuntimeError("Division of a timedelta by zero");
  return scaled(a.totalMicros() / Number(b));
}

/** `td // td` (an int) and `td // int` (a duration, floored). */
export function floorDivideTimes(a: Value, b: Value): Value | undefined {
  if (!(a instanceof PyTimedelta)) return undefined;
  if (b instanceof PyTimedelta) {
    if (b.totalMicros() === 0) throw new ExprRuntimeError("Division by a zero timedelta");
    return Math.floor(a.totalMicros() / b.totalMicros());
  }
  if (!isNumber(b) || !Number.isInteger(Number(b))) return undefined;
  if (Number(b) === 0) throw new ExprRuntimeError("Division of a timedelta by zero");
  return PyTimedelta.fromMicros(Math.floor(a.totalMicros() / Number(b)));
}

/** `td % td`: the remainder, with the sign of the divisor. */
export function moduloTimes(a: Value, b: Value): Value | undefined {
  if (!(a instanceof PyTimedelta) || !(b instanceof PyTimedelta)) return undefined;
  const divisor = b.totalMicros();
  if (divisor === 0) throw new ExprRuntimeError("Modulo by a zero timedelta");
  const rest = a.totalMicros() % divisor;
  return PyTimedelta.fromMicros(rest !== 0 && (rest < 0) !== (divisor < 0) ? rest + divisor : rest);
}

/** `-td`. */
export function negateTime(a: Value): Value | undefined {
  return a instanceof PyTimedelta ? PyTimedelta.fromMicros(-a.totalMicros()) : undefined;
}

/**
 * Orders two dates, datetimes or durations: negative, zero or positive; undefined when they
 * are not two of the same kind. Datetimes with and without a time zone cannot be ordered.
 */
export function orderTimes(a: Value, b: Value): number | undefined {
  if (a instanceof Date && b instanceof Date) {
    if ((a instanceof AwareDatetime) !== (b instanceof AwareDatetime)) {
      throw new ExprRuntimeError("Cannot compare a datetime with a time zone and one without");
    }
    return a.getTime() - b.getTime();
  }
  if (a instanceof PyDate && b instanceof PyDate) return a.days - b.days;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) {
    return a.totalMicros() - b.totalMicros();
  }
  return undefined;
}
