/**
 * Identity helpers that give a plugin object its kind and its option types: the option
 * values `create` receives are typed from the spec written as data.
 *
 * @example
 * ```ts
 * export const pareto = defineDistribution({
 *   name: "pareto",
 *   summary: "Heavy-tailed: a few parents get most children.",
 *   options: { alpha: { type: "number", default: 1.16, min: 0.01, description: "Tail index" } },
 *   create: ({ alpha }, { count }) => ({
 *     sample: (random) => Math.min(count - 1, Math.floor((1 / (1 - random.next()) ** (1 / alpha)) - 1)),
 *   }),
 * });
 * ```
 *
 * @module
 */
import type { OptionsSpec } from "./options.ts";
import type { ColumnFunctionPlugin, DistributionPlugin, SinkPlugin } from "./types.ts";

type Definition<P> = Omit<P, "kind">;

/** A distribution plugin. */
export function defineDistribution<const S extends OptionsSpec>(
  plugin: Definition<DistributionPlugin<S>>,
): DistributionPlugin<S> {
  return { kind: "distribution", ...plugin };
}

/** A column-function plugin. */
export function defineColumnFunction<const S extends OptionsSpec>(
  plugin: Definition<ColumnFunctionPlugin<S>>,
): ColumnFunctionPlugin<S> {
  return { kind: "column", ...plugin };
}

/** A sink plugin. */
export function defineSink<const S extends OptionsSpec>(
  plugin: Definition<SinkPlugin<S>>,
): SinkPlugin<S> {
  return { kind: "sink", ...plugin };
}
