/**
 * Which live rows a tick changes: a draw over the rows that exist before the tick (ordinals
 * 0, the oldest, to n - 1, the newest) by the table's `pick` distribution, then again when
 * the draw lands on a row that is deleted or already changed in this tick, and after 16
 * tries the nearest row that is neither. Every draw comes from the random stream it is
 * handed, so the picks are a pure function of that stream and of the rows excluded.
 *
 * @module
 */
import { livePick, zipfSampler } from "../engine/distributions.ts";
import type { CellRandom } from "../engine/rng.ts";
import type { PickSpec } from "./spec.ts";

/** Draws an ordinal in [0, n) from a random stream. */
export type OrdinalDraw = (random: CellRandom) => number;

/** The draw of a pick distribution over `n` rows (n >= 1), newest last. */
export function ordinalDraw(pick: PickSpec, n: number): OrdinalDraw {
  switch (pick.distribution) {
    case "uniform":
      return (random) => random.int(0, n - 1);
    case "zipf": {
      // Rank 1 is the newest row: the zipf sampler's index 0 is its most popular.
      const sampler = zipfSampler(n, pick.param);
      return (random) => n - 1 - sampler.sample(random);
    }
    case "recent": {
      // The exponential over age truncated to the n rows there are, inverted in one draw:
      // P(age >= a) falls by half every `halfLifeRows` rows.
      const lambda = Math.LN2 / pick.halfLifeRows;
      const mass = -Math.expm1(-lambda * n);
      return (random) => {
        const age = Math.floor(-Math.log1p(-random.next() * mass) / lambda);
        return n - 1 - Math.min(Math.max(age, 0), n - 1);
      };
    }
  }
}

/**
 * One row among [0, n) that `taken` does not exclude, or undefined when every row is taken.
 * `free` is how many rows are not taken, known to the caller (so a full table costs nothing).
 * Drawn as a child's foreign key is when its parent row is deleted (`livePick`).
 */
export function pickFree(
  draw: OrdinalDraw,
  random: CellRandom,
  n: number,
  free: number,
  taken: (ordinal: number) => boolean,
): number | undefined {
  if (free <= 0) return undefined;
  return livePick({ sample: draw }, random, n, (o) => !taken(o));
}
