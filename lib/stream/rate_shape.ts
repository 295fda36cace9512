/**
 * A table's rate over logical time (`cadence:`'s `daily`, `weekly`, `phases`, `bursts`): a
 * piecewise-linear function of time, integrated exactly so a shaped table's rows per tick
 * are the integral of its rate with the fraction carried, as a constant rate's are.
 *
 * The rate at time t (rows per minute) is
 *
 *     base(t) × daily[hour of t] × weekly[weekday of t] × burst(t)
 *
 * - `base(t)`: during `phases` (from the table's start, one after another) the phase's rate,
 *   held or ramped linearly from `from` to `to`; after the last phase, `rows_per_minute`.
 * - `daily[h]`: hour h's weight times 24 over the sum of the 24 weights, so the factors
 *   average 1 over a day and `rows_per_minute` stays the mean rate of a day. Hours are UTC's,
 *   or the local hours of `timezone` (lib/stream/time_zone.ts; a day with a clock change has
 *   23 or 25 of them).
 * - `weekly[d]`: day d's weight (Monday first, ISO) times 7 over the sum of the 7 weights,
 *   by the same clock.
 * - `burst(t)`: the largest multiplier of the bursts under way at t, 1 when none is.
 *   Random bursts (`per_day`) start at times drawn from the table's seed and the UTC day
 *   (a Poisson number per day, each at a uniform time of the day), so every process agrees.
 *
 * Everything changes only at (local) hour boundaries, phase ends and burst edges, where the
 * function is cut into pieces of the form r0 + slope·(t - x); each integrates exactly in
 * rationals. Cumulative rows are memoised at each hour since the start, so the rows by any
 * time cost one hour's pieces.
 *
 * @module
 */
import { CellRandom, mix2 } from "../engine/rng.ts";
import {
  add,
  div,
  fromInt,
  fromNumber,
  max,
  mul,
  ONE,
  type Q,
  q,
  sub,
  toNumber,
  ZERO,
} from "./rational.ts";
import { TimeZone } from "./time_zone.ts";

/** A phase of `phases:`: the rate goes from `from` to `to` (equal: a hold) over `ms`. */
export interface PhaseSpec {
  from: number;
  to: number;
  ms: number;
}

/** A burst of `bursts:`: a multiplier of the rate for `ms`, at a time or at random. */
export type BurstSpec =
  /** At a logical time (ms since the epoch). */
  | { atMs: number; ms: number; multiplier: number }
  /** At a time after the table's start. */
  | { afterMs: number; ms: number; multiplier: number }
  /** At random, `perDay` bursts a day on average. */
  | { perDay: number; ms: number; multiplier: number };

/** A table's rate shape as data: the cadence's fields beside `rows_per_minute`. */
export interface RateShapeSpec {
  /** 24 hourly weights, hour 00 (UTC) first. */
  daily?: number[];
  /** 7 daily weights, Monday first. */
  weekly?: number[];
  phases?: PhaseSpec[];
  bursts?: BurstSpec[];
  /** `poisson`: arrivals within each tick as a Poisson process (see ShapedTimeline). */
  jitter?: "poisson";
  /** The IANA time zone whose hours and weekdays `daily` and `weekly` follow (default UTC). */
  timezone?: string;
}

/** Named daily profiles (`daily: evening_peak`): 24 weights, hour 00 UTC first. */
export const DAILY_PROFILES: Readonly<Record<string, readonly number[]>> = {
  flat: Array(24).fill(1),
  // Office traffic: quiet nights, a morning rise, a lunch dip, gone by the evening.
  business_hours: [1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 10, 8, 10, 10, 10, 9, 6, 3, 2, 2, 1, 1, 1],
  // Consumer traffic: low at night, steady by day, highest from 18:00 to 22:00.
  evening_peak: [3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 6, 5, 5, 5, 6, 8, 10, 12, 12, 10, 7, 5],
  // Batch jobs at night, little by day.
  overnight: [10, 12, 12, 12, 10, 6, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 5, 8],
};

