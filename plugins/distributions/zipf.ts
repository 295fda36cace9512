/**
 * `zipf`: the k-th oldest parent is picked with weight 1/k^param, as tablefaker's.
 *
 * @module
 */
import { defineDistribution } from "../../lib/plugin/define.ts";
import { zipfSampler } from "../../lib/engine/distributions.ts";

/** Default Zipf exponent, as tablefaker's. */
export const DEFAULT_ZIPF_PARAM = 1.2;

/** Skewed toward the oldest parents: a few get most children. */
export const zipf = defineDistribution({
  name: "zipf",
  summary: "Skewed: the k-th oldest parent has weight 1/k^param, so a few get most children.",
  options: {
    param: {
      type: "number",
      default: DEFAULT_ZIPF_PARAM,
      min: 1e-9,
      description: "The exponent: larger is more skewed",
      examples: [1.2, 0.8, 2],
    },
  },
  // Rejection-inversion: constant time whatever the number of parents.
  create: ({ param }, { count }) => zipfSampler(count, param),
});
