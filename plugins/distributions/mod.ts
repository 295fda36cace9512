/**
 * The built-in distributions, imported statically.
 *
 * @module
 */
import type { AnyDistribution } from "../../lib/plugin/types.ts";
import { exponential } from "./exponential.ts";
import { normal } from "./normal.ts";
import { uniform } from "./uniform.ts";
import { weightedParent } from "./weighted_parent.ts";
import { zipf } from "./zipf.ts";

/** Every built-in distribution, by name. */
export const BUILTIN_DISTRIBUTIONS: readonly AnyDistribution[] = [
  uniform,
  zipf,
  weightedParent,
  normal,
  exponential,
];
