/**
 * Python's `datetime` module: "now" and "today" from the run's logical clock (`ctx.now`,
 * never the wall clock), the `datetime`, `date`, `timedelta` and `timezone` constructors,
 * `strptime` and the module's constants. Naive datetimes are read in UTC; aware ones
 * (`datetime.now(timezone.utc)`) in their fixed offset. The attributes and methods of the
 * values are in `datetime_methods.ts`.
 *
 * @module
 */
import { dateFromIso, datetimeFromIso, strptime } from "./datetime_text.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { roundHalfEven, toIndex } from "./numbers.ts";
import { floatToInt } from "./integers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./host.ts";
import {
  datetimeAt,
  microsOf,
  PyDate,
  PyTime,
  PyTimedelta,
  PyTimezone,
  UTC_ZONE,
  wallClock,
} from "./datetime_values.ts";
import { numberOf, typeNameOf, type Value } from "./values.ts";

/** `replace(tzinfo=...)` (or combine's `tzinfo`) left out: keep the value's own time zone. */
export const KEEP_ZONE = "\u0000keep";

/** Builds a naive datetime from wall-clock fields, refusing impossible ones (`month=13`). */
export function makeDatetime(fields: readonly Value[]): Date {
  const [year, month, day, hour, minute, second, micro] = fields.map((f) => toIndex(f));
  if (year < 1 || year > 9999) {
    throw new ExprRuntimeError(`year ${year} is out of range (1..9999)`, "ValueError");
  }
  const limits: [string, number, number, number][] = [
    ["month", month, 1, 12],
    ["hour", hour, 0, 23],
    ["minute", minute, 0, 59],
    ["second", second, 0, 59],
    ["microsecond", micro, 0, 999999],
  ];
  for (const [name, value, lo, hi] of limits) {
    if (value < lo || value > hi) {
      throw new ExprRuntimeError(`${name} must be in ${lo}..${hi}, got ${value}`, "ValueError");
    }
  }
  const date = new Date(
    Date.UTC(2000, month - 1, day, hour, minute, second, Math.floor(micro / 1000)),
  );
  date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  if (date.getUTCDate() !== day || day < 1) {
    throw new ExprRuntimeError(
      `day ${day} is out of range for month ${month} of ${year}`,
      "ValueError",
    );
  }
  return datetimeAt(date.getTime(), micro % 1000);
}

/** A datetime with these wall-clock fields, aware in `tz` when it is a time zone. */
export function zoned(wall: Date, tz: Value): Date {
  if (tz === null) return wall;
  const zone = needZone("tzinfo", tz);
  return datetimeAt(wall.getTime() - zone.offsetMs, microsOf(wall), zone);
}

/** The earliest and latest seconds since the epoch of Python's datetimes. */
const FIRST_SECOND = -62_135_596_800;
const LAST_SECOND = 253_402_300_799;

/**
 * CPython's `fromtimestamp`: seconds, and the fraction rounded half to even to microseconds;
 * NaN is a ValueError, a timestamp beyond a 64-bit time_t an OverflowError, a year beyond
 * 1..9999 a ValueError.
 */
function timestampParts(kind: string, timestamp: Value): [seconds: number, micros: number] {
  if (typeof timestamp === "bigint") {
    throw new ExprRuntimeError(
      `${kind}.fromtimestamp() is out of range for time_t`,
      "OverflowError",
    );
  }
  const ts = numberOf(timestamp);
  if (ts === undefined) {
    throw new ExprRuntimeError(
      `${kind}.fromtimestamp() needs a number, not ${typeNameOf(timestamp)}`,
      "TypeError",
    );
  }
  if (Number.isNaN(ts)) {
    throw new ExprRuntimeError(`${kind}.fromtimestamp(): invalid value NaN`, "ValueError");
  }
  let seconds = Math.trunc(ts);
  let micros = roundHalfEven((ts - seconds) * 1e6);
  if (micros >= 1e6) {
    micros -= 1e6;
    seconds += 1;
  } else if (micros < 0) {
    micros += 1e6;
    seconds -= 1;
  }
  if (!(Math.abs(seconds) < 2 ** 63)) {
    throw new ExprRuntimeError(
      `${kind}.fromtimestamp() is out of range for time_t`,
      "OverflowError",
    );
  }
  if (!(seconds >= FIRST_SECOND && seconds <= LAST_SECOND)) {
    throw new ExprRuntimeError(
      `${kind}.fromtimestamp() is out of range (years 1 to 9999)`,
      "ValueError",
    );
  }
  return [seconds, micros];
}

