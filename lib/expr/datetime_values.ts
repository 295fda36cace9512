/**
 * The `datetime` module's values: dates ({@link PyDate}, days since the epoch), durations
 * ({@link PyTimedelta}, exact microseconds), fixed-offset time zones, times of day, and
 * datetimes as JS Dates with microseconds ({@link MicroDatetime}), aware ones in a zone
 * ({@link AwareDatetime}).
 *
 * @module
 */
import { PyObject } from "./py_object.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import { DAY_MS } from "../arrow/time.ts";

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
    const d = new Date(Date.UTC(2000, month - 1, day));
    d.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
    return new PyDate(Math.floor(d.getTime() / DAY_MS));
  }
  /** The UTC calendar date of a JS Date. */
  static fromDate(d: Date): PyDate {
    return new PyDate(Math.floor(d.getTime() / DAY_MS));
  }
  /** Midnight UTC of this date. */
  toDate(): Date {
    return new Date(this.days * DAY_MS);
  }
  /** ISO form `YYYY-MM-DD`, as Python's `str(date)`. */
  override toString(): string {
    return this.toDate().toISOString().slice(0, 10);
  }
}

const MICROS_PER_DAY = 86_400_000_000;
const BIG_MICROS_PER_DAY = 86_400_000_000n;

/** The most days a duration may have, either way, as Python's `timedelta.max`. */
export const MAX_DELTA_DAYS = 999_999_999;

