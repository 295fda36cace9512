/**
 * The options a `foreign_key(...)` call gives its distribution: the keyword arguments the
 * plugin declares, tablefaker's own (`param`, `parent_attr`, `weights`) included, checked by
 * the plugin's spec. One place, for the config checker and the engine alike.
 *
 * @module
 */
import type { DistributionCatalog } from "../expr/host.ts";
import type { ForeignKeyCall } from "../expr/types.ts";
import { type OptionProblem, resolveOptions } from "./options.ts";
import type { AnyDistribution } from "./types.ts";

/** tablefaker's arguments of `foreign_key`, by option name, and where the call keeps them. */
export const LEGACY_ARGUMENTS = {
  param: (call: ForeignKeyCall) => call.param,
  parent_attr: (call: ForeignKeyCall) => call.parentAttr,
  weights: (call: ForeignKeyCall) => call.weights,
} as const;

/** The distribution's options from the call, and what is wrong with them. */
export function resolveDistributionOptions(
  plugin: AnyDistribution,
  call: ForeignKeyCall,
): { options: Record<string, unknown>; problems: OptionProblem[]; ignored: string[] } {
  const given: Record<string, unknown> = { ...call.options };
  const ignored: string[] = [];
  for (const [name, read] of Object.entries(LEGACY_ARGUMENTS)) {
    const value = read(call);
    if (value === undefined) continue;
    if (name in plugin.options) given[name] = value;
    else ignored.push(name); // accepted, as tablefaker does, but unused: a warning
  }
  const { values, problems } = resolveOptions(plugin.options, given);
  return { options: values, problems, ignored };
}

/** The options, with problems as one message per problem (for errors at run time). */
export function distributionOptions(
  plugin: AnyDistribution,
  call: ForeignKeyCall,
): { options: Record<string, unknown>; problems: string[] } {
  const { options, problems } = resolveDistributionOptions(plugin, call);
  return {
    options,
    problems: problems.map((p) =>
      `distribution "${plugin.name}": ${p.message}${p.hint ? ` (${p.hint})` : ""}`
    ),
  };
}

/**
 * The distributions as the expression compiler checks `foreign_key(distribution=...)` calls
 * against them (the language's {@link DistributionCatalog}).
 */
export function distributionCatalog(
  distributions: ReadonlyMap<string, AnyDistribution>,
): DistributionCatalog {
  return {
    names: () => [...distributions.keys()],
    optionNames: (name) => {
      const plugin = distributions.get(name);
      return plugin ? Object.keys(plugin.options) : undefined;
    },
    check: (call) => {
      const { problems, ignored } = resolveDistributionOptions(
        distributions.get(call.distribution)!,
        call,
      );
      return { problems, ignored };
    },
  };
}