/** The value as a time zone, or an error naming the argument. */
export function needZone(name: string, value: Value): PyTimezone {
  if (value instanceof PyTimezone) return value;
  throw new ExprRuntimeError(
    `${name} must be a time zone such as timezone.utc or UTC, not ${typeNameOf(value)}`,
  );
}

/** The wall-clock fields of a date or datetime, microseconds last. */
export function fieldsOf(value: Date | PyDate | PyTime): number[] {
  if (value instanceof PyTime) {
    return [1900, 1, 1, value.hour, value.minute, value.second, value.microsecond];
  }
  const d = value instanceof PyDate ? value.toDate() : wallClock(value);
  return [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds() * 1000 + (value instanceof Date ? microsOf(value) : 0),
  ];
}

/** The value as text, or an error naming the function. */
export function needText(fn: string, value: Value): string {
  if (typeof value !== "string") {
    throw new ExprRuntimeError(`${fn}() needs a string, not ${typeNameOf(value)}`);
  }
  return value;
}

const today = (ctx: CellContext) => PyDate.fromDate(ctx.now);

/** The logical now, in `tz` when one is given (Python's `datetime.now(tz)`). */
function now(ctx: CellContext, tz: Value = null): Date {
  return tz === null
    ? ctx.now
    : datetimeAt(ctx.now.getTime(), microsOf(ctx.now), needZone("tz", tz));
}

/** `datetime.<name>(...)` (also reachable as `datetime.datetime.<name>`). */
export const DATETIME_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  now: {
    summary: "The run's current time (its logical clock); in `tz` when given.",
    params: [["tz", null]],
    returns: "datetime",
    impl: now,
  },
  today: {
    summary: "The same as `datetime.now()`.",
    params: [],
    returns: "datetime",
    impl: (ctx) => now(ctx),
  },
  utcnow: {
    summary: "The same as `datetime.now()`: naive times are UTC.",
    params: [],
    returns: "datetime",
    impl: (ctx) => now(ctx),
  },
  strptime: {
    summary: 'Parses `date_string` with a strftime `format`: `datetime.strptime(s, "%Y-%m-%d")`.',
    params: ["date_string", "format"],
    pure: true,
    returns: "datetime",
    impl: (_: CellContext, text: Value, format: Value) =>
      strptime(needText("datetime.strptime", text), needText("datetime.strptime", format)),
  },
  fromisoformat: {
    summary: "Parses `YYYY-MM-DD[THH:MM:SS[.ffffff]][+HH:MM]`.",
    params: ["text"],
    pure: true,
    returns: "datetime",
    impl: (_: CellContext, text: Value) =>
      datetimeFromIso(needText("datetime.fromisoformat", text)),
  },
  fromtimestamp: {
    summary: "The datetime `timestamp` seconds after 1970-01-01 00:00 UTC; in `tz` when given.",
    params: ["timestamp", ["tz", null]],
    pure: true,
    returns: "datetime",
    impl(_: CellContext, timestamp: Value, tz: Value) {
      const [seconds, micros] = timestampParts("datetime", timestamp);
      return datetimeAt(seconds * 1000, micros, tz === null ? undefined : needZone("tz", tz));
    },
  },
  combine: {
    summary: "The datetime of a date at a time of day: `datetime.combine(d, time(9, 30))`.",
    params: ["date", "time", ["tzinfo", KEEP_ZONE]],
    pure: true,
    returns: "datetime",
    impl(_: CellContext, date: Value, time: Value, tz: Value) {
      if (!(date instanceof PyDate || date instanceof Date)) {
        throw new ExprRuntimeError(
          `datetime.combine() argument 1 must be a date, not ${typeNameOf(date)}`,
          "TypeError",
        );
      }
      if (!(time instanceof PyTime)) {
        throw new ExprRuntimeError(
          `datetime.combine() argument 2 must be a time, not ${typeNameOf(time)}` +
            (time instanceof Date ? ": take it with `.time()`" : ""),
          "TypeError",
        );
      }
      const [y, mo, d] = fieldsOf(date);
      const clock = fieldsOf(time).slice(3);
      return zoned(makeDatetime([y, mo, d, ...clock]), tz === KEEP_ZONE ? time.tz ?? null : tz);
    },
  },
};

