/**
 * The timeline of a table whose rate has a shape (lib/stream/rate_shape.ts): the same
 * interface as the constant {@link Timeline}, which stays as fast as it was because a table
 * without a shape never reaches this class.
 *
 * - Rows through tick k are `row_count` plus floor(∫ rate from the start to tick k's time):
 *   exact, so a day's rows equal the profile's integral to the row.
 * - Row s (streamed, 0-based) is due when the integral reaches s + 1; it arrives at the first
 *   whole ms at or after that (in doubles: only the counts must be exact), within its tick.
 * - `jitter: poisson`: a tick keeps its exact count, but its rows' arrivals are the sorted
 *   points of a Poisson process on the tick conditioned on that count, i.e. independent
 *   draws from the rate's density over the tick, sorted (made by exponential spacings from a
 *   generator seeded by the table's key and the tick). The gaps between arrivals are then
 *   exponential at the local rate, and every row is a pure function of (seed, table, tick).
 *
 * @module
 */
import { CellRandom, mix2 } from "../engine/rng.ts";
import { floor, type Q, sub, toNumber } from "./rational.ts";
import { type FloatPiece, RateShape } from "./rate_shape.ts";
import { Timeline, type TimelineSpec } from "./timeline.ts";

/** The arrival times of one tick's rows, ordinals [first, end). */
interface TickArrivals {
  k: number;
  /** The tick's time, ms. */
  at: number;
  first: number;
  end: number;
  arrivals: Float64Array;
}

/** Rows streamed by a time: exact, and the whole rows of it (the floor, kept as a number). */
interface StreamedRows {
  exact: Q;
  whole: number;
}

/** Salts the jitter's generator apart from the random bursts'. */
const JITTER_SALT = 0x51ed270b;
/** Ticks whose arrivals are kept (children and changes look back a little). */
const KEPT_TICKS = 4;
/** Beyond this many ticks a row is taken never to come (a rate that stays 0). */
const MAX_TICK = 2 ** 40;

/** The timeline of a table with `spec.shape`. */
export class ShapedTimeline extends Timeline {
  readonly shape: RateShape;
  /** Rows streamed by each tick's time, exact and whole, for the last ticks asked for. */
  readonly #rows = new Map<number, StreamedRows>();
  readonly #ticks = new Map<number, TickArrivals>();
  /** The tick whose rows were asked for last: rows are asked for in order, tick by tick. */
  #current: TickArrivals = { k: -1, at: 0, first: 0, end: 0, arrivals: new Float64Array(0) };
  readonly #random = new CellRandom();

  constructor(spec: TimelineSpec) {
    super(spec);
    if (!spec.shape || spec.policy !== "append") {
      throw new RangeError("A shaped timeline needs a shape and the append policy");
    }
    this.shape = new RateShape(spec.shape, {
      startMs: spec.startMs,
      rowsPerMinute: spec.rowsPerMinute,
      key: spec.shapeKey ?? 0,
    });
  }

  override rowsThrough(k: number): number {
    if (k < 0) return 0;
    if (k === 0) return this.spec.initialRows;
    return this.spec.initialRows + this.#streamed(k).whole;
  }

  /** Rows the rate made from the start until tick k's time. */
  #streamed(k: number): StreamedRows {
    let rows = this.#rows.get(k);
    if (rows === undefined) {
      const exact = this.shape.rowsBy(this.tickTime(k));
      rows = { exact, whole: Number(floor(exact)) };
      if (this.#rows.size >= 4096) this.#rows.clear();
      this.#rows.set(k, rows);
    }
    return rows;
  }

