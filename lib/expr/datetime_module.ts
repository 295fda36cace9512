/**
 * Python's `datetime` module: "now" and "today" from the run's logical clock (`ctx.now`,
 * never the wall clock), the `datetime`, `date`, `timedelta` and `timezone` constructors,
 * `strptime`, and the attributes and methods of those values. Naive datetimes are read in
 * UTC; aware ones (`datetime.now(timezone.utc)`) in their fixed offset.
 *
 * @module
 */
import { dateFromIso, datetimeFromIso, isoformat, strftime, strptime } from "./datetime_text.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { typeName } from "./operators.ts";
import { roundHalfEven, toIndex } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./types.ts";
import {
  AwareDatetime,
  PyDate,
  pyStr,
  PyTimedelta,
  PyTimezone,
  type StaticType,
  UTC_ZONE,
  type Value,
  wallClock,
} from "./values.ts";

/** Builds a naive datetime from wall-clock fields, refusing impossible ones (`month=13`). */
function makeDatetime(fields: readonly Value[]): Date {
  const [year, month, day, hour, minute, second, micro] = fields.map((f) => toIndex(f));
  if (year < 1 || year > 9999) throw new ExprRuntimeError(`year must be in 1..9999, got ${year}`);
  const limits: [string, number, number, number][] = [
    ["month", month, 1, 12],
    ["hour", hour, 0, 23],
    ["minute", minute, 0, 59],
    ["second", second, 0, 59],
    ["microsecond", micro, 0, 999999],
  ];
  for (const [name, value, lo, hi] of limits) {
    if (value < lo || value > hi) {
      throw new ExprRuntimeError(`${name} must be in ${lo}..${hi}, got ${value}`);
    }
  }
  const date = new Date(
    Date.UTC(2000, month - 1, day, hour, minute, second, Math.floor(micro / 1000)),
  );
  date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  if (date.getUTCDate() !== day || day < 1) {
    throw new ExprRuntimeError(`day ${day} is out of range for month ${month} of ${year}`);
  }
  return date;
}

/** A datetime with these wall-clock fields, aware in `tz` when it is a time zone. */
function zoned(wall: Date, tz: Value): Date {
  if (tz === null) return wall;
  const zone = needZone("tzinfo", tz);
  return new AwareDatetime(wall.getTime() - zone.offsetMinutes * 60_000, zone);
}

function needZone(name: string, value: Value): PyTimezone {
  if (value instanceof PyTimezone) return value;
  throw new ExprRuntimeError(
    `${name} must be a time zone such as timezone.utc or UTC, not ${typeName(value)}`,
  );
}

/** The wall-clock fields of a date or datetime, microseconds last. */
function fieldsOf(value: Date | PyDate): number[] {
  const d = value instanceof PyDate ? value.toDate() : wallClock(value);
  return [
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds() * 1000,
  ];
}

function needText(fn: string, value: Value): string {
  if (typeof value !== "string") {
    throw new ExprRuntimeError(`${fn}() needs a string, not ${typeName(value)}`);
  }
  return value;
}

const today = (ctx: CellContext) => PyDate.fromDate(ctx.now);

/** The logical now, in `tz` when one is given (Python's `datetime.now(tz)`). */
function now(ctx: CellContext, tz: Value = null): Date {
  return tz === null ? ctx.now : new AwareDatetime(ctx.now.getTime(), needZone("tz", tz));
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
      if (typeof timestamp === "bigint") throw timestampRange("datetime");
      if (typeof timestamp !== "number") {
        throw new ExprRuntimeError("datetime.fromtimestamp() needs a number");
      }
      const time = Math.round(timestamp * 1000);
      return tz === null ? new Date(time) : new AwareDatetime(time, needZone("tz", tz));
    },
  },
  combine: {
    summary:
      "The datetime of a date at midnight, or of a datetime's date and time: `datetime.combine(d, dt)`.",
    params: ["date", "time", ["tzinfo", null]],
    pure: true,
    returns: "datetime",
    impl(_: CellContext, date: Value, time: Value, tz: Value) {
      if (!(date instanceof PyDate || date instanceof Date)) {
        throw new ExprRuntimeError(`datetime.combine() needs a date, not ${typeName(date)}`);
      }
      if (!(time instanceof Date)) {
        throw new ExprRuntimeError(
          `datetime.combine() takes its time of day from a datetime, not ${typeName(time)}`,
        );
      }
      const [y, mo, d] = fieldsOf(date);
      const clock = fieldsOf(time).slice(3);
      const zone = tz ?? (time instanceof AwareDatetime ? time.tz : null);
      return zoned(makeDatetime([y, mo, d, ...clock]), zone);
    },
  },
};

