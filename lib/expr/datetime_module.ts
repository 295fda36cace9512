/**
 * Python's `datetime` and `date`: "now" and "today" from the run's logical clock
 * (`ctx.now`, never the wall clock), constructors, and the attributes and methods of date
 * and datetime values. Datetimes are naive and read in UTC.
 *
 * @module
 */
import { dateFromIso, datetimeFromIso, isoformat, strftime } from "./datetime_text.ts";
import type { FunctionSpec } from "./function_spec.ts";
import { typeName } from "./operators.ts";
import { toInt } from "./numbers.ts";
import { ExprRuntimeError } from "./runtime_error.ts";
import type { CellContext } from "./types.ts";
import { PyDate, pyStr, type StaticType, type Value } from "./values.ts";

/** Builds a datetime from fields, refusing impossible ones (`month=13`, `day=31` in April). */
function makeDatetime(fields: readonly Value[]): Date {
  const [year, month, day, hour, minute, second, micro] = fields.map((f) => toInt(f));
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

function fieldsOf(value: Date): number[] {
  return [
    value.getUTCFullYear(),
    value.getUTCMonth() + 1,
    value.getUTCDate(),
    value.getUTCHours(),
    value.getUTCMinutes(),
    value.getUTCSeconds(),
    value.getUTCMilliseconds() * 1000,
  ];
}

function needText(fn: string, value: Value): string {
  if (typeof value !== "string") {
    throw new ExprRuntimeError(`${fn}() needs a string, not ${typeName(value)}`);
  }
  return value;
}

const today = (ctx: CellContext) => PyDate.fromDate(ctx.now);
const now = (ctx: CellContext) => ctx.now;

/** `datetime.<name>(...)` (also reachable as `datetime.datetime.<name>`). */
export const DATETIME_FUNCTIONS: Readonly<Record<string, FunctionSpec>> = {
  now: {
    summary: "The run's current time (its logical clock).",
    params: [],
    returns: "datetime",
    impl: now,
  },
  today: { summary: "The same as `datetime.now()`.", params: [], returns: "datetime", impl: now },
  utcnow: {
    summary: "The same as `datetime.now()`: times are UTC.",
    params: [],
    returns: "datetime",
    impl: now,
  },
  fromisoformat: {
    summary: "Parses `YYYY-MM-DD[THH:MM:SS[.ffffff]]`.",
    params: ["text"],
    pure: true,
    returns: "datetime",
    impl: (_: CellContext, text: Value) =>
      datetimeFromIso(needText("datetime.fromisoformat", text)),
  },
  fromtimestamp: {
    summary: "The datetime `timestamp` seconds after 1970-01-01 00:00 UTC.",
    params: ["timestamp"],
    pure: true,
    returns: "datetime",
    impl(_: CellContext, timestamp: Value) {
      if (typeof timestamp !== "number") {
        throw new ExprRuntimeError("datetime.fromtimestamp() needs a number");
      }
      return new Date(Math.round(timestamp * 1000));
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
};

/** `datetime(year, month, day, ...)`. */
export const DATETIME_CONSTRUCTOR: FunctionSpec = {
  summary: "A datetime from its fields.",
  params: ["year", "month", "day", ["hour", 0], ["minute", 0], ["second", 0], ["microsecond", 0]],
  pure: true,
  returns: "datetime",
  impl: (_: CellContext, ...fields: Value[]) => makeDatetime(fields),
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

/** A read-only attribute of a date or datetime; the getter sees dates as midnight UTC. */
export interface AttributeSpec {
  readonly type: StaticType;
  readonly get: (d: Date) => Value;
}

/** Attributes of dates. */
export const DATE_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  year: { type: "int", get: (d: Date) => d.getUTCFullYear() },
  month: { type: "int", get: (d: Date) => d.getUTCMonth() + 1 },
  day: { type: "int", get: (d: Date) => d.getUTCDate() },
};

/** Attributes of datetimes. */
export const DATETIME_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  ...DATE_ATTRIBUTES,
  hour: { type: "int", get: (d: Date) => d.getUTCHours() },
  minute: { type: "int", get: (d: Date) => d.getUTCMinutes() },
  second: { type: "int", get: (d: Date) => d.getUTCSeconds() },
  microsecond: { type: "int", get: (d: Date) => d.getUTCMilliseconds() * 1000 },
};

function asDate(self: Value): Date {
  if (self instanceof PyDate) return self.toDate();
  return self as Date;
}

function weekday(self: Value): number {
  return (asDate(self).getUTCDay() + 6) % 7;
}

/** Methods shared by dates and datetimes; `impl` receives the value first. */
const commonMethods: Record<string, FunctionSpec> = {
  isoformat: {
    summary: "`YYYY-MM-DD` for dates, `YYYY-MM-DDTHH:MM:SS[.ffffff]` for datetimes.",
    params: [["sep", "T"]],
    pure: true,
    returns: "str",
    impl: (_: CellContext, self: Value, sep: Value) => isoformat(self as Date | PyDate, pyStr(sep)),
  },
  strftime: {
    summary: "Formats with `%Y %m %d %H %M %S %y %b %B %a %A %j %p %f %%` and more.",
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
      const fields = fieldsOf(asDate(self)).slice(0, 3);
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
    impl: (_: CellContext, self: Value) => PyDate.fromDate(self as Date),
  },
  timestamp: {
    summary: "Seconds since 1970-01-01 00:00 UTC, as a float.",
    params: [],
    pure: true,
    returns: "float",
    impl: (_: CellContext, self: Value) => (self as Date).getTime() / 1000,
  },
  replace: {
    summary: "A copy with some fields changed: `dt.replace(hour=0, minute=0)`.",
    params: [
      ["year", null],
      ["month", null],
      ["day", null],
      ["hour", null],
      ["minute", null],
      ["second", null],
      ["microsecond", null],
    ],
    pure: true,
    returns: "datetime",
    impl(_: CellContext, self: Value, ...changes: Value[]) {
      const merged = fieldsOf(self as Date).map((f, i) => changes[i] ?? f);
      return makeDatetime(merged);
    },
  },
};
