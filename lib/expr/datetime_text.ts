/**
 * Text forms of dates and datetimes, as Python prints and parses them: `strftime`,
 * `strptime`, `isoformat` and `fromisoformat`. Naive datetimes are read with UTC accessors,
 * aware ones in their own offset, so the machine's time zone never changes a value.
 *
 * @module
 */
import { ExprRuntimeError } from "./runtime_error.ts";
import { DAY_MS } from "../arrow/time.ts";
import {
  AwareDatetime,
  datetimeAt,
  microsOf,
  PyDate,
  PyTime,
  PyTimezone,
  UTC_ZONE,
  wallClock,
} from "./datetime_values.ts";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** The broken-down fields of a date or datetime. */
interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 1-366. */
  yearDay: number;
  /** Milliseconds since the epoch (the instant, whatever the offset). */
  time: number;
  /** The time zone of an aware datetime. */
  tz?: PyTimezone;
}

function fieldsOf(value: Date | PyDate | PyTime): Fields {
  if (value instanceof PyTime) {
    // Python's time.strftime reads the date as 1900-01-01, a Monday.
    return {
      year: 1900,
      month: 1,
      day: 1,
      hour: value.hour,
      minute: value.minute,
      second: value.second,
      microsecond: value.microsecond,
      weekday: 1,
      yearDay: 1,
      time: Date.UTC(1900, 0, 1),
      tz: value.tz,
    };
  }
  const d = value instanceof PyDate ? value.toDate() : wallClock(value);
  const time = value instanceof Date ? value.getTime() : d.getTime();
  if (Number.isNaN(time)) throw new ExprRuntimeError("Invalid datetime");
  const year = d.getUTCFullYear();
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond: d.getUTCMilliseconds() * 1000 + (value instanceof Date ? microsOf(value) : 0),
    weekday: d.getUTCDay(),
    yearDay: Math.floor((d.getTime() - utcDate(year, 1, 1).getTime()) / DAY_MS) + 1,
    time,
    tz: value instanceof AwareDatetime ? value.tz : undefined,
  };
}

/** Midnight UTC of a date (`Date.UTC` reads years 0 to 99 as 1900 to 1999: not this). */
function utcDate(year: number, month: number, day: number): Date {
  const d = new Date(Date.UTC(2000, 0, 1));
  d.setUTCFullYear(year, month - 1, day);
  return d;
}

function pad(n: number, width: number, fill: string): string {
  const text = String(Math.abs(n)).padStart(width, fill);
  return n < 0 ? "-" + text : text;
}

/** ISO 8601 week-numbering year and week of a date. */
function isoWeek(f: Fields): { year: number; week: number } {
  const isoWeekday = f.weekday === 0 ? 7 : f.weekday;
  // The Thursday of this week decides the ISO year.
  const thursday = utcDate(f.year, f.month, f.day + 4 - isoWeekday);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - utcDate(year, 1, 1).getTime()) / DAY_MS / 7) +
    1;
  return { year, week };
}

type Directive = (f: Fields) => string;

