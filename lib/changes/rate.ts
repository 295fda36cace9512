/**
 * The exact clock of one kind of change (updates or deletes): how many have happened by a
 * tick and when each happens. The same integer arithmetic as a table's inserts
 * (lib/stream/timeline.ts): the rate is the exact fraction the YAML wrote, so 0.5 updates a
 * minute with 10 s ticks is one update every twelfth tick, forever, whatever the tick count.
 *
 * Changes begin after tick 0 (which only inserts): change i (0-based, over the table's life)
 * happens at `start + ceil((i + 1) / rate)`, in the tick whose interval (previous tick, tick]
 * holds that time, so the changes of a tick are spread over it as its inserts are.
 *
 * @module
 */
import { exactFraction } from "../stream/timeline.ts";

const MINUTE_MS = 60_000n;

/** Counts and times of one kind of change. */
export class ChangeRate {
  readonly #num: bigint;
  readonly #den: bigint;
  readonly #start: number;
  readonly #interval: bigint;

  /** `perMinute` changes a minute, on ticks `intervalMs` apart from `startMs`. */
  constructor(perMinute: number, startMs: number, intervalMs: number) {
    const { num, den } = exactFraction(perMinute);
    this.#num = num;
    this.#den = den;
    this.#start = startMs;
    this.#interval = BigInt(intervalMs);
  }

  /** Whether there are any changes of this kind. */
  get active(): boolean {
    return this.#num > 0n;
  }

  /** Changes made by ticks 1..k together (0 for k <= 0). */
  through(k: number): number {
    if (k <= 0 || this.#num === 0n) return 0;
    return Number(BigInt(k) * this.#interval * this.#num / (MINUTE_MS * this.#den));
  }

  /** Changes tick k makes. */
  at(k: number): number {
    return this.through(k) - this.through(k - 1);
  }

  /** Logical time (ms) of change `i` (0-based over the table's life). */
  time(i: number): number {
    const a = BigInt(i + 1) * MINUTE_MS * this.#den;
    return this.#start + Number((a + this.#num - 1n) / this.#num);
  }

  /** The tick that makes change `i`. */
  tickOf(i: number): number {
    const a = BigInt(i + 1) * MINUTE_MS * this.#den;
    const b = this.#interval * this.#num;
    return Number((a + b - 1n) / b);
  }
}
