/**
 * Python Faker's date arguments (`'-30d'`, `'+1y'`, `'now'`, `'today'`, dates, datetimes,
 * timedeltas from now, Unix timestamps), resolved against the run's logical "now", never the
 * wall clock.
 *
 * @module
 */
import { PyDate, PyTimedelta } from "./datetime_values.ts";
import type { Value } from "./values.ts";
import { DAY_MS } from "../arrow/time.ts";

/** Milliseconds per unit, with Faker's year (365.25 days) and month (30.42 days). */
const UNIT_MS: Record<string, number> = {
  y: 365.25 * DAY_MS,
  M: 30.42 * DAY_MS,
  w: 7 * DAY_MS,
  d: DAY_MS,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
};

const OFFSET =
  /^(?:([+-]?\d+)y)?(?:([+-]?\d+)M)?(?:([+-]?\d+)w)?(?:([+-]?\d+)d)?(?:([+-]?\d+)h)?(?:([+-]?\d+)m)?(?:([+-]?\d+)s)?$/;
const offsets = new Map<string, number | null>();

/** The offset in ms of a string like `-1y2M` or `+30d`, or null when it is not one. */
export function parseOffset(text: string): number | null {
  let cached = offsets.get(text);
  if (cached !== undefined) return cached;
  const match = text === "" ? null : OFFSET.exec(text);
  cached = null;
  if (match && match.slice(1).some((g) => g !== undefined)) {
    const units = "yMwdhms";
    cached = 0;
    for (let i = 0; i < units.length; i++) {
      if (match[i + 1] !== undefined) cached += Number(match[i + 1]) * UNIT_MS[units[i]];
    }
  }
  if (offsets.size < 1000) offsets.set(text, cached);
  return cached;
}

/** A date or time argument that cannot be understood. */
export class TimeArgumentError extends Error {
  constructor(name: string, value: Value) {
    super(
      `${name}=${JSON.stringify(value)} is not a time: use "now", "today", an offset like "-30d" ` +
        `or "+1y", a date or a datetime`,
    );
    this.name = "TimeArgumentError";
  }
}

/** A time argument as epoch milliseconds, relative to `now`. */
export function timeArgument(value: Value, now: Date, name: string): number {
  if (value instanceof Date) return value.getTime();
  if (value instanceof PyDate) return value.days * DAY_MS;
  if (value instanceof PyTimedelta) {
    return now.getTime() + value.days * DAY_MS + value.seconds * 1000 +
      Math.floor(value.microseconds / 1000);
  }
  if (typeof value === "number") return value * 1000;
  if (typeof value === "string") {
    if (value === "now") return now.getTime();
    if (value === "today") return Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    const offset = parseOffset(value);
    if (offset !== null) return now.getTime() + offset;
    const parsed = Date.parse(
      /[zZ]|[+-]\d\d:?\d\d$/.test(value)
        ? value
        : value + (value.length === 10 ? "T00:00:00Z" : "Z"),
    );
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new TimeArgumentError(name, value);
}

/** A date argument as days since the epoch, relative to `now` (offsets truncate to days). */
export function dateArgument(value: Value, now: Date, name: string): number {
  return Math.floor(timeArgument(value, now, name) / DAY_MS);
}
