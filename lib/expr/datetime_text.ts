/**
 * Text forms of dates and datetimes, as Python prints and parses them: `strftime`,
 * `isoformat` and `fromisoformat`. Datetimes are naive and read with UTC accessors, so
 * the machine's time zone never changes a value.
 *
 * @module
 */
import { ExprRuntimeError } from "./runtime_error.ts";
import { PyDate } from "./values.ts";

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
  /** Milliseconds since the epoch. */
  time: number;
}

function fieldsOf(value: Date | PyDate): Fields {
  const d = value instanceof PyDate ? value.toDate() : value;
  const time = d.getTime();
  if (Number.isNaN(time)) throw new ExprRuntimeError("Invalid datetime");
  const year = d.getUTCFullYear();
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond: d.getUTCMilliseconds() * 1000,
    weekday: d.getUTCDay(),
    yearDay: Math.floor((time - Date.UTC(year, 0, 1)) / 86400000) + 1,
    time,
  };
}

function pad(n: number, width: number, fill: string): string {
  const text = String(Math.abs(n)).padStart(width, fill);
  return n < 0 ? "-" + text : text;
}

/** ISO 8601 week-numbering year and week of a date. */
function isoWeek(f: Fields): { year: number; week: number } {
  const isoWeekday = f.weekday === 0 ? 7 : f.weekday;
  // The Thursday of this week decides the ISO year.
  const thursday = new Date(Date.UTC(f.year, f.month - 1, f.day + 4 - isoWeekday));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86400000 / 7) + 1;
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
  z: () => "",
  Z: () => "",
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
export function strftime(value: Date | PyDate, format: string): string {
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
export function isoformat(value: Date | PyDate, separator = "T"): string {
  if (value instanceof PyDate) return value.toString();
  const f = fieldsOf(value);
  const date = `${pad(f.year, 4, "0")}-${pad(f.month, 2, "0")}-${pad(f.day, 2, "0")}`;
  const time = `${pad(f.hour, 2, "0")}:${pad(f.minute, 2, "0")}:${pad(f.second, 2, "0")}`;
  return date + separator + time + (f.microsecond ? "." + pad(f.microsecond, 6, "0") : "");
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
  throw new ExprRuntimeError(`Invalid ISO date ${JSON.stringify(text)}; write it as YYYY-MM-DD`);
}

/** Python's `datetime.fromisoformat(text)`; an offset is applied and dropped (naive UTC). */
export function datetimeFromIso(text: string): Date {
  const m = ISO_DATETIME.exec(text.trim());
  if (m) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
    let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) +
      Math.floor(Number(frac.padEnd(6, "0")) / 1000);
    if (zone && zone !== "Z") {
      const sign = zone[0] === "-" ? -1 : 1;
      const digits = zone.slice(1).replace(":", "");
      time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
    }
    const result = new Date(time);
    if (!Number.isNaN(time) && Number(mo) >= 1 && Number(mo) <= 12 && Number(d) <= 31) {
      return result;
    }
  }
  throw new ExprRuntimeError(
    `Invalid ISO datetime ${JSON.stringify(text)}; write it as YYYY-MM-DDTHH:MM:SS`,
  );
}