/** An int timestamp beyond 2^53 seconds is beyond year 9999. */
function timestampRange(kind: "date" | "datetime"): ExprRuntimeError {
  return new ExprRuntimeError(`${kind}.fromtimestamp() is out of range (years 1 to 9999)`);
}

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
    impl(_: CellContext, timestamp: Value) {
      if (typeof timestamp === "bigint") throw timestampRange("date");
      if (typeof timestamp !== "number") {
        throw new ExprRuntimeError("date.fromtimestamp() needs a number");
      }
      return PyDate.fromDate(new Date(Math.round(timestamp * 1000)));
    },
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

/** Microseconds per unit of `timedelta(...)`'s parameters, in their order. */
const TIMEDELTA_UNITS: readonly [string, number][] = [
  ["days", 86_400_000_000],
  ["seconds", 1_000_000],
  ["microseconds", 1],
  ["milliseconds", 1000],
  ["minutes", 60_000_000],
  ["hours", 3_600_000_000],
  ["weeks", 604_800_000_000],
];

/** `timedelta(days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0)`. */
export const TIMEDELTA_CONSTRUCTOR: FunctionSpec = {
  summary: "A duration: `timedelta(days=30)`, `timedelta(hours=1.5)`.",
  params: TIMEDELTA_UNITS.map(([name]) => [name, 0] as const),
  pure: true,
  returns: "timedelta",
  impl(_: CellContext, ...amounts: Value[]) {
    let micros = 0;
    amounts.forEach((amount, i) => {
      const [name, unit] = TIMEDELTA_UNITS[i];
      if (typeof amount !== "number" && typeof amount !== "boolean" && typeof amount !== "bigint") {
        throw new ExprRuntimeError(`timedelta() ${name} must be a number, not ${typeName(amount)}`);
      }
      micros += Number(amount) * unit;
    });
    if (!Number.isFinite(micros) || Math.abs(micros / 86_400_000_000) > 999_999_999) {
      throw new ExprRuntimeError("timedelta() is out of range (at most 999999999 days)");
    }
    return PyTimedelta.fromMicros(roundHalfEven(micros));
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
      throw new ExprRuntimeError(`timezone() needs a timedelta offset, not ${typeName(offset)}`);
    }
    const micros = offset.totalMicros();
    if (Math.abs(micros) >= 86_400_000_000 || micros % 60_000_000 !== 0) {
      throw new ExprRuntimeError(
        "timezone() offset must be whole minutes, strictly between -24 and 24 hours",
      );
    }
    if (name !== null && typeof name !== "string") {
      throw new ExprRuntimeError("timezone() name must be a string");
    }
    return new PyTimezone(micros / 60_000_000, name ?? undefined);
  },
};

/** Names that are values rather than functions: `UTC`, `MINYEAR`, `MAXYEAR`. */
export const DATETIME_CONSTANTS: Readonly<Record<string, Value>> = {
  UTC: UTC_ZONE,
  MINYEAR: 1,
  MAXYEAR: 9999,
};

/** A read-only attribute of a value (a date's `year`, a duration's `days`). */
export interface AttributeSpec {
  readonly type: StaticType;
  readonly get: (self: Value) => Value;
}

/** A date attribute read from its wall-clock fields. */
function field(index: number): AttributeSpec {
  return { type: "int", get: (self) => fieldsOf(self as Date | PyDate)[index] };
}

/** Attributes of dates. */
export const DATE_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  year: field(0),
  month: field(1),
  day: field(2),
};

/** Attributes of datetimes. */
export const DATETIME_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  ...DATE_ATTRIBUTES,
  hour: field(3),
  minute: field(4),
  second: field(5),
  microsecond: field(6),
  tzinfo: {
    type: "timezone",
    get: (self) => (self instanceof AwareDatetime ? self.tz : null),
  },
};

/** Attributes of durations, as Python normalises them. */
export const TIMEDELTA_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  days: { type: "int", get: (self) => (self as PyTimedelta).days },
  seconds: { type: "int", get: (self) => (self as PyTimedelta).seconds },
  microseconds: { type: "int", get: (self) => (self as PyTimedelta).microseconds },
};

/** Day of the week, Monday 0: 1970-01-01 was a Thursday (3). */
function weekday(self: Value): number {
  const days = self instanceof PyDate
    ? self.days
    : Math.floor(wallClock(self as Date).getTime() / 86_400_000);
  return (((days + 3) % 7) + 7) % 7;
}

