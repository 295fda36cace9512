/**
 * A table's measured rate: rows per minute committed over the last minute of wall-clock
 * time, from the running totals of its recent commits; and the rows committed in each of the
 * last {@link HISTORY_MINUTES} minutes (the live page's sparkline), in a fixed ring.
 *
 * @module
 */

/** The window of the measured rate, ms. */
const RATE_WINDOW_MS = 60_000;
/** Minutes of per-minute counts kept. */
export const HISTORY_MINUTES = 60;

export class RateMeter {
  /** Wall-clock times and running row totals of recent commits. */
  #recent: { at: number; rows: number }[] = [];
  /** The row total before the oldest of `#recent`. */
  #baseline = 0;

  /** Rows committed in each minute (by wall-clock minute number), a ring of the last hour. */
  readonly #perMinute = new Float64Array(HISTORY_MINUTES);
  /** The minute number each slot of the ring holds. */
  readonly #slotMinute = new Float64Array(HISTORY_MINUTES).fill(-1);
  /** The running total at the last commit. */
  #lastTotal = 0;

  /** @param startedAt When the table began (wall clock, ms): the rate's earliest start. */
  constructor(readonly startedAt: number) {}

  /** A commit at `at` brought the running total to `rows`. */
  record(at: number, rows: number): void {
    this.#recent.push({ at, rows });
    this.#prune(at); // bounded without anyone asking for the rate
    const minute = Math.floor(at / 60_000);
    const slot = minute % HISTORY_MINUTES;
    if (this.#slotMinute[slot] !== minute) {
      this.#slotMinute[slot] = minute;
      this.#perMinute[slot] = 0;
    }
    this.#perMinute[slot] += rows - this.#lastTotal;
    this.#lastTotal = rows;
  }

  /**
   * Rows committed in each of the last {@link HISTORY_MINUTES} wall-clock minutes up to the one
   * holding `now`, oldest first (the current minute so far last).
   */
  history(now: number): number[] {
    const current = Math.floor(now / 60_000);
    const out: number[] = [];
    for (let minute = current - HISTORY_MINUTES + 1; minute <= current; minute++) {
      const slot = ((minute % HISTORY_MINUTES) + HISTORY_MINUTES) % HISTORY_MINUTES;
      out.push(this.#slotMinute[slot] === minute ? this.#perMinute[slot] : 0);
    }
    return out;
  }

  /** Rows per minute committed over the last minute before `now`. */
  rate(now: number): number {
    const recent = this.#prune(now);
    // Over the last minute, or since the run began when it is younger: a rate meter, not the
    // difference of two commits (the first commit of a window may hold a catch-up burst).
    const since = Math.max(now - RATE_WINDOW_MS, this.startedAt);
    const before = this.#baseline;
    const last = recent.at(-1)?.rows ?? before;
    return (last - before) * 60_000 / Math.max(now - since, 1);
  }

  /** Drops commits older than the window; the rest. */
  #prune(now: number): { at: number; rows: number }[] {
    const cutoff = now - RATE_WINDOW_MS;
    while (this.#recent.length > 0 && this.#recent[0].at <= cutoff) {
      this.#baseline = this.#recent.shift()!.rows;
    }
    return this.#recent;
  }
}
