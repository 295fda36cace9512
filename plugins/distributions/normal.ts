/**
 * `normal`: parents around a position in the parent table, e.g. the middle-aged accounts.
 *
 * @module
 */
import { defineDistribution } from "../../lib/plugin/define.ts";
import type { RandomSource } from "../../lib/plugin/types.ts";

/** A standard normal draw (Box-Muller), from two uniforms of the cell's stream. */
export function standardNormal(random: RandomSource): number {
  const u = 1 - random.next(); // (0, 1]: log is finite
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Draws at most this many times before taking the nearest edge (the tails are thin). */
const MAX_DRAWS = 64;

/** A truncated normal over parent positions. */
export const normal = defineDistribution({
  name: "normal",
  summary: "Bell-shaped around a position of the parent table (0 = oldest, 1 = newest).",
  options: {
    mean: {
      type: "number",
      default: 0.5,
      min: 0,
      max: 1,
      description: "Where the bell is centred, as a fraction of the parent rows",
      examples: [0.5, 0.9],
    },
    sd: {
      type: "number",
      default: 0.15,
      min: 1e-9,
      description: "Its width, as a fraction of the parent rows",
      examples: [0.15, 0.05],
    },
  },
  create({ mean, sd }, { count }) {
    return {
      sample(random) {
        let x = 0;
        for (let i = 0; i < MAX_DRAWS; i++) {
          x = mean + sd * standardNormal(random);
          if (x >= 0 && x < 1) break;
        }
        return Math.min(count - 1, Math.max(0, Math.floor(x * count)));
      },
    };
  },
});
