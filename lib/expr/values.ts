/**
 * Runtime values of the expression language and their Python-like text forms.
 *
 * Python's `int` and `float` are both JavaScript numbers at run time; which one a value is
 * is known statically (see {@link StaticType}) and decides the column's Arrow type. An int
 * beyond 2^53 is a `bigint` (exact, as Python's ints are; see `integers.ts`), so a `bigint`
 * is always an int and a number that is not a safe integer always a float.
 *
 * @module
 */

/**
 * The base of value classes that are neither JS primitives nor containers (dates, time
 * deltas, time zones), so a plain object is known to be a dict.
 */
export abstract class PyObject {}

/** A calendar date without time (Python's `datetime.date`), as days since 1970-01-01. */
export class PyDate extends PyObject {
  /** Days since the Unix epoch. */
  readonly days: number;
  constructor(days: number) {
    super();
    this.days = days;
  }
  /** The date from a UTC year, month (1-12) and day. */
  static of(year: number, month: number, day: number): PyDate {
    return new PyDate(Math.floor(Date.UTC(year, month - 1, day) / 86400000));
  }
  /** The UTC calendar date of a JS Date. */
  static fromDate(d: Date): PyDate {
    return new PyDate(Math.floor(d.getTime() / 86400000));
  }
  /** Midnight UTC of this date. */
  toDate(): Date {
    return new Date(this.days * 86400000);
  }
  /** ISO form `YYYY-MM-DD`, as Python's `str(date)`. */
  override toString(): string {
    return this.toDate().toISOString().slice(0, 10);
  }
}

const MICROS_PER_DAY = 86_400_000_000;

/**
 * A duration (Python's `datetime.timedelta`), normalised as Python does: `days` may be
 * negative, `0 <= seconds < 86400`, `0 <= microseconds < 1000000`.
 */
export class PyTimedelta extends PyObject {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;
  private constructor(days: number, seconds: number, microseconds: number) {
    super();
    this.days = days;
    this.seconds = seconds;
    this.microseconds = microseconds;
  }

  /** The duration of a whole number of microseconds. */
  static fromMicros(total: number): PyTimedelta {
    const days = Math.floor(total / MICROS_PER_DAY);
    const rest = total - days * MICROS_PER_DAY;
    const seconds = Math.floor(rest / 1_000_000);
    return new PyTimedelta(days + 0, seconds, rest - seconds * 1_000_000);
  }

  /** The duration in microseconds (exact up to about 285 years). */
  totalMicros(): number {
    return this.days * MICROS_PER_DAY + this.seconds * 1_000_000 + this.microseconds;
  }

  /** Python's `str(timedelta)`: `2 days, 3:04:05.000006`. */
  override toString(): string {
    const minutes = Math.floor(this.seconds / 60);
    const clock = `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}:${
      String(this.seconds % 60).padStart(2, "0")
    }`;
    const days = this.days ? `${this.days} day${Math.abs(this.days) === 1 ? "" : "s"}, ` : "";
    const micros = this.microseconds ? "." + String(this.microseconds).padStart(6, "0") : "";
    return days + clock + micros;
  }
}

/** A fixed UTC offset (Python's `datetime.timezone`), such as `timezone.utc`. */
export class PyTimezone extends PyObject {
  /** Offset from UTC in minutes, east positive. */
  readonly offsetMinutes: number;
  /** The name given to `timezone(offset, name)`, or undefined. */
  readonly name?: string;
  constructor(offsetMinutes: number, name?: string) {
    super();
    this.offsetMinutes = offsetMinutes;
    if (name !== undefined) this.name = name;
  }

  /** `+HH:MM` (`sep` between hours and minutes, `""` for strftime's `%z`). */
  offsetText(sep = ":"): string {
    const sign = this.offsetMinutes < 0 ? "-" : "+";
    const abs = Math.abs(this.offsetMinutes);
    return sign + String(Math.floor(abs / 60)).padStart(2, "0") + sep +
      String(abs % 60).padStart(2, "0");
  }

  /** Python's `str(tz)`: its name, `UTC` for zero, else `UTC+02:00`. */
  override toString(): string {
    if (this.name !== undefined) return this.name;
    return this.offsetMinutes === 0 ? "UTC" : "UTC" + this.offsetText();
  }
}

/** `timezone.utc`, also `datetime.UTC`. */
export const UTC_ZONE: PyTimezone = new PyTimezone(0);