/** `date.<name>(...)` (also reachable as `datetime.date.<name>`). */
export const DATE_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  today: {
    summary: "The run's current date (its logical clock).",
    params: [],
    returns: "date",
    impl: today,
  },
  fromisoformat: {
    summary: "Parses `YYYY-MM-DD`.",
    params: ["text"],
    pure: true,
    returns: "date",
    impl: (_: CellContext, text: Value) => dateFromIso(needText("date.fromisoformat", text)),
  },
  fromtimestamp: {
    summary: "The UTC date `timestamp` seconds after 1970-01-01.",
    params: ["timestamp"],
    pure: true,
    returns: "date",
    impl: (_: CellContext, timestamp: Value) =>
      new PyDate(Math.floor(timestampParts("date", timestamp)[0] / 86_400)),
  },
};

/** `datetime(year, month, day, ...)`. */
export const DATETIME_CONSTRUCTOR: FunctionSpec = {
  summary: "A datetime from its fields; aware when `tzinfo` is a time zone.",
  params: [
    "year",
    "month",
    "day",
    ["hour", 0],
    ["minute", 0],
    ["second", 0],
    ["microsecond", 0],
    ["tzinfo", null],
  ],
  pure: true,
  returns: "datetime",
  impl: (_: CellContext, ...fields: Value[]) =>
    zoned(makeDatetime(fields.slice(0, 7)), fields[7] ?? null),
};

/** `date(year, month, day)`. */
export const DATE_CONSTRUCTOR: FunctionSpec = {
  summary: "A date from its fields.",
  params: ["year", "month", "day"],
  pure: true,
  returns: "date",
  impl: (_: CellContext, year: Value, month: Value, day: Value) =>
    PyDate.fromDate(makeDatetime([year, month, day, 0, 0, 0, 0])),
};

/** `timedelta(...)`'s parameters, in their order, with their microseconds per unit. */
const TIMEDELTA_UNITS: readonly [string, bigint][] = [
  ["days", 86_400_000_000n],
  ["seconds", 1_000_000n],
  ["microseconds", 1n],
  ["milliseconds", 1000n],
  ["minutes", 60_000_000n],
  ["hours", 3_600_000_000n],
  ["weeks", 604_800_000_000n],
];

/** The order CPython adds them in, which decides how float parts round. */
const ACCUMULATION_ORDER = [2, 3, 1, 4, 5, 0, 6];

/**
 * `timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0,
 * weeks=0)`, as CPython computes it (`delta_new`): ints exactly, the whole part of a float
 * exactly and its fraction in floats, the fractions' sum rounded once to microseconds.
 */
