/**
 * Python Faker's dates and times: ranges between relative or absolute bounds
 * (`date_between("-30y", "today")`), this year/month/decade/century, past and future
 * moments, and formatted parts of a moment; every draw from the cell's stream, relative to
 * the logical now.
 *
 * @module
 */
import type { RandomSource } from "../host.ts";
import { strftime } from "../datetime_text.ts";
import { dateArgument, timeArgument } from "../relative_time.ts";
import { AwareDatetime, PyDate, PyTimezone } from "../datetime_values.ts";
import type { Value } from "../values.ts";
import { type Args, type FakeContext, type FakeMethod, flag, num, text } from "./method.ts";
import { DAY_MS } from "../../arrow/time.ts";

/** Uniform datetime in [start, end] (ms), as Python's `date_time_between`. */
export function timeBetween(start: number, end: number, random: RandomSource): Date {
  if (end < start) throw new RangeError("end_date is before start_date");
  return new Date(start + Math.floor(random.next() * (end - start + 1)));
}

/** Uniform date in [start, end] (days), as Python's `date_between`. */
export function dateBetween(start: number, end: number, random: RandomSource): PyDate {
  if (end < start) throw new RangeError("end_date is before start_date");
  return new PyDate(random.int(start, end));
}

/** The day of `now`, in days since the epoch. */
export function todayDays(now: Date): number {
  return Math.floor(now.getTime() / DAY_MS);
}

/** Bounds of the current year/month/decade/century around `now`, in ms. */
export function periodStart(now: Date, period: "year" | "month" | "decade" | "century"): number {
  const y = now.getUTCFullYear();
  switch (period) {
    case "year":
      return Date.UTC(y, 0, 1);
    case "month":
      return Date.UTC(y, now.getUTCMonth(), 1);
    case "decade":
      return Date.UTC(y - (y % 10), 0, 1);
    case "century":
      return Date.UTC(y - (y % 100), 0, 1);
  }
}

/** The last ms of the current year/month/decade/century around `now`. */
export function periodEnd(now: Date, period: "year" | "month" | "decade" | "century"): number {
  const y = now.getUTCFullYear();
  switch (period) {
    case "year":
      return Date.UTC(y + 1, 0, 1) - 1;
    case "month":
      return Date.UTC(y, now.getUTCMonth() + 1, 1) - 1;
    case "decade":
      return Date.UTC(y - (y % 10) + 10, 0, 1) - 1;
    case "century":
      return Date.UTC(y - (y % 100) + 100, 0, 1) - 1;
  }
}

/** `date_time_this_<period>(before_now=True, after_now=False)`. */
export function thisPeriod(
  period: "year" | "month" | "decade" | "century",
  asDate: boolean,
): FakeMethod {
  const [before, after] = asDate ? ["before_today", "after_today"] : ["before_now", "after_now"];
  return {
    params: asDate ? [before, after] : [before, after, "tzinfo"],
    returns: asDate ? "date" : "datetime",
    call(_faker, args, ctx) {
      const now = ctx.now.getTime();
      const b = flag(args, before, true), a = flag(args, after, false);
      const start = b ? periodStart(ctx.now, period) : now;
      const end = a ? periodEnd(ctx.now, period) : now;
      const t = timeBetween(Math.min(start, end), end, ctx.random);
      return asDate ? PyDate.fromDate(t) : inZone(t, args.tzinfo);
    },
  };
}

/** `date_between`-like: a date between two date arguments with Python Faker's defaults. */
export function dateRange(
  from: string,
  fromDefault: string,
  to: string,
  toDefault: string,
): FakeMethod {
  return {
    params: [from, to],
    returns: "date",
    call: (_f, a, ctx) =>
      dateBetween(
        dateArgument(a[from] ?? fromDefault, ctx.now, from),
        dateArgument(a[to] ?? toDefault, ctx.now, to),
        ctx.random,
      ),
  };
}

/** A datetime in time zone `tzinfo` when one is given (Python Faker's `tzinfo=` argument). */
export function inZone(moment: Date, tzinfo: Value | undefined): Date {
  return tzinfo instanceof PyTimezone ? new AwareDatetime(moment.getTime(), tzinfo) : moment;
}

/** `date_time_between`-like: a datetime between two time arguments. */
export function timeRange(
  from: string,
  fromDefault: string,
  to: string,
  toDefault: string,
): FakeMethod {
  return {
    params: [from, to, "tzinfo"],
    returns: "datetime",
    call: (_f, a, ctx) =>
      inZone(
        timeBetween(
          timeArgument(a[from] ?? fromDefault, ctx.now, from),
          timeArgument(a[to] ?? toDefault, ctx.now, to),
          ctx.random,
        ),
        a.tzinfo,
      ),
  };
}

