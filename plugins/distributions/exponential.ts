/**
 * `exponential`: recent parents are the likeliest (or the oldest), decaying exponentially:
 * new customers order more than old ones.
 *
 * @module
 */
import { defineDistribution } from "../../lib/plugin/define.ts";

/** Exponential decay away from the newest (or oldest) parent. */
export const exponential = defineDistribution({
  name: "exponential",
  summary: "Decays exponentially away from the newest parent (or the oldest, with from=oldest).",
  options: {
    scale: {
      type: "number",
      default: 0.1,
      min: 1e-9,
      description: "Mean distance from the start, as a fraction of the parent rows",
      examples: [0.1, 0.01],
    },
    from: {
      type: "string",
      default: "newest",
      choices: ["newest", "oldest"],
      description: "Which end is the likeliest",
    },
  },
  create({ scale, from }, { count }) {
    const mean = scale * count;
    return {
      sample(random) {
        // Inversion, folded back into range: the decay stays exponential within [0, count).
        const distance = Math.floor((-Math.log(1 - random.next()) * mean) % count);
        return from === "newest" ? count - 1 - distance : distance;
      },
    };
  },
});