/** Ms in an hour and a day. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
const MINUTE = 60_000n;
/** 1970-01-01 was a Thursday: UTC day 0 is weekday 3 counting from Monday = 0. */
const EPOCH_WEEKDAY = 3;

/** A piece of the rate: `r0 + slope·(t - x)` rows per minute on `[x, y)`. */
export interface RatePiece {
  x: number;
  y: number;
  r0: Q;
  /** Rows per minute per ms. */
  slope: Q;
}

/** The same piece in doubles, rows per ms, for placing arrivals. */
export interface FloatPiece {
  x: number;
  y: number;
  r0: number;
  slope: number;
}

interface Window {
  start: number;
  end: number;
  multiplier: Q;
}

interface Phase {
  start: number;
  end: number;
  from: Q;
  slope: Q;
}

/** Weights scaled so that they average 1: w·n / Σw. */
function normalised(weights: readonly number[]): Q[] {
  const exact = weights.map(fromNumber);
  const sum = exact.reduce(add, ZERO);
  if (sum.n === 0n) throw new RangeError("A profile's weights must not all be 0");
  return exact.map((w) => div(mul(w, fromInt(weights.length)), sum));
}

/** A Poisson-distributed count with mean `mean` (Knuth's product of uniforms). */
function poisson(random: CellRandom, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random.next();
  while (p > limit) {
    k++;
    p *= random.next();
  }
  return k;
}

/** The exact rate of one table over logical time. */
export class RateShape {
  readonly spec: RateShapeSpec;
  readonly #startMs: number;
  readonly #base: Q;
  readonly #key: number;
  /** Factor of each hour of the week (Monday 00 first), or undefined when flat. */
  readonly #hourFactor?: Q[];
  readonly #phases: Phase[];
  readonly #phasesEnd: number;
  readonly #fixed: Window[];
  readonly #random: { perDay: number; ms: number; multiplier: Q }[];
  readonly #randomDays = new Map<number, Window[]>();
  /** Rows by the start of each hour since the start's hour (index 0: that hour's start). */
  readonly #hourRows: Q[] = [ZERO];
  readonly #hours = new Map<number, HourPieces>();
  readonly #firstHour: number;
  /** The zone whose local hours the profiles follow; undefined: UTC. */
  readonly #zone?: TimeZone;

