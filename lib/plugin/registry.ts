/**
 * The plugin registry: built-ins and user plugins of the three kinds, by name, with where
 * each came from. Every plugin is checked for its shape when it is added, so a broken one
 * fails at load with a message naming its file, not in the middle of a run.
 *
 * @module
 */
import { specProblems } from "./options.ts";
import {
  type AnyColumnFunction,
  type AnyDistribution,
  type AnySink,
  type Plugin,
  type PluginKind,
  VALUE_TYPES,
} from "./types.ts";

/** Where built-in plugins come from, in listings. */
export const BUILT_IN = "built-in";

/** A plugin and where it came from (`built-in`, or a file path). */
export interface RegisteredPlugin {
  plugin: Plugin;
  source: string;
}

/** A plugin that cannot be used, with every reason. */
export class PluginError extends Error {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = "PluginError";
  }
}

const KINDS: readonly PluginKind[] = ["distribution", "column", "sink"];

/** What is wrong with something offered as a plugin (empty when it is a plugin). */
export function pluginProblems(value: unknown): string[] {
  if (value === null || typeof value !== "object") return ["it is not an object"];
  const p = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!KINDS.includes(p.kind as PluginKind)) {
    problems.push(
      `its \`kind\` is ${JSON.stringify(p.kind)}; make it with defineDistribution, ` +
        "defineColumnFunction or defineSink (or set kind to distribution, column or sink)",
    );
  }
  if (typeof p.name !== "string" || !/^[a-z][a-z0-9_]*$/.test(p.name)) {
    problems.push(`its \`name\` ${JSON.stringify(p.name)} must be snake_case, e.g. "my_plugin"`);
  }
  if (typeof p.summary !== "string" || p.summary.trim() === "") {
    problems.push("it needs a one-sentence `summary`");
  }
  if (p.options === undefined) problems.push("it needs an `options` spec (`{}` for none)");
  else problems.push(...specProblems(p.options));
  if (typeof p.create !== "function") problems.push("it needs a `create(options, ctx)` function");
  if (p.kind === "column") {
    if (!(VALUE_TYPES as readonly unknown[]).includes(p.returns)) {
      problems.push(`its \`returns\` must be one of ${VALUE_TYPES.join(", ")}`);
    }
    const params = p.params;
    if (
      !Array.isArray(params) ||
      params.some((q) => typeof q?.name !== "string" || typeof q?.description !== "string")
    ) {
      problems.push("its `params` must be a list of { name, description, default? }");
    }
  }
  return problems;
}

/** Plugins by kind and name. */
export class PluginRegistry {
  readonly #byKind = new Map<PluginKind, Map<string, RegisteredPlugin>>(
    KINDS.map((k) => [k, new Map()]),
  );

  /** A registry holding `builtins`. */
  constructor(builtins: readonly Plugin[] = []) {
    for (const plugin of builtins) this.add(plugin, BUILT_IN);
  }

  /** Adds a plugin; throws {@link PluginError} for a bad shape or a taken name. */
  add(plugin: Plugin, source: string): void {
    const problems = pluginProblems(plugin);
    if (problems.length) {
      const name = typeof plugin?.name === "string" ? ` "${plugin.name}"` : "";
      throw new PluginError(source, `the plugin${name} cannot be used: ${problems.join("; ")}`);
    }
    const map = this.#byKind.get(plugin.kind)!;
    const taken = map.get(plugin.name);
    if (taken) {
      throw new PluginError(
        source,
        `a ${plugin.kind} plugin named "${plugin.name}" is already loaded from ${taken.source}; ` +
          "rename one of them",
      );
    }
    map.set(plugin.name, { plugin, source });
  }

  /** The plugin of a kind and name, if loaded. */
  get(kind: "distribution", name: string): AnyDistribution | undefined;
  get(kind: "column", name: string): AnyColumnFunction | undefined;
  get(kind: "sink", name: string): AnySink | undefined;
  get(kind: PluginKind, name: string): Plugin | undefined {
    return this.#byKind.get(kind)!.get(name)?.plugin;
  }

  /** Names of the loaded plugins of a kind. */
  names(kind: PluginKind): string[] {
    return [...this.#byKind.get(kind)!.keys()];
  }

  /** Every plugin with its source, by kind then load order. */
  entries(): RegisteredPlugin[] {
    return KINDS.flatMap((k) => [...this.#byKind.get(k)!.values()]);
  }

  /** Distribution plugins by name, as the engine takes them. */
  distributions(): ReadonlyMap<string, AnyDistribution> {
    return new Map(
      [...this.#byKind.get("distribution")!].map(([n, r]) => [n, r.plugin as AnyDistribution]),
    );
  }

  /** Column-function plugins by name. */
  columnFunctions(): ReadonlyMap<string, AnyColumnFunction> {
    return new Map(
      [...this.#byKind.get("column")!].map(([n, r]) => [n, r.plugin as AnyColumnFunction]),
    );
  }
}