/** The strftime directives we support, as glibc (and so Python on Linux) prints them. */
const DIRECTIVES: Record<string, Directive> = {
  a: (f) => DAYS[f.weekday].slice(0, 3),
  A: (f) => DAYS[f.weekday],
  w: (f) => String(f.weekday),
  u: (f) => String(f.weekday === 0 ? 7 : f.weekday),
  d: (f) => pad(f.day, 2, "0"),
  e: (f) => pad(f.day, 2, " "),
  b: (f) => MONTHS[f.month - 1].slice(0, 3),
  h: (f) => MONTHS[f.month - 1].slice(0, 3),
  B: (f) => MONTHS[f.month - 1],
  m: (f) => pad(f.month, 2, "0"),
  y: (f) => pad(((f.year % 100) + 100) % 100, 2, "0"),
  Y: (f) => String(f.year),
  C: (f) => pad(Math.floor(f.year / 100), 2, "0"),
  H: (f) => pad(f.hour, 2, "0"),
  k: (f) => pad(f.hour, 2, " "),
  I: (f) => pad(f.hour % 12 || 12, 2, "0"),
  l: (f) => pad(f.hour % 12 || 12, 2, " "),
  p: (f) => (f.hour < 12 ? "AM" : "PM"),
  M: (f) => pad(f.minute, 2, "0"),
  S: (f) => pad(f.second, 2, "0"),
  f: (f) => pad(f.microsecond, 6, "0"),
  z: (f) => f.tz?.offsetText("") ?? "",
  Z: (f) => f.tz?.toString() ?? "",
  j: (f) => pad(f.yearDay, 3, "0"),
  U: (f) => pad(Math.floor((f.yearDay + 6 - f.weekday) / 7), 2, "0"),
  W: (f) => pad(Math.floor((f.yearDay + 6 - ((f.weekday + 6) % 7)) / 7), 2, "0"),
  G: (f) => String(isoWeek(f).year),
  V: (f) => pad(isoWeek(f).week, 2, "0"),
  s: (f) => String(Math.floor(f.time / 1000)),
  c: (f) => strftimeFields(f, "%a %b %e %H:%M:%S %Y"),
  x: (f) => strftimeFields(f, "%m/%d/%y"),
  X: (f) => strftimeFields(f, "%H:%M:%S"),
  D: (f) => strftimeFields(f, "%m/%d/%y"),
  F: (f) => strftimeFields(f, "%Y-%m-%d"),
  T: (f) => strftimeFields(f, "%H:%M:%S"),
  R: (f) => strftimeFields(f, "%H:%M"),
  n: () => "\n",
  t: () => "\t",
  "%": () => "%",
};

/**
 * Python's `strftime` on a naive date or datetime. `%-d` style flags drop the padding,
 * as on Linux. Unknown directives are copied as written, as glibc does.
 *
 * @example
 * ```ts
 * strftime(new Date("2024-03-05T14:07:09Z"), "%d %b %Y %I:%M %p"); // "05 Mar 2024 02:07 PM"
 * ```
 */
export function strftime(value: Date | PyDate | PyTime, format: string): string {
  return strftimeFields(fieldsOf(value), format);
}

function strftimeFields(f: Fields, format: string): string {
  let out = "";
  let i = 0;
  while (i < format.length) {
    const percent = format.indexOf("%", i);
    if (percent < 0 || percent === format.length - 1) return out + format.slice(i);
    out += format.slice(i, percent);
    const noPad = format[percent + 1] === "-";
    const code = format[percent + (noPad ? 2 : 1)];
    const directive = code === undefined ? undefined : DIRECTIVES[code];
    if (directive === undefined) {
      out += format.slice(percent, percent + (noPad ? 3 : 2));
    } else {
      const text = directive(f);
      out += noPad ? text.replace(/^[0 ]+(?=.)/, "") : text;
    }
    i = percent + (noPad ? 3 : 2);
  }
  return out;
}

/** Directives in a strftime format that {@link strftime} does not know (for warnings). */
export function unknownDirectives(format: string): string[] {
  const unknown: string[] = [];
  for (const match of format.matchAll(/%-?(.)/gs)) {
    if (!(match[1] in DIRECTIVES)) unknown.push(match[0]);
  }
  return unknown;
}

/** Python's `date.isoformat()` / `datetime.isoformat()`: `YYYY-MM-DDTHH:MM:SS[.ffffff]`. */
export function isoformat(value: Date | PyDate | PyTime, separator = "T"): string {
  if (value instanceof PyDate || value instanceof PyTime) return value.toString();
  const f = fieldsOf(value);
  const date = `${pad(f.year, 4, "0")}-${pad(f.month, 2, "0")}-${pad(f.day, 2, "0")}`;
  const time = `${pad(f.hour, 2, "0")}:${pad(f.minute, 2, "0")}:${pad(f.second, 2, "0")}`;
  return date + separator + time + (f.microsecond ? "." + pad(f.microsecond, 6, "0") : "") +
    (f.tz?.offsetText() ?? "");
}