  constructor(
    spec: RateShapeSpec,
    options: { startMs: number; rowsPerMinute: number; key: number },
  ) {
    this.spec = spec;
    this.#startMs = options.startMs;
    this.#base = fromNumber(options.rowsPerMinute);
    this.#key = options.key;
    if (spec.daily || spec.weekly) {
      const daily = normalised(spec.daily ?? DAILY_PROFILES.flat);
      const weekly = normalised(spec.weekly ?? Array(7).fill(1));
      this.#hourFactor = weekly.flatMap((w) => daily.map((d) => mul(w, d)));
    }
    let at = options.startMs;
    this.#phases = (spec.phases ?? []).map((p) => {
      const from = fromNumber(p.from);
      const phase = {
        start: at,
        end: at + p.ms,
        from,
        slope: div(sub(fromNumber(p.to), from), fromInt(p.ms)),
      };
      at += p.ms;
      return phase;
    });
    this.#phasesEnd = at;
    this.#fixed = [];
    this.#random = [];
    for (const b of spec.bursts ?? []) {
      const multiplier = fromNumber(b.multiplier);
      if ("perDay" in b) this.#random.push({ perDay: b.perDay, ms: b.ms, multiplier });
      else {
        const start = "atMs" in b ? b.atMs : options.startMs + b.afterMs;
        this.#fixed.push({ start, end: start + b.ms, multiplier });
      }
    }
    this.#firstHour = Math.floor(options.startMs / HOUR_MS);
    if (spec.timezone !== undefined && spec.timezone !== "UTC") {
      this.#zone = new TimeZone(spec.timezone);
    }
  }

  /** Whether the rate is above 0 somewhere after the start. */
  get everPositive(): boolean {
    return this.#base.n > 0n || (this.spec.phases ?? []).some((p) => p.from > 0 || p.to > 0);
  }

  /**
   * All the rows the rate ever makes, when that is finite: `rows_per_minute` is 0, so rows
   * stop with the phases. Undefined when rows come for ever (the base rate, times weights
   * that are not all 0, is above 0 in every week).
   */
  get finalRows(): Q | undefined {
    return this.#base.n === 0n ? this.rowsBy(this.#phasesEnd) : undefined;
  }

  /** Random bursts that start on UTC day `day`. */
  #randomBursts(day: number): Window[] {
    let windows = this.#randomDays.get(day);
    if (windows) return windows;
    windows = [];
    const random = new CellRandom();
    this.#random.forEach((b, i) => {
      random.reset(mix2(this.#key, i), day);
      const count = poisson(random, b.perDay);
      for (let j = 0; j < count; j++) {
        const start = day * DAY_MS + Math.floor(random.next() * DAY_MS);
        windows!.push({ start, end: start + b.ms, multiplier: b.multiplier });
      }
    });
    if (this.#randomDays.size > 1024) this.#randomDays.clear();
    this.#randomDays.set(day, windows);
    return windows;
  }

  /** Bursts that overlap [a, b). Random bursts last at most a day, so start the day before. */
  bursts(a: number, b: number): Window[] {
    const out = this.#fixed.filter((w) => w.start < b && w.end > a);
    if (this.#random.length === 0) return out;
    for (let day = Math.floor(a / DAY_MS) - 1; day * DAY_MS < b; day++) {
      for (const w of this.#randomBursts(day)) if (w.start < b && w.end > a) out.push(w);
    }
    return out;
  }

  /** The base rate (phases, else `rows_per_minute`) at t as r0 and slope. */
  #baseAt(t: number): { r0: Q; slope: Q } {
    if (t < this.#phasesEnd) {
      for (const p of this.#phases) {
        if (t < p.end) {
          return { r0: add(p.from, mul(p.slope, fromInt(t - p.start))), slope: p.slope };
        }
      }
    }
    return { r0: this.#base, slope: ZERO };
  }

  /** The profile's and the bursts' factor at t, given the bursts near it. */
  #factorAt(t: number, bursts: readonly Window[]): Q {
    let factor = ONE;
    if (this.#hourFactor) {
      const hour = Math.floor((this.#zone ? this.#zone.localAt(t) : t) / HOUR_MS);
      const day = Math.floor(hour / 24);
      const weekday = (((day + EPOCH_WEEKDAY) % 7) + 7) % 7;
      factor = this.#hourFactor[weekday * 24 + (hour - day * 24)];
    }
    let burst: Q | undefined;
    for (const w of bursts) {
      if (w.start <= t && t < w.end) burst = burst ? max(burst, w.multiplier) : w.multiplier;
    }
    return burst ? mul(factor, burst) : factor;
  }

  /** The exact pieces of the rate on [a, b). */
  pieces(a: number, b: number): RatePiece[] {
    const cuts = new Set<number>([a, b]);
    if (this.#hourFactor && this.#zone) {
      for (const t of this.#zone.hourChanges(a, b)) cuts.add(t);
    } else if (this.#hourFactor) {
      for (let h = Math.ceil(a / HOUR_MS) * HOUR_MS; h < b; h += HOUR_MS) cuts.add(h);
    }
    for (const p of this.#phases) {
      if (p.start > a && p.start < b) cuts.add(p.start);
      if (p.end > a && p.end < b) cuts.add(p.end);
    }
    const bursts = this.bursts(a, b);
    for (const w of bursts) {
      if (w.start > a) cuts.add(w.start);
      if (w.end < b) cuts.add(w.end);
    }
    const points = [...cuts].sort((x, y) => x - y);
    const out: RatePiece[] = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const x = points[i];
      const { r0, slope } = this.#baseAt(x);
      const f = this.#factorAt(x, bursts);
      out.push({ x, y: points[i + 1], r0: mul(r0, f), slope: mul(slope, f) });
    }
    return out;
  }

  /** The rate at t, rows per minute (0 before the start). */
  rateAt(t: number): number {
    if (t < this.#startMs) return 0;
    return toNumber(mul(this.#baseAt(t).r0, this.#factorAt(t, this.bursts(t, t + 1))));
  }

  /** Rows (exact) of a piece from its start to `len` ms into it. */
  #pieceRows(p: RatePiece, len: number): Q {
    const l = BigInt(len);
    // ∫ r0 + slope·u du over [0, len] = len·r0 + slope·len²/2, in rows per minute × ms
    const n = 2n * l * p.r0.n * p.slope.d + p.slope.n * l * l * p.r0.d;
    return q(n, 2n * p.r0.d * p.slope.d * MINUTE);
  }

  /** Hour h's pieces (clipped to the start) with the rows before each, kept for a few hours. */
  #hour(h: number): HourPieces {
    const cached = this.#hours.get(h);
    if (cached) return cached;
    this.#rowsAtHour(h); // the hours before it first: their memo is in order
    const from = Math.max(this.#startMs, h * HOUR_MS);
    const pieces = this.pieces(from, (h + 1) * HOUR_MS);
    const before: Q[] = [];
    let rows = this.#hourRows[h - this.#firstHour];
    for (const p of pieces) {
      before.push(rows);
      rows = add(rows, this.#pieceRows(p, p.y - p.x));
    }
    const floats = pieces.map((p) => ({
      x: p.x,
      y: p.y,
      r0: toNumber(p.r0) / 60_000,
      slope: toNumber(p.slope) / 60_000,
    }));
    const hour = { pieces, before, floats, end: rows };
    if (this.#hours.size >= 8) this.#hours.delete(this.#hours.keys().next().value!);
    this.#hours.set(h, hour);
    return hour;
  }

  /** Rows (exact) made from the start until the start of hour h (h >= the start's hour). */
  #rowsAtHour(h: number): Q {
    const index = h - this.#firstHour;
    while (this.#hourRows.length <= index) {
      const previous = this.#firstHour + this.#hourRows.length - 1;
      this.#hourRows.push(this.#hour(previous).end);
    }
    return this.#hourRows[index];
  }

  /** Rows (exact) made from the start until t. */
  rowsBy(t: number): Q {
    if (t <= this.#startMs) return ZERO;
    const h = Math.floor(t / HOUR_MS);
    if (t === h * HOUR_MS) return this.#rowsAtHour(h);
    const hour = this.#hour(h);
    let i = 0;
    while (hour.pieces[i].y < t) i++;
    const p = hour.pieces[i];
    return add(hour.before[i], this.#pieceRows(p, t - p.x));
  }

  /** The pieces of [a, b) in doubles, rows per ms, for placing arrivals. */
  floatPieces(a: number, b: number): FloatPiece[] {
    const out: FloatPiece[] = [];
    for (let h = Math.floor(a / HOUR_MS); h * HOUR_MS < b; h++) {
      for (const p of this.#hour(h).floats) {
        if (p.y <= a || p.x >= b) continue;
        const x = Math.max(a, p.x);
        out.push({ x, y: Math.min(b, p.y), r0: p.r0 + p.slope * (x - p.x), slope: p.slope });
      }
    }
    return out;
  }
}

/** An hour's pieces, the exact rows before each and at its end, and the pieces in doubles. */
interface HourPieces {
  pieces: RatePiece[];
  before: Q[];
  floats: FloatPiece[];
  end: Q;
}