/**
 * A duration (Python's `datetime.timedelta`), normalised as Python does: `days` may be
 * negative, `0 <= seconds < 86400`, `0 <= microseconds < 1000000`. Its parts are exact; its
 * total in microseconds is a number only up to about 285 years ({@link totalMicros}), so the
 * arithmetic on it uses the parts, or a `bigint` ({@link totalMicrosExact}).
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

  /** The duration of a whole number of microseconds, exact while it is a safe integer. */
  static fromMicros(total: number): PyTimedelta {
    if (!Number.isSafeInteger(total)) return PyTimedelta.fromMicrosExact(BigInt(total));
    const days = Math.floor(total / MICROS_PER_DAY);
    const rest = total - days * MICROS_PER_DAY;
    const seconds = Math.floor(rest / 1_000_000);
    return PyTimedelta.checked(days + 0, seconds, rest - seconds * 1_000_000);
  }

  /** The duration of `days`, `seconds` and `micros` (ints of any sign), exactly. */
  static fromParts(days: number, seconds: number, micros: number): PyTimedelta {
    const carrySeconds = Math.floor(micros / 1_000_000);
    const us = micros - carrySeconds * 1_000_000;
    const totalSeconds = seconds + carrySeconds;
    const carryDays = Math.floor(totalSeconds / 86400);
    return PyTimedelta.checked(days + carryDays + 0, totalSeconds - carryDays * 86400, us);
  }

  /** The duration of a whole number of microseconds of any size. */
  static fromMicrosExact(total: bigint): PyTimedelta {
    let days = total / BIG_MICROS_PER_DAY;
    let rest = total % BIG_MICROS_PER_DAY;
    if (rest < 0n) {
      rest += BIG_MICROS_PER_DAY;
      days -= 1n;
    }
    if (days > BigInt(MAX_DELTA_DAYS) || days < -BigInt(MAX_DELTA_DAYS)) throw deltaRange(days);
    const micros = Number(rest);
    const seconds = Math.floor(micros / 1_000_000);
    return new PyTimedelta(Number(days), seconds, micros - seconds * 1_000_000);
  }

  private static checked(days: number, seconds: number, micros: number): PyTimedelta {
    if (Math.abs(days) > MAX_DELTA_DAYS) throw deltaRange(days);
    return new PyTimedelta(days, seconds, micros);
  }

  /** The duration in microseconds, exact up to about 285 years (see {@link totalMicrosExact}). */
  totalMicros(): number {
    return this.days * MICROS_PER_DAY + this.seconds * 1_000_000 + this.microseconds;
  }

  /** The duration in microseconds, exactly. */
  totalMicrosExact(): bigint {
    return BigInt(this.days) * BIG_MICROS_PER_DAY +
      BigInt(this.seconds * 1_000_000 + this.microseconds);
  }

  /** Negative, zero or positive as this duration is shorter, as long or longer than `other`. */
  compare(other: PyTimedelta): number {
    return this.days - other.days || this.seconds - other.seconds ||
      this.microseconds - other.microseconds;
  }

  /** Whether it is zero. */
  isZero(): boolean {
    return this.days === 0 && this.seconds === 0 && this.microseconds === 0;
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

function deltaRange(days: number | bigint): ExprRuntimeError {
  return new ExprRuntimeError(
    `days=${days}; a timedelta must have magnitude <= ${MAX_DELTA_DAYS} days`,
    "OverflowError",
  );
}

/** A fixed UTC offset (Python's `datetime.timezone`), such as `timezone.utc`. */
export class PyTimezone extends PyObject {
  /** Offset from UTC in seconds, east positive (strictly within a day; whole seconds). */
  readonly offsetSeconds: number;
  /** The name given to `timezone(offset, name)`, or undefined. */
  readonly name?: string;
  constructor(offsetSeconds: number, name?: string) {
    super();
    this.offsetSeconds = offsetSeconds;
    if (name !== undefined) this.name = name;
  }

  /** The offset in milliseconds. */
  get offsetMs(): number {
    return this.offsetSeconds * 1000;
  }

  /**
   * `+HH:MM`, with `:SS` when there are seconds (`sep` between the parts, `""` for
   * strftime's `%z`), as Python writes an offset.
   */
  offsetText(sep = ":"): string {
    const sign = this.offsetSeconds < 0 ? "-" : "+";
    const abs = Math.abs(this.offsetSeconds);
    const hours = Math.floor(abs / 3600), minutes = Math.floor(abs / 60) % 60, seconds = abs % 60;
    return sign + String(hours).padStart(2, "0") + sep + String(minutes).padStart(2, "0") +
      (seconds ? sep + String(seconds).padStart(2, "0") : "");
  }

  /** Python's `str(tz)`: its name, `UTC` for zero, else `UTC+02:00`. */
  override toString(): string {
    if (this.name !== undefined) return this.name;
    return this.offsetSeconds === 0 ? "UTC" : "UTC" + this.offsetText();
  }
}

/**
 * A time of day (Python's `datetime.time`), naive or with a time zone: `time(9, 30)`,
 * `dt.time()`.
 */
export class PyTime extends PyObject {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly tz?: PyTimezone;
  constructor(hour: number, minute: number, second: number, microsecond: number, tz?: PyTimezone) {
    super();
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.microsecond = microsecond;
    if (tz) this.tz = tz;
  }

  /** Microseconds since midnight. */
  micros(): number {
    return ((this.hour * 60 + this.minute) * 60 + this.second) * 1_000_000 + this.microsecond;
  }

  /** Python's `str(time)`: `HH:MM:SS[.ffffff][+HH:MM]`. */
  override toString(): string {
    const two = (n: number) => String(n).padStart(2, "0");
    return `${two(this.hour)}:${two(this.minute)}:${two(this.second)}` +
      (this.microsecond ? "." + String(this.microsecond).padStart(6, "0") : "") +
      (this.tz ? this.tz.offsetText() : "");
  }
}

/** `timezone.utc`, also `datetime.UTC`. */
export const UTC_ZONE: PyTimezone = new PyTimezone(0);

/**
 * A datetime with microseconds below the millisecond, which a JS `Date` cannot hold: `us`
 * (0 to 999) is added to its time. A plain `Date` is a datetime whose microseconds are
 * whole milliseconds.
 */
export class MicroDatetime extends Date {
  /** Microseconds past the `Date`'s millisecond, 0 to 999. */
  readonly us: number;
  constructor(time: number, us = 0) {
    super(time);
    this.us = us;
  }
}

/**
 * A datetime with a time zone (Python's aware datetime). As a JS `Date` it is the instant;
 * its fields (year, hour...) are read in `tz`. Plain `Date`s are naive datetimes, read in UTC.
 */
export class AwareDatetime extends MicroDatetime {
  readonly tz: PyTimezone;
  constructor(time: number, tz: PyTimezone, us = 0) {
    super(time, us);
    this.tz = tz;
  }
}

/** The microseconds past a datetime's millisecond (0 to 999). */
export function microsOf(d: Date): number {
  return d instanceof MicroDatetime ? d.us : 0;
}

/**
 * The datetime at `ms` milliseconds and `us` more microseconds since the epoch (`us` any int,
 * carried into `ms`): naive, or aware in `tz`. A plain `Date` when naive with no
 * microseconds past its millisecond. (The two parts keep it exact: a datetime's microseconds
 * since the epoch pass 2^53 after the year 2255.)
 */
export function datetimeAt(ms: number, us = 0, tz?: PyTimezone): Date {
  if (us < 0 || us >= 1000) {
    const carry = Math.floor(us / 1000);
    ms += carry;
    us -= carry * 1000;
  }
  if (tz) return new AwareDatetime(ms, tz, us);
  return us === 0 ? new Date(ms) : new MicroDatetime(ms, us);
}

/** Negative, zero or positive as `a` is before, at or after the instant `b`. */
export function compareInstants(a: Date, b: Date): number {
  return a.getTime() - b.getTime() || microsOf(a) - microsOf(b);
}

/**
 * A datetime's wall-clock time as a UTC `Date`: itself when naive, shifted by its offset when
 * aware, so that `getUTCHours()` and friends read its fields.
 */
export function wallClock(d: Date): Date {
  return d instanceof AwareDatetime ? new Date(d.getTime() + d.tz.offsetMs) : d;
}