/** Words from `ext_word_list` when given (Python Faker's argument), else faker's lorem words. */

export function nearby(asDate: boolean, future: boolean): FakeMethod {
  const param = future ? "end_date" : "start_date";
  const fallback = future ? "+30d" : "-30d";
  return {
    params: [param, "tzinfo"],
    returns: asDate ? "date" : "datetime",
    call(_f, a, ctx) {
      const far = a[param] ?? fallback;
      if (asDate) {
        const today = todayDays(ctx.now), other = dateArgument(far, ctx.now, param);
        return future
          ? dateBetween(today + 1, other, ctx.random)
          : dateBetween(other, today - 1, ctx.random);
      }
      const now = ctx.now.getTime(), other = timeArgument(far, ctx.now, param);
      const moment = future
        ? timeBetween(now + 1000, other, ctx.random)
        : timeBetween(other, now - 1000, ctx.random);
      return inZone(moment, a.tzinfo);
    },
  };
}

/** A moment between the Unix epoch and `end_datetime` (default now), as Python Faker's. */
export function sinceEpoch(a: Args, ctx: FakeContext): Date {
  return timeBetween(0, timeArgument(a.end_datetime ?? "now", ctx.now, "end_datetime"), ctx.random);
}

/** A random moment formatted with `pattern` (or a fixed format when there is no parameter). */
export function formattedMoment(params: readonly string[], format: string): FakeMethod {
  return {
    params,
    returns: "str",
    call: (_f, a, ctx) => strftime(sinceEpoch(a, ctx), text(a, "pattern", format)),
  };
}

/** Every supported Python Faker method, by Python name. */

/** The date and time methods of {@link FAKE_METHODS}. */
export const DATE_METHODS: Readonly<Record<string, FakeMethod>> = {
  date_between: dateRange("start_date", "-30y", "end_date", "today"),
  date_time_between: timeRange("start_date", "-30y", "end_date", "now"),
  date_between_dates: dateRange("date_start", "today", "date_end", "today"),
  date_time_between_dates: timeRange("datetime_start", "now", "datetime_end", "now"),
  date_of_birth: {
    params: ["tzinfo", "minimum_age", "maximum_age"],
    returns: "date",
    call(_f, a, ctx) {
      const min = num(a, "minimum_age", 0), max = num(a, "maximum_age", 115);
      if (max < min) throw new RangeError("maximum_age is less than minimum_age");
      const y = ctx.now.getUTCFullYear(), m = ctx.now.getUTCMonth(), d = ctx.now.getUTCDate();
      const latest = Math.floor(Date.UTC(y - min, m, d) / DAY_MS);
      const earliest = Math.floor(Date.UTC(y - max - 1, m, d) / DAY_MS) + 1;
      return dateBetween(earliest, latest, ctx.random);
    },
  },
  past_date: nearby(true, false),
  future_date: nearby(true, true),
  past_datetime: nearby(false, false),
  future_datetime: nearby(false, true),
  date_this_year: thisPeriod("year", true),
  date_this_month: thisPeriod("month", true),
  date_this_decade: thisPeriod("decade", true),
  date_this_century: thisPeriod("century", true),
  date_time_this_year: thisPeriod("year", false),
  date_time_this_month: thisPeriod("month", false),
  date_time_this_decade: thisPeriod("decade", false),
  date_time_this_century: thisPeriod("century", false),
  date_time: {
    params: ["tzinfo", "end_datetime"],
    returns: "datetime",
    call: (_f, a, ctx) => inZone(sinceEpoch(a, ctx), a.tzinfo),
  },
  date_object: {
    params: ["end_datetime"],
    returns: "date",
    call: (_f, a, ctx) => PyDate.fromDate(sinceEpoch(a, ctx)),
  },
  date: formattedMoment(["pattern", "end_datetime"], "%Y-%m-%d"),
  time: formattedMoment(["pattern", "end_datetime"], "%H:%M:%S"),
  iso8601: formattedMoment(["tzinfo", "end_datetime", "sep", "timespec"], "%Y-%m-%dT%H:%M:%S"),
  unix_time: {
    params: ["end_datetime", "start_datetime"],
    returns: "int",
    call: (_f, a, ctx) =>
      Math.floor(
        timeBetween(
          timeArgument(a.start_datetime ?? 0, ctx.now, "start_datetime"),
          timeArgument(a.end_datetime ?? "now", ctx.now, "end_datetime"),
          ctx.random,
        ).getTime() / 1000,
      ),
  },
  year: formattedMoment([], "%Y"),
  month: formattedMoment([], "%m"),
  month_name: formattedMoment([], "%B"),
  day_of_month: formattedMoment([], "%d"),
  day_of_week: formattedMoment([], "%A"),
};