export const TIMEDELTA_CONSTRUCTOR: FunctionSpec = {
  summary: "A duration: `timedelta(days=30)`, `timedelta(hours=1.5)`.",
  params: TIMEDELTA_UNITS.map(([name]) => [name, 0] as const),
  pure: true,
  returns: "timedelta",
  impl(_: CellContext, ...amounts: Value[]) {
    let micros = 0n;
    let leftover = 0;
    for (const i of ACCUMULATION_ORDER) {
      const [name, unit] = TIMEDELTA_UNITS[i];
      const amount = amounts[i];
      const int = typeof amount === "bigint"
        ? amount
        : typeof amount === "boolean"
        ? BigInt(amount)
        : typeof amount === "number" && Number.isInteger(amount)
        ? BigInt(amount)
        : undefined;
      if (int !== undefined) {
        micros += int * unit;
        continue;
      }
      const x = numberOf(amount);
      if (x === undefined) {
        throw new ExprRuntimeError(
          `timedelta() ${name} must be a number, not ${typeNameOf(amount)}`,
          "TypeError",
        );
      }
      if (x === 0) continue;
      const whole = Math.trunc(x);
      micros += BigInt(floatToInt(whole)) * unit;
      const fraction = (x - whole) * Number(unit);
      const fractionWhole = Math.trunc(fraction);
      micros += BigInt(fractionWhole);
      leftover += fraction - fractionWhole;
    }
    if (leftover !== 0) {
      let whole = Math.sign(leftover) * Math.round(Math.abs(leftover)); // C's round()
      if (Math.abs(whole - leftover) === 0.5) {
        const odd = micros % 2n !== 0n ? 1 : 0;
        whole = 2 * Math.round((leftover + odd) * 0.5) - odd;
      }
      micros += BigInt(whole);
    }
    return PyTimedelta.fromMicrosExact(micros);
  },
};

/** `timezone(offset, name=None)`: a fixed offset from UTC. */
export const TIMEZONE_CONSTRUCTOR: FunctionSpec = {
  summary: "A fixed UTC offset: `timezone(timedelta(hours=2))`, `timezone.utc`.",
  params: ["offset", ["name", null]],
  pure: true,
  returns: "timezone",
  impl(_: CellContext, offset: Value, name: Value) {
    if (!(offset instanceof PyTimedelta)) {
      throw new ExprRuntimeError(
        `timezone() needs a timedelta offset, not ${typeNameOf(offset)}`,
        "TypeError",
      );
    }
    const seconds = offset.days * 86400 + offset.seconds;
    if (seconds <= -86400 || seconds >= 86400 || (seconds === -86400 + 0 && offset.microseconds)) {
      throw new ExprRuntimeError(
        "timezone() offset must be strictly between -timedelta(hours=24) and timedelta(hours=24)",
        "ValueError",
      );
    }
    if (offset.microseconds) {
      throw new ExprRuntimeError("Time zone offsets with fractions of a second are not supported");
    }
    if (name !== null && typeof name !== "string") {
      throw new ExprRuntimeError("timezone() name must be a string", "TypeError");
    }
    return new PyTimezone(seconds, name ?? undefined);
  },
};

/** `time(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)`: a time of day. */
export const TIME_CONSTRUCTOR: FunctionSpec = {
  summary: "A time of day: `time(9, 30)`; aware when `tzinfo` is a time zone.",
  params: [["hour", 0], ["minute", 0], ["second", 0], ["microsecond", 0], ["tzinfo", null]],
  pure: true,
  returns: "time",
  impl: (_: CellContext, ...fields: Value[]) => makeTime(fields.slice(0, 4), fields[4]),
};

/** A time from its fields, refusing impossible ones (`hour=24`). */
export function makeTime(fields: readonly Value[], tz: Value): PyTime {
  const [hour, minute, second, micro] = fields.map((f) => toIndex(f));
  const limits: [string, number, number][] = [
    ["hour", hour, 23],
    ["minute", minute, 59],
    ["second", second, 59],
    ["microsecond", micro, 999999],
  ];
  for (const [name, value, hi] of limits) {
    if (value < 0 || value > hi) {
      throw new ExprRuntimeError(`${name} must be in 0..${hi}, got ${value}`, "ValueError");
    }
  }
  return new PyTime(hour, minute, second, micro, tz === null ? undefined : needZone("tzinfo", tz));
}

/** Names that are values rather than functions: `UTC`, `MINYEAR`, `MAXYEAR`. */
export const DATETIME_CONSTANTS: Readonly<Record<string, Value>> = {
  UTC: UTC_ZONE,
  MINYEAR: 1,
  MAXYEAR: 9999,
};