/**
 * A datetime with a time zone (Python's aware datetime). As a JS `Date` it is the instant;
 * its fields (year, hour...) are read in `tz`. Plain `Date`s are naive datetimes, read in UTC.
 */
export class AwareDatetime extends Date {
  readonly tz: PyTimezone;
  constructor(time: number, tz: PyTimezone) {
    super(time);
    this.tz = tz;
  }
}

/**
 * A datetime's wall-clock time as a UTC `Date`: itself when naive, shifted by its offset when
 * aware, so that `getUTCHours()` and friends read its fields.
 */
export function wallClock(d: Date): Date {
  return d instanceof AwareDatetime ? new Date(d.getTime() + d.tz.offsetMinutes * 60_000) : d;
}

/** Any value an expression can produce. Datetimes are JS `Date`s in UTC. */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Date
  | PyDate
  | PyTimedelta
  | PyTimezone
  | Value[]
  | { [key: string]: Value };

/** Whether a value is a dict (a plain object, not a date, duration or other value class). */
export function isDict(value: Value): value is { [key: string]: Value } {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    !(value instanceof Date) && !(value instanceof PyObject);
}

/**
 * What the checker knows about a value before running it. `int` and `float` differ only
 * here; `any` means the type is only known at run time.
 */
export type StaticType =
  | "int"
  | "float"
  | "str"
  | "bool"
  | "date"
  | "datetime"
  | "timedelta"
  | "timezone"
  | "none"
  | "list"
  | "dict"
  | "any";

/** Python's `str(datetime)`: `YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM]`. */
export function formatDateTime(d: Date): string {
  const local = wallClock(d);
  const iso = local.toISOString(); // 2024-01-02T03:04:05.678Z
  const ms = local.getUTCMilliseconds();
  return iso.slice(0, 10) + " " + iso.slice(11, 19) +
    (ms ? "." + String(ms * 1000).padStart(6, "0") : "") +
    (d instanceof AwareDatetime ? d.tz.offsetText() : "");
}

/** Python's `str(x)` for our values. */
export function pyStr(value: Value, asFloat = false): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return formatNumber(value, asFloat);
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return String(value);
  if (value instanceof Date) return formatDateTime(value);
  if (value instanceof PyObject) return value.toString();
  return pyRepr(value);
}

/** Python's `repr(x)`: strings quoted, containers bracketed. */
export function pyRepr(value: Value): string {
  if (typeof value === "string") {
    return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
  }
  if (Array.isArray(value)) return "[" + value.map(pyRepr).join(", ") + "]";
  if (value instanceof PyTimedelta) return timedeltaRepr(value);
  if (value instanceof PyTimezone) {
    if (value.offsetMinutes === 0 && value.name === undefined) return "datetime.timezone.utc";
    const offset = timedeltaRepr(PyTimedelta.fromMicros(value.offsetMinutes * 60_000_000));
    return `datetime.timezone(${offset}${
      value.name === undefined ? "" : ", " + pyRepr(value.name)
    })`;
  }
  if (!isDict(value)) return pyStr(value);
  return "{" + Object.entries(value).map(([k, v]) => pyRepr(k) + ": " + pyRepr(v)).join(", ") + "}";
}

/** Python's `repr(timedelta)`: `datetime.timedelta(days=1, seconds=5)`. */
function timedeltaRepr(td: PyTimedelta): string {
  const parts = [["days", td.days], ["seconds", td.seconds], ["microseconds", td.microseconds]]
    .filter(([, n]) => n !== 0).map(([name, n]) => `${name}=${n}`);
  return `datetime.timedelta(${parts.length ? parts.join(", ") : "0"})`;
}

/** Formats a number as Python would print an int, or a float when `asFloat` (`3.0`). */
export function formatNumber(n: number, asFloat = false): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (Number.isInteger(n) && asFloat && Math.abs(n) < 1e16) return n.toFixed(1);
  return String(n);
}

/** The static type of a run-time value (for values known at compile time, e.g. literals). */
export function typeOfValue(value: Value): StaticType {
  if (value === null) return "none";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "bigint") return "int";
  if (typeof value === "string") return "str";
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (value instanceof PyTimedelta) return "timedelta";
  if (value instanceof PyTimezone) return "timezone";
  if (Array.isArray(value)) return "list";
  return "dict";
}
