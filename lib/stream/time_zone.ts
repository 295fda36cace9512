/**
 * Local wall-clock time in an IANA time zone (`cadence: { timezone: America/New_York }`), for
 * rate profiles that follow people's days rather than UTC: a zone's offset at any instant, and
 * the instants at which its local hour changes, daylight saving time included (a local day of
 * 23 or 25 hours) and zones whose offset is not a whole number of hours (India's +05:30).
 *
 * Offsets come from the runtime's time zone database (`Intl`), so two processes with the same
 * database agree on every row.
 *
 * @module
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Whether `zone` is a time zone the runtime knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A time zone's offsets from UTC, looked up once per instant asked for. */
export class TimeZone {
  readonly #format: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();

  constructor(readonly name: string) {
    this.#format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** Local time minus UTC at instant t, ms (whole minutes). */
  offsetAt(t: number): number {
    const minute = Math.floor(t / MINUTE_MS) * MINUTE_MS;
    let offset = this.#offsets.get(minute);
    if (offset === undefined) {
      const parts: Record<string, number> = {};
      for (const part of this.#format.formatToParts(minute)) {
        if (part.type !== "literal") parts[part.type] = Number(part.value);
      }
      const local = Date.UTC(
        parts.year,
        parts.month - 1,
        parts.day,
        parts.hour,
        parts.minute,
        parts.second,
      );
      offset = local - minute;
      if (this.#offsets.size >= 4096) this.#offsets.clear();
      this.#offsets.set(minute, offset);
    }
    return offset;
  }

  /** Local wall-clock time at instant t, as ms since 1970-01-01 00:00 local. */
  localAt(t: number): number {
    return t + this.offsetAt(t);
  }

  /**
   * The instants in (a, b) where the local hour changes: each local hour's start, and each
   * change of offset (clocks going forward or back), found to the minute.
   */
  hourChanges(a: number, b: number): number[] {
    const out: number[] = [];
    let t = a;
    while (t < b) {
      const offset = this.offsetAt(t);
      // The next local hour's start, if the offset holds until then.
      let next = (Math.floor((t + offset) / HOUR_MS) + 1) * HOUR_MS - offset;
      if (this.offsetAt(next - 1) !== offset) next = this.#change(t, next - 1, offset);
      if (next >= b) break;
      out.push(next);
      t = next;
    }
    return out;
  }

  /** The first whole minute in (from, to] whose offset is not `offset` (one is). */
  #change(from: number, to: number, offset: number): number {
    let lo = Math.floor(from / MINUTE_MS); // a minute with `offset`
    let hi = Math.floor(to / MINUTE_MS); // a minute without it
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.offsetAt(mid * MINUTE_MS) === offset) lo = mid;
      else hi = mid;
    }
    return hi * MINUTE_MS;
  }
}
