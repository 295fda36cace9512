/**
 * Runtime values of the expression language and their Python-like text forms.
 *
 * Python's `int` and `float` are both JavaScript numbers at run time; which one a value is
 * is known statically (see {@link StaticType}) and decides the column's Arrow type.
 *
 * @module
 */

/** A calendar date without time (Python's `datetime.date`), as days since 1970-01-01. */
export class PyDate {
  /** Days since the Unix epoch. */
  readonly days: number;
  constructor(days: number) {
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
  toString(): string {
    return this.toDate().toISOString().slice(0, 10);
  }
}

/** Any value an expression can produce. Datetimes are JS `Date`s in UTC. */
export type Value =
  | null
  | boolean
  | number
  | string
  | Date
  | PyDate
  | Value[]
  | { [key: string]: Value };

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
  | "none"
  | "list"
  | "dict"
  | "any";

/** Python's `str(datetime)`: `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
export function formatDateTime(d: Date): string {
  const iso = d.toISOString(); // 2024-01-02T03:04:05.678Z
  const ms = d.getUTCMilliseconds();
  return iso.slice(0, 10) + " " + iso.slice(11, 19) +
    (ms ? "." + String(ms * 1000).padStart(6, "0") : "");
}

/** Python's `str(x)` for our values. */
export function pyStr(value: Value, asFloat = false): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return formatNumber(value, asFloat);
  if (typeof value === "string") return value;
  if (value instanceof Date) return formatDateTime(value);
  if (value instanceof PyDate) return value.toString();
  return pyRepr(value);
}

/** Python's `repr(x)`: strings quoted, containers bracketed. */
export function pyRepr(value: Value): string {
  if (typeof value === "string") {
    return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
  }
  if (Array.isArray(value)) return "[" + value.map(pyRepr).join(", ") + "]";
  if (
    value instanceof Date || value instanceof PyDate || value === null || typeof value !== "object"
  ) {
    return pyStr(value);
  }
  return "{" + Object.entries(value).map(([k, v]) => pyRepr(k) + ": " + pyRepr(v)).join(", ") + "}";
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
  if (typeof value === "string") return "str";
  if (value instanceof Date) return "datetime";
  if (value instanceof PyDate) return "date";
  if (Array.isArray(value)) return "list";
  return "dict";
}