const ISO_DATE = /^(\d{4})-?(\d{2})-?(\d{2})$/;
const ISO_DATETIME =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6}))?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Python's `date.fromisoformat(text)`. */
export function dateFromIso(text: string): PyDate {
  const m = ISO_DATE.exec(text.trim());
  if (m) {
    const date = PyDate.of(Number(m[1]), Number(m[2]), Number(m[3]));
    if (date.toString() === `${m[1]}-${m[2]}-${m[3]}`) return date;
  }
  throw new ExprRuntimeError(
    `Invalid ISO date ${JSON.stringify(text)}; write it as YYYY-MM-DD`,
    "ValueError",
  );
}

/** Python's `datetime.fromisoformat(text)`; with an offset (or `Z`) the datetime is aware. */
export function datetimeFromIso(text: string): Date {
  const m = ISO_DATETIME.exec(text.trim());
  if (m) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
    const date = utcDate(Number(y), Number(mo), Number(d));
    const valid = date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d) &&
      Number(y) >= 1 && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60;
    const tz = zone ? zoneOf(zone) : undefined;
    if (valid) {
      const time = date.getTime() + ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000;
      return datetimeAt(time - (tz?.offsetMs ?? 0), Number(frac.padEnd(6, "0")), tz);
    }
  }
  throw new ExprRuntimeError(
    `Invalid ISO datetime ${JSON.stringify(text)}; write it as YYYY-MM-DDTHH:MM:SS`,
    "ValueError",
  );
}

/** The time zone of a UTC offset written `Z`, `+HH:MM[:SS]`, `+HHMM[SS]` or `+HH`. */
function zoneOf(text: string): PyTimezone {
  if (text === "Z" || text === "z") return UTC_ZONE;
  const sign = text[0] === "-" ? -1 : 1;
  const digits = text.slice(1).replaceAll(":", "");
  const seconds = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || "0") * 60 +
    Number(digits.slice(4, 6) || "0");
  return seconds === 0 ? UTC_ZONE : new PyTimezone(sign * seconds);
}

/** What one strptime directive matches, and which field it sets. */
interface Parser {
  pattern: string;
  field: keyof Parsed;
  read?: (text: string) => number;
}

/** Fields read by strptime, Python's defaults when absent (1900-01-01 00:00). */
interface Parsed {
  year: number;
  shortYear: number;
  month: number;
  day: number;
  hour: number;
  hour12: number;
  pm: number;
  minute: number;
  second: number;
  fraction: number;
  yearDay: number;
  zone: number;
  weekday: number;
}

const monthIndex = (names: string[], length?: number) => (text: string) =>
  names.findIndex((m) => (length ? m.slice(0, length) : m).toLowerCase() === text.toLowerCase()) +
  1;
const dayIndex = (length?: number) => (text: string) =>
  DAYS.findIndex((d) => (length ? d.slice(0, length) : d).toLowerCase() === text.toLowerCase());

const PARSERS: Record<string, Parser> = {
  Y: { pattern: "\\d{4}", field: "year" },
  y: { pattern: "\\d{2}", field: "shortYear" },
  m: { pattern: "1[0-2]|0[1-9]|[1-9]", field: "month" },
  d: { pattern: "3[01]|[12]\\d|0[1-9]|[1-9]| [1-9]", field: "day" },
  H: { pattern: "2[0-3]|[0-1]\\d|\\d", field: "hour" },
  I: { pattern: "1[0-2]|0[1-9]|[1-9]", field: "hour12" },
  p: { pattern: "[aApP][mM]", field: "pm", read: (t) => (t.toLowerCase() === "pm" ? 1 : 0) },
  M: { pattern: "[0-5]\\d|\\d", field: "minute" },
  S: { pattern: "6[0-1]|[0-5]\\d|\\d", field: "second" },
  f: { pattern: "\\d{1,6}", field: "fraction", read: (t) => Number(t.padEnd(6, "0")) },
  j: {
    pattern: "36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]",
    field: "yearDay",
  },
  b: {
    pattern: MONTHS.map((m) => m.slice(0, 3)).join("|"),
    field: "month",
    read: monthIndex(MONTHS, 3),
  },
  B: { pattern: MONTHS.join("|"), field: "month", read: monthIndex(MONTHS) },
  a: { pattern: DAYS.map((d) => d.slice(0, 3)).join("|"), field: "weekday", read: dayIndex(3) },
  A: { pattern: DAYS.join("|"), field: "weekday", read: dayIndex() },
  w: { pattern: "[0-6]", field: "weekday" },
  z: {
    pattern: "[zZ]|[+-]\\d\\d:?\\d\\d(?::?\\d\\d)?",
    field: "zone",
    read: (t) => zoneOf(t).offsetSeconds,
  },
};
PARSERS.h = PARSERS.b;

