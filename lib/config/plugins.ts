/**
 * The config's plugins: loading the files `plugins:` lists into a registry, creating the
 * column functions with their options, and checking `sinks:` against the sink plugins'
 * option specs, every problem a positioned diagnostic.
 *
 * @module
 */
import type { FunctionSpec } from "../expr/function_spec.ts";
import { floatValue, plainValue, type StaticType, type Value } from "../expr/values.ts";
import { closestString } from "../expr/suggest.ts";
import { loadPluginFile } from "../plugin/load.ts";
import { type OptionProblem, resolveOptions } from "../plugin/options.ts";
import { PluginRegistry } from "../plugin/registry.ts";
import type { AnyColumnFunction } from "../plugin/types.ts";
import { BUILTIN_PLUGINS } from "../../plugins/mod.ts";
import type { Diagnostic, YamlPath } from "./diagnostics.ts";
import { type Config, configDir, type SinkChoice } from "./model.ts";

/** A registry of the built-in plugins. */
export function builtinRegistry(): PluginRegistry {
  return new PluginRegistry(BUILTIN_PLUGINS);
}

/** Loads every file of `plugins:` into `registry`; problems name the file and the entry. */
export async function loadPluginFiles(
  config: Config,
  registry: PluginRegistry,
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const ref of config.pluginFiles) {
    const error = (message: string, hint?: string) =>
      diagnostics.push(
        config.sourceMap.diagnostic(ref.at, "bad-plugin", message, hint ? { hint } : {}),
      );
    try {
      const loaded = await loadPluginFile(ref.resolved);
      for (const plugin of loaded.plugins) registry.add(plugin, ref.path);
    } catch (e) {
      error(
        `Cannot load plugin file \`${ref.path}\`: ${(e as Error).message}`,
        "See docs/plugins.md for the shape of a plugin file; `tablestream plugins --plugin " +
          `${ref.resolved}\` loads it alone.`,
      );
    }
  }
  return diagnostics;
}

/** Option problems as diagnostics under `at` (an unknown option points at its key). */
export function optionDiagnostics(
  config: Config,
  at: YamlPath,
  problems: readonly OptionProblem[],
  what: string,
): Diagnostic[] {
  return problems.map((problem) => {
    const given = problem.code !== "missing-option" &&
      config.sourceMap.node([...at, problem.option]) !== undefined;
    return config.sourceMap.diagnostic(
      given ? [...at, problem.option] : at,
      problem.code,
      `${what}: ${problem.message}`,
      {
        ...(problem.hint ? { hint: problem.hint } : {}),
        ...(given && problem.code === "unknown-option" ? { at: "key" as const } : {}),
      },
    );
  });
}

/** A column-function plugin as a function of the expression language. */
function functionSpec(plugin: AnyColumnFunction, impl: ReturnType<AnyColumnFunction["create"]>) {
  const spec: FunctionSpec = {
    summary: plugin.summary,
    params: plugin.params.map((p) => p.default === undefined ? p.name : [p.name, p.default]),
    returns: plugin.returns as StaticType,
    // Plugins take and give plain JavaScript data; a float they return is a float when whole.
    impl: plugin.returns === "float"
      ? (ctx, ...args) => {
        const value = impl(args.map(plainValue) as Value[], ctx);
        return typeof value === "number" ? floatValue(value) : value;
      }
      : (ctx, ...args) => impl(args.map(plainValue) as Value[], ctx),
  };
  return spec;
}

/**
 * The column functions of the registry, created with the options `plugins:` gives them,
 * as functions `data:` expressions can call.
 */
export function columnFunctions(
  config: Config,
  registry: PluginRegistry,
  diagnostics: Diagnostic[],
): Record<string, FunctionSpec> {
  const functions: Record<string, FunctionSpec> = {};
  for (const [name, plugin] of registry.columnFunctions()) {
    const ref = config.pluginFiles.find((r) => r.options[name] !== undefined);
    const given = ref?.options[name] ?? {};
    const at = ref ? [...ref.at, "options", name] : ["plugins"];
    const { values, problems } = resolveOptions(plugin.options, given as Record<string, unknown>);
    if (problems.length) {
      diagnostics.push(...optionDiagnostics(config, at, problems, `Column function \`${name}\``));
      continue;
    }
    try {
      functions[name] = functionSpec(
        plugin,
        plugin.create(values, { configDir: configDir(config.file) }),
      );
    } catch (e) {
      diagnostics.push(
        config.sourceMap.diagnostic(
          at,
          "bad-plugin",
          `Column function \`${name}\` could not be created: ${(e as Error).message}`,
        ),
      );
    }
  }
  for (const ref of config.pluginFiles) {
    for (const name of Object.keys(ref.options)) {
      if (registry.get("column", name)) continue;
      diagnostics.push(
        config.sourceMap.diagnostic(
          [...ref.at, "options", name],
          "unknown-plugin",
          `\`options\` names \`${name}\`, which is not a column function of a loaded plugin`,
          { at: "key", hint: hintName(name, registry.names("column")) },
        ),
      );
    }
  }
  return functions;
}

function hintName(name: string, known: readonly string[]): string {
  const close = closestString(name, known);
  return close ? `did you mean \`${close}\`?` : `Known: ${known.join(", ") || "none"}.`;
}

/** Checks a sink choice: a known sink plugin, options by its spec (values filled in). */
function checkSink(config: Config, registry: PluginRegistry, choice: SinkChoice): Diagnostic[] {
  const plugin = registry.get("sink", choice.type);
  if (!plugin) {
    return [
      config.sourceMap.diagnostic(
        [...choice.at, "type"],
        "unknown-sink",
        `Unknown sink \`${choice.type}\``,
        { hint: hintName(choice.type, registry.names("sink")) },
      ),
    ];
  }
  const { values, problems } = resolveOptions(plugin.options, choice.options);
  choice.values = values;
  return optionDiagnostics(config, [...choice.at, "options"], problems, `Sink \`${choice.type}\``);
}

/** Checks `sinks:`: known sinks, valid options, known tables. */
export function checkSinks(config: Config, registry: PluginRegistry): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const { default: fallback, tables } = config.sinks;
  if (fallback) diagnostics.push(...checkSink(config, registry, fallback));
  const names = config.tables.map((t) => t.name);
  for (const [table, choice] of Object.entries(tables)) {
    if (!names.includes(table)) {
      diagnostics.push(
        config.sourceMap.diagnostic(
          choice.at,
          "unknown-table",
          `\`sinks.tables\` names \`${table}\`, which is not a table of this config`,
          { at: "key", hint: hintName(table, names) },
        ),
      );
      continue;
    }
    diagnostics.push(...checkSink(config, registry, choice));
  }
  return diagnostics;
}