/** Methods shared by dates and datetimes; `impl` receives the value first. */
const commonMethods: Record<string, FunctionSpec> = {
  isoformat: {
    summary: "`YYYY-MM-DD` for dates, `YYYY-MM-DDTHH:MM:SS[.ffffff][+HH:MM]` for datetimes.",
    params: [["sep", "T"]],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value, sep: Value) => isoformat(self as Date | PyDate, pyStr(sep)),
  },
  strftime: {
    summary: "Formats with `%Y %m %d %H %M %S %y %b %B %a %A %j %p %f %z %%` and more.",
    params: ["format"],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value, format: Value) =>
      strftime(self as Date | PyDate, needText("strftime", format)),
  },
  weekday: {
    summary: "Day of the week, Monday 0 to Sunday 6.",
    params: [],
    pure: true,
    returns: "int",
    impl: (_: CellContext, self: Value) => weekday(self),
  },
  isoweekday: {
    summary: "Day of the week, Monday 1 to Sunday 7.",
    params: [],
    pure: true,
    returns: "int",
    impl: (_: CellContext, self: Value) => weekday(self) + 1,
  },
};

/** Methods of date values. */
export const DATE_METHODS: Readonly<Record<string, FunctionSpec>> = {
  ...commonMethods,
  replace: {
    summary: "A copy with some fields changed: `d.replace(day=1)`.",
    params: [["year", null], ["month", null], ["day", null]],
    pure: true,
    returns: "date",
    impl(_: CellContext, self: Value, ...changes: Value[]) {
      const fields = fieldsOf(self as PyDate).slice(0, 3);
      const merged = fields.map((f, i) => changes[i] ?? f);
      return PyDate.fromDate(makeDatetime([...merged, 0, 0, 0, 0]));
    },
  },
};

/** `replace(tzinfo=...)` left out: keep the datetime's own time zone. */
const KEEP_ZONE = "\u0000keep";

/** Methods of datetime values. */
export const DATETIME_METHODS: Readonly<Record<string, FunctionSpec>> = {
  ...commonMethods,
  date: {
    summary: "The calendar date of a datetime.",
    params: [],
    pure: true,
    returns: "date",
    impl: (_: CellContext, self: Value) => PyDate.fromDate(wallClock(self as Date)),
  },
  timestamp: {
    summary: "Seconds since 1970-01-01 00:00 UTC, as a float.",
    params: [],
    pure: true,
    returns: "float",
    impl: (_: CellContext, self: Value) => (self as Date).getTime() / 1000,
  },
  replace: {
    summary: "A copy with some fields changed: `dt.replace(hour=0, minute=0)`, `tzinfo=None`.",
    params: [
      ["year", null],
      ["month", null],
      ["day", null],
      ["hour", null],
      ["minute", null],
      ["second", null],
      ["microsecond", null],
      ["tzinfo", KEEP_ZONE],
    ],
    pure: true,
    returns: "datetime",
    impl(_: CellContext, self: Value, ...changes: Value[]) {
      const date = self as Date;
      const merged = fieldsOf(date).map((f, i) => changes[i] ?? f);
      const tz = changes[7] === KEEP_ZONE
        ? (date instanceof AwareDatetime ? date.tz : null)
        : changes[7];
      return zoned(makeDatetime(merged), tz);
    },
  },
  astimezone: {
    summary: "The same instant in time zone `tz` (UTC when left out; naive times are UTC).",
    params: [["tz", null]],
    pure: true,
    returns: "datetime",
    impl: (_: CellContext, self: Value, tz: Value) =>
      new AwareDatetime((self as Date).getTime(), tz === null ? UTC_ZONE : needZone("tz", tz)),
  },
  utcoffset: {
    summary: "The UTC offset of an aware datetime as a timedelta; None when naive.",
    params: [],
    pure: true,
    returns: "timedelta",
    impl: (_: CellContext, self: Value) =>
      self instanceof AwareDatetime
        ? PyTimedelta.fromMicros(self.tz.offsetMinutes * 60_000_000)
        : null,
  },
  tzname: {
    summary: "The name of an aware datetime's time zone; None when naive.",
    params: [],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value) =>
      self instanceof AwareDatetime ? self.tz.toString() : null,
  },
};

/** Methods of durations. */
export const TIMEDELTA_METHODS: Readonly<Record<string, FunctionSpec>> = {
  total_seconds: {
    summary: "The duration in seconds, as a float.",
    params: [],
    pure: true,
    returns: "float",
    impl: (_: CellContext, self: Value) => (self as PyTimedelta).totalMicros() / 1_000_000,
  },
};

/** Methods of time zones. */
export const TIMEZONE_METHODS: Readonly<Record<string, FunctionSpec>> = {
  utcoffset: {
    summary: "The zone's offset as a timedelta.",
    params: [["dt", null]],
    pure: true,
    returns: "timedelta",
    impl: (_: CellContext, self: Value) =>
      PyTimedelta.fromMicros((self as PyTimezone).offsetMinutes * 60_000_000),
  },
  tzname: {
    summary: "The zone's name: `UTC`, `UTC+02:00` or the name it was given.",
    params: [["dt", null]],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value) => (self as PyTimezone).toString(),
  },
};