/** Expansions of the composite directives strptime understands. */
const COMPOSITES: Record<string, string> = {
  F: "%Y-%m-%d",
  T: "%H:%M:%S",
  R: "%H:%M",
  D: "%m/%d/%y",
  x: "%m/%d/%y",
  X: "%H:%M:%S",
  c: "%a %b %d %H:%M:%S %Y",
};

/**
 * Python's `datetime.strptime(text, format)`: the text must match the format whole.
 * Missing fields take Python's defaults (1900-01-01 00:00:00); `%z` makes it aware.
 *
 * @example
 * ```ts
 * strptime("2024-03-05", "%Y-%m-%d"); // 2024-03-05T00:00:00Z
 * strptime("05/Mar/24 2:07 PM", "%d/%b/%y %I:%M %p"); // 2024-03-05T14:07:00Z
 * ```
 */
export function strptime(text: string, format: string): Date {
  const fields: Parser[] = [];
  let pattern = "";
  const expanded = format.replace(/%([FTRDxXc])/g, (_, code: string) => COMPOSITES[code]);
  for (let i = 0; i < expanded.length; i++) {
    const ch = expanded[i];
    if (ch === "%") {
      const code = expanded[++i];
      if (code === "%") {
        pattern += "%";
        continue;
      }
      const parser = code === undefined ? undefined : PARSERS[code];
      if (!parser) {
        throw new ExprRuntimeError(
          `strptime does not know the directive %${code ?? ""} in ${JSON.stringify(format)}`,
        );
      }
      fields.push(parser);
      pattern += `(${parser.pattern})`;
    } else if (/\s/.test(ch)) {
      while (/\s/.test(expanded[i + 1] ?? "")) i++;
      pattern += "\\s+";
    } else {
      pattern += ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  const match = new RegExp(`^${pattern}$`, "i").exec(text);
  if (!match) {
    throw new ExprRuntimeError(
      `Time data ${JSON.stringify(text)} does not match format ${JSON.stringify(format)}`,
    );
  }
  const parsed: Partial<Parsed> = {};
  fields.forEach((parser, i) => {
    const raw = match[i + 1].trim();
    parsed[parser.field] = parser.read ? parser.read(raw) : Number(raw);
  });
  return fromParsed(parsed, text);
}

function fromParsed(p: Partial<Parsed>, text: string): Date {
  let year = p.year ??
    (p.shortYear !== undefined ? p.shortYear + (p.shortYear <= 68 ? 2000 : 1900) : 1900);
  let month = p.month ?? 1;
  let day = p.day ?? 1;
  let hour = p.hour ?? 0;
  if (p.hour12 !== undefined) hour = (p.hour12 % 12) + (p.pm ? 12 : 0);
  if (p.yearDay !== undefined && p.month === undefined && p.day === undefined) {
    const date = new Date(Date.UTC(2000, 0, p.yearDay));
    date.setUTCFullYear(year, 0, p.yearDay);
    [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  }
  const date = new Date(Date.UTC(2000, month - 1, day, hour, p.minute ?? 0, p.second ?? 0));
  date.setUTCFullYear(year, month - 1, day); // Date.UTC reads years 0-99 as 1900-1999
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) {
    throw new ExprRuntimeError(
      `Day ${day} is out of range for month ${month} in ${JSON.stringify(text)}`,
    );
  }
  if (p.zone === undefined) return datetimeAt(date.getTime(), p.fraction ?? 0);
  const tz = p.zone === 0 ? UTC_ZONE : new PyTimezone(p.zone);
  return datetimeAt(date.getTime() - tz.offsetMs, p.fraction ?? 0, tz);
}
