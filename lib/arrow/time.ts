/**
 * Time as numbers: the length of a day, and Arrow's time units converted into each other.
 * Dates are whole days since the epoch, timestamps ticks of a unit since the epoch; every
 * layer that turns them into milliseconds, microseconds or text reads these, so that they
 * agree.
 *
 * @module
 */
import * as arrow from "apache-arrow";

/** Seconds in a day. */
export const SECONDS_PER_DAY = 86_400;

/** Milliseconds in a day: dates are whole days since the epoch. */
export const DAY_MS = 86_400_000;

/** How many ticks of each Arrow time unit make a second. */
export const TICKS_PER_SECOND: Readonly<Record<arrow.TimeUnit, bigint>> = {
  [arrow.TimeUnit.SECOND]: 1n,
  [arrow.TimeUnit.MILLISECOND]: 1_000n,
  [arrow.TimeUnit.MICROSECOND]: 1_000_000n,
  [arrow.TimeUnit.NANOSECOND]: 1_000_000_000n,
};

/**
 * Microseconds in one tick of the Arrow time units no finer than a microsecond, as plain
 * numbers for arithmetic on the hot path (a nanosecond is not a whole number of them).
 */
export const MICROS_PER_TICK: Readonly<Partial<Record<arrow.TimeUnit, number>>> = {
  [arrow.TimeUnit.SECOND]: 1_000_000,
  [arrow.TimeUnit.MILLISECOND]: 1_000,
  [arrow.TimeUnit.MICROSECOND]: 1,
};

/** floor(a / b) for bigints of any sign (bigint division truncates towards zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/**
 * Converts ticks of one Arrow time unit into ticks of another, floored, so that instants
 * before 1970 keep their order. Made once per column, called per value.
 *
 * @example
 * ```ts
 * import * as arrow from "apache-arrow";
 * const toMicros = tickConverter(arrow.TimeUnit.NANOSECOND, arrow.TimeUnit.MICROSECOND);
 * toMicros(-1n); // -1n
 * ```
 */
export function tickConverter(
  from: arrow.TimeUnit,
  to: arrow.TimeUnit,
): (ticks: bigint) => bigint {
  const source = TICKS_PER_SECOND[from];
  const target = TICKS_PER_SECOND[to];
  if (source === target) return (ticks) => ticks;
  if (source < target) {
    const factor = target / source;
    return (ticks) => ticks * factor;
  }
  const divisor = source / target;
  return (ticks) => floorDiv(ticks, divisor);
}
