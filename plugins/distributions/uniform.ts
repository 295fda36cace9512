/**
 * `uniform`: every parent row equally likely (the default distribution).
 *
 * @module
 */
import { defineDistribution } from "../../lib/plugin/define.ts";
import { uniformSampler } from "../../lib/engine/distributions.ts";

/** Every parent row equally likely. */
export const uniform = defineDistribution({
  name: "uniform",
  summary: "Every parent row is equally likely (the default).",
  options: {},
  create: (_options, { count }) => uniformSampler(count),
});
