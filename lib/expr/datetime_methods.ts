/**
 * The attributes and methods of the `datetime` module's values: dates, datetimes, times of
 * day, durations and time zones (`d.year`, `dt.strftime(...)`, `dt.replace(...)`,
 * `td.total_seconds()`...), as Python has them.
 *
 * @module
 */
import { isoformat, strftime } from "./datetime_text.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { intTrueDivide } from "./integers.ts";
import type { CellContext } from "./host.ts";
import {
  AwareDatetime,
  datetimeAt,
  microsOf,
  PyDate,
  PyTime,
  PyTimedelta,
  type PyTimezone,
  UTC_ZONE,
  wallClock,
} from "./datetime_values.ts";
import { floatValue, pyStr, type StaticType, type Value } from "./values.ts";
import { DAY_MS } from "../arrow/time.ts";
import {
  fieldsOf,
  KEEP_ZONE,
  makeDatetime,
  makeTime,
  needText,
  needZone,
  zoned,
} from "./datetime_module.ts";

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
    : Math.floor(wallClock(self as Date).getTime() / DAY_MS);
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
  time: {
    summary: "The time of day of a datetime, without its time zone.",
    params: [],
    pure: true,
    returns: "time",
    impl(_: CellContext, self: Value) {
      const [, , , h, mi, sec, us] = fieldsOf(self as Date);
      return new PyTime(h, mi, sec, us);
    },
  },
  timetz: {
    summary: "The time of day of a datetime, with its time zone.",
    params: [],
    pure: true,
    returns: "time",
    impl(_: CellContext, self: Value) {
      const [, , , h, mi, sec, us] = fieldsOf(self as Date);
      return new PyTime(h, mi, sec, us, self instanceof AwareDatetime ? self.tz : undefined);
    },
  },
  timestamp: {
    summary: "Seconds since 1970-01-01 00:00 UTC, as a float.",
    params: [],
    pure: true,
    returns: "float",
    impl(_: CellContext, self: Value) {
      const d = self as Date;
      const ms = d.getTime();
      const seconds = Math.floor(ms / 1000);
      const micros = (ms - seconds * 1000) * 1000 + microsOf(d);
      // As CPython: an aware datetime's exact seconds since the epoch, rounded once; a naive
      // one's (local, here UTC) seconds plus its microseconds as a float.
      if (d instanceof AwareDatetime) {
        return floatValue(intTrueDivide(BigInt(seconds) * 1_000_000n + BigInt(micros), 1_000_000n));
      }
      return floatValue(seconds + micros / 1e6);
    },
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
      datetimeAt(
        (self as Date).getTime(),
        microsOf(self as Date),
        tz === null ? UTC_ZONE : needZone("tz", tz),
      ),
  },
  utcoffset: {
    summary: "The UTC offset of an aware datetime as a timedelta; None when naive.",
    params: [],
    pure: true,
    returns: "timedelta",
    impl: (_: CellContext, self: Value) =>
      self instanceof AwareDatetime
        ? PyTimedelta.fromMicros(self.tz.offsetSeconds * 1_000_000)
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
    impl: (_: CellContext, self: Value) =>
      floatValue(intTrueDivide((self as PyTimedelta).totalMicrosExact(), 1_000_000n)),
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
      PyTimedelta.fromMicros((self as PyTimezone).offsetSeconds * 1_000_000),
  },
  tzname: {
    summary: "The zone's name: `UTC`, `UTC+02:00` or the name it was given.",
    params: [["dt", null]],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value) => (self as PyTimezone).toString(),
  },
};

/** Attributes of times of day. */
export const TIME_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  hour: { type: "int", get: (self) => (self as PyTime).hour },
  minute: { type: "int", get: (self) => (self as PyTime).minute },
  second: { type: "int", get: (self) => (self as PyTime).second },
  microsecond: { type: "int", get: (self) => (self as PyTime).microsecond },
  tzinfo: { type: "timezone", get: (self) => (self as PyTime).tz ?? null },
};

/** Methods of times of day. */
export const TIME_METHODS: Readonly<Record<string, FunctionSpec>> = {
  isoformat: {
    summary: "`HH:MM:SS[.ffffff][+HH:MM]`.",
    params: [],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value) => isoformat(self as PyTime),
  },
  strftime: {
    summary: "Formats with a strftime format (the date is 1900-01-01, as in Python).",
    params: ["format"],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value, format: Value) =>
      strftime(self as PyTime, needText("strftime", format)),
  },
  replace: {
    summary: "A copy with some fields changed: `t.replace(minute=0)`, `tzinfo=None`.",
    params: [["hour", null], ["minute", null], ["second", null], ["microsecond", null], [
      "tzinfo",
      KEEP_ZONE,
    ]],
    pure: true,
    returns: "time",
    impl(_: CellContext, self: Value, ...changes: Value[]) {
      const t = self as PyTime;
      const merged = [t.hour, t.minute, t.second, t.microsecond].map((f, i) => changes[i] ?? f);
      return makeTime(merged, changes[4] === KEEP_ZONE ? t.tz ?? null : changes[4]);
    },
  },
  utcoffset: {
    summary: "The UTC offset of an aware time as a timedelta; None when naive.",
    params: [],
    pure: true,
    returns: "timedelta",
    impl: (_: CellContext, self: Value) => {
      const tz = (self as PyTime).tz;
      return tz ? PyTimedelta.fromMicros(tz.offsetSeconds * 1_000_000) : null;
    },
  },
  tzname: {
    summary: "The name of an aware time's time zone; None when naive.",
    params: [],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value) => (self as PyTime).tz?.toString() ?? null,
  },
};
