/**
 * An example distribution plugin: Pareto-distributed foreign keys, where a few parents get
 * most children (the 80/20 rule with the default alpha).
 *
 *   foreign_key("customers", "id", distribution="pareto", alpha=1.16)
 *
 * A plugin file imports nothing at run time: `import type` is erased when it is loaded.
 */
import type { PluginApi } from "../../lib/mod.ts";

export default ({ defineDistribution }: PluginApi) =>
  defineDistribution({
    name: "pareto",
    summary: "Pareto: a few parents get most children (80/20 with alpha 1.16).",
    options: {
      alpha: {
        type: "number",
        default: 1.16,
        min: 0.01,
        description: "Tail index: smaller is more skewed",
        examples: [1.16, 2],
      },
      scale: {
        type: "number",
        default: 0.01,
        min: 1e-9,
        max: 1,
        description: "Typical distance from the oldest parent, as a fraction of the parents",
      },
    },
    create({ alpha, scale }, { count }) {
      const unit = Math.max(scale * count, 1e-9);
      return {
        sample(random) {
          // Inversion of the Pareto (Lomax) CDF, resampled until it falls on a parent.
          for (let i = 0; i < 32; i++) {
            const x = ((1 - random.next()) ** (-1 / alpha) - 1) * unit;
            if (x < count) return Math.floor(x);
          }
          return count - 1;
        },
      };
    },
  });
