/**
 * Duplicates (`duplicates:`): rows delivered again in a later tick, as an at-least-once
 * upstream redelivers them. Whether a row comes again, and in which tick, is a hash of
 * (seed, table, row id): so the duplicates of tick k are a pure function of k, a restart or
 * a kill -9 writes the same ones, and the shard that wrote a row writes its duplicate.
 *
 * A row of tick t is redelivered in tick t + 1 + d, d uniform in [0, D), where D is the
 * number of whole ticks in `max_delay` (at least 1): never later than `max_delay` after its
 * own tick, and never in its own commit's tick.
 *
 * @module
 */
import type { DuplicatesSpec } from "../engine/spec.ts";
import { streamKey, unitHash } from "../engine/rng.ts";
import type { OrdinalRange } from "./shard.ts";
import type { Timeline } from "./timeline.ts";

/** Which of a shard's ordinals in `[first, end)` it writes (absent: all of them). */
export type OwnRanges = (first: number, end: number) => OrdinalRange[];

/** The duplicates of one table's ticks. */
export class Duplicates {
  readonly spec: DuplicatesSpec;
  readonly #timeline: Timeline;
  readonly #own: OwnRanges;
  readonly #key: number;
  readonly #tickKey: number;
  /** Ticks a redelivery may lag its row's tick by, at most. */
  readonly delayTicks: number;

  constructor(
    spec: DuplicatesSpec,
    timeline: Timeline,
    options: { seed: number; table: string; own?: OwnRanges },
  ) {
    this.spec = spec;
    this.#timeline = timeline;
    this.#own = options.own ?? ((first, end) => [{ first, count: end - first }]);
    this.#key = streamKey(options.seed, options.table, "duplicate");
    this.#tickKey = streamKey(options.seed, options.table, "duplicate tick");
    this.delayTicks = Math.max(1, Math.floor(spec.maxDelayMs / timeline.spec.intervalMs));
  }

  /** Whether the row with this ordinal is delivered twice. */
  isDuplicated(ordinal: number): boolean {
    return unitHash(this.#key, this.#rowId(ordinal)) < this.spec.fraction;
  }

  /** The tick that delivers the row with this ordinal again (when it is duplicated). */
  redeliveryTick(ordinal: number): number {
    const d = Math.floor(unitHash(this.#tickKey, this.#rowId(ordinal)) * this.delayTicks);
    return this.#timeline.tickOf(ordinal) + 1 + d;
  }

  /**
   * The row ids ticks `first..last` deliver again (this shard's), in the order of their
   * redelivery tick, then of their first delivery.
   */
  rowIdsIn(first: number, last: number): number[] {
    if (this.spec.fraction === 0 || last < 1) return [];
    const from = this.#timeline.tickRows(Math.max(0, first - this.delayTicks)).first;
    const end = this.#timeline.rowsThrough(last - 1);
    const found: { tick: number; ordinal: number }[] = [];
    for (const range of this.#own(from, end)) {
      for (let o = range.first; o < range.first + range.count; o++) {
        if (!this.isDuplicated(o)) continue;
        const tick = this.redeliveryTick(o);
        if (tick >= first && tick <= last) found.push({ tick, ordinal: o });
      }
    }
    found.sort((a, b) => a.tick - b.tick || a.ordinal - b.ordinal);
    return found.map((f) => this.#rowId(f.ordinal));
  }

  #rowId(ordinal: number): number {
    return this.#timeline.spec.baseRowId + ordinal;
  }
}