  /** Rows (exact) the rate made from the start until tick k's time. */
  #streamedBy(k: number): Q {
    return this.#streamed(k).exact;
  }

  override get streams(): boolean {
    return this.shape.everPositive;
  }

  override tickOf(ordinal: number): number {
    const current = this.#current;
    if (ordinal >= current.first && ordinal < current.end) return current.k;
    if (ordinal < this.spec.initialRows) return 0;
    const last = this.shape.finalRows;
    if (last !== undefined && ordinal >= this.spec.initialRows + Number(floor(last))) {
      throw new RangeError(`Row ${ordinal} of the timeline never arrives: its rate stays 0`);
    }
    // The first tick whose rows pass `ordinal`: gallop out from the last ticks asked for.
    let lo = 0; // rowsThrough(lo) <= ordinal throughout
    for (const t of this.#ticks.values()) {
      if (ordinal >= t.first && ordinal < t.end) return t.k;
      if (ordinal >= t.end) lo = Math.max(lo, t.k);
    }
    let step = 1;
    while (this.rowsThrough(lo + step) <= ordinal) {
      lo += step;
      step *= 2;
      if (lo > MAX_TICK) throw new RangeError(`Row ${ordinal} of the timeline is too far away`);
    }
    let hi = lo + step; // rowsThrough(hi) > ordinal
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.rowsThrough(mid) <= ordinal) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  override arrival(ordinal: number): number {
    const current = this.#current;
    if (ordinal >= current.first && ordinal < current.end) {
      return current.arrivals[ordinal - current.first];
    }
    if (ordinal < this.spec.initialRows) return this.spec.startMs;
    const tick = this.#tick(this.tickOf(ordinal));
    this.#current = tick;
    return tick.arrivals[ordinal - tick.first];
  }

  // A row's time and its parents' time, straight from the tick being written: these run
  // once per row, and a shaped table always appends.
  override rowTime(rowId: number, _epoch: number): number {
    const ordinal = rowId - this.spec.baseRowId;
    const current = this.#current;
    if (ordinal >= current.first && ordinal < current.end) {
      return current.arrivals[ordinal - current.first];
    }
    return this.arrival(ordinal);
  }

  override visibleAt(rowId: number, _epoch: number): number {
    const ordinal = rowId - this.spec.baseRowId;
    const current = this.#current;
    if (ordinal >= current.first && ordinal < current.end) return current.at;
    return this.tickTime(this.tickOf(ordinal));
  }

  /**
   * Rows of a tick at the highest of `rows_per_minute` and the phases' rates: the first
   * tick may be nearly empty (a ramp from 0) and would make blocks of single rows.
   */
  override typicalTickRows(): number {
    const phases = this.spec.shape!.phases ?? [];
    const rate = Math.max(this.spec.rowsPerMinute, ...phases.flatMap((p) => [p.from, p.to]));
    return Math.floor((rate * this.spec.intervalMs) / 60_000);
  }

  /** Rows per minute the shape asks for at logical time t. */
  override rateAt(t: number): number {
    return this.shape.rateAt(t);
  }

  /** Tick k's rows' arrival times (kept for the last few ticks asked for). */
  #tick(k: number): TickArrivals {
    let tick = this.#ticks.get(k);
    if (tick) return tick;
    const first = this.rowsThrough(k - 1);
    const end = this.rowsThrough(k);
    const a = this.tickTime(k - 1);
    const b = this.tickTime(k);
    const before = this.#streamedBy(k - 1);
    const targets = this.spec.shape!.jitter === "poisson"
      ? this.#poissonTargets(k, end - first, toNumber(sub(this.#streamedBy(k), before)))
      : evenTargets(end - first, toNumber(sub(before, { n: floor(before), d: 1n })));
    placeArrivals(this.shape.floatPieces(a, b), targets, a, b);
    tick = { k, at: b, first, end, arrivals: targets };
    if (this.#ticks.size >= KEPT_TICKS) this.#ticks.delete(this.#ticks.keys().next().value!);
    this.#ticks.set(k, tick);
    return tick;
  }

  /**
   * `count` sorted uniform points on (0, total) as Poisson arrivals conditioned on their
   * count: cumulative sums of count + 1 exponential gaps, scaled to end at `total`.
   */
  #poissonTargets(k: number, count: number, total: number): Float64Array {
    const out = new Float64Array(count);
    this.#random.reset(mix2(this.spec.shapeKey ?? 0, JITTER_SALT), k);
    let sum = 0;
    // Uniforms of 32 bits in (0, 1): ample for times within a tick, at half the draws.
    const random = this.#random;
    for (let i = 0; i < count; i++) {
      sum -= Math.log((random.nextUint32() + 0.5) / 4294967296);
      out[i] = sum;
    }
    sum -= Math.log((random.nextUint32() + 0.5) / 4294967296);
    const scale = total / sum;
    for (let i = 0; i < count; i++) out[i] *= scale;
    return out;
  }
}

/** Rows due in a tick, evenly: row j is due when the tick's integral reaches j + 1 - frac. */
function evenTargets(count: number, frac: number): Float64Array {
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) out[j] = j + 1 - frac;
  return out;
}

/**
 * Replaces each target (rows into the tick on [a, b]) by the first whole ms at or after it,
 * found by walking the rate's pieces: within one, rows after u ms are r0·u + slope·u²/2.
 */
function placeArrivals(
  pieces: readonly FloatPiece[],
  targets: Float64Array,
  a: number,
  b: number,
): void {
  if (targets.length === 0) return;
  let p = 0;
  let before = 0; // rows before piece p
  let piece = pieces[0];
  let rows = pieceRows(piece);
  let last = Math.min(a + 1, b);
  for (let j = 0; j < targets.length; j++) {
    const target = targets[j];
    while (p + 1 < pieces.length && before + rows < target) {
      before += rows;
      piece = pieces[++p];
      rows = pieceRows(piece);
    }
    const c = Math.max(0, target - before);
    const len = piece.y - piece.x;
    let u: number;
    if (piece.slope === 0) u = piece.r0 > 0 ? Math.min(len, c / piece.r0) : len;
    else {
      // r0·u + slope/2·u² = c, in the form that stays exact as slope goes to 0.
      const root = Math.sqrt(Math.max(0, piece.r0 * piece.r0 + 2 * piece.slope * c));
      u = piece.r0 + root > 0 ? Math.min(len, (2 * c) / (piece.r0 + root)) : len;
    }
    last = Math.min(b, Math.max(last, Math.ceil(piece.x + u)));
    targets[j] = last;
  }
}

function pieceRows(piece: FloatPiece): number {
  const len = piece.y - piece.x;
  return piece.r0 * len + piece.slope * len * len / 2;
}

/** The timeline of a table: shaped when its spec has a shape and it appends. */
export function timelineOf(spec: TimelineSpec): Timeline {
  return spec.shape && spec.policy === "append" ? new ShapedTimeline(spec) : new Timeline(spec);
}
