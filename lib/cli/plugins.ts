/**
 * `plugins`: every loaded plugin (built-in and the user's) with its kind, summary, options
 * and where it came from, written from the plugins' own specs.
 *
 * @module
 */
import type { OptionSpec } from "../plugin/options.ts";
import { loadPluginFile } from "../plugin/load.ts";
import { PluginRegistry, type RegisteredPlugin } from "../plugin/registry.ts";
import type { Plugin, PluginKind } from "../plugin/types.ts";
import { pyRepr, type Value } from "../expr/values.ts";
import { BUILTIN_PLUGINS } from "../../plugins/mod.ts";
import { type Command, EXIT, listOption } from "./command.ts";
import { CONFIG_OPTION } from "./_options.ts";
import { loadChecked } from "./_setup.ts";

const TITLES: Record<PluginKind, string> = {
  distribution: "Distributions (foreign_key(..., distribution=NAME, option=value))",
  column: "Column functions (data: NAME(args))",
  sink: "Sinks (sinks: in the config)",
};

function optionText(name: string, spec: OptionSpec): string {
  const given = spec.default !== undefined
    ? ` = ${JSON.stringify(spec.default)}`
    : spec.optional
    ? " (optional)"
    : " (required)";
  const choices = spec.choices
    ? ` one of ${spec.choices.map((c) => JSON.stringify(c)).join("|")}`
    : "";
  return `${name}: ${spec.type}${given}${choices}  ${spec.description}`;
}

function heading(plugin: Plugin): string {
  if (plugin.kind !== "column") return plugin.name;
  const params = plugin.params.map((p) =>
    p.default === undefined ? p.name : `${p.name}=${pyRepr(p.default as Value)}`
  );
  return `${plugin.name}(${params.join(", ")}) -> ${plugin.returns}`;
}

/** The listing as text. */
export function pluginListing(entries: readonly RegisteredPlugin[]): string {
  const lines: string[] = [];
  for (const kind of ["distribution", "column", "sink"] as const) {
    lines.push(TITLES[kind]);
    for (const { plugin, source } of entries.filter((e) => e.plugin.kind === kind)) {
      lines.push(`  ${heading(plugin)}  [${source}]`, `      ${plugin.summary}`);
      for (const [name, spec] of Object.entries(plugin.options as Record<string, OptionSpec>)) {
        lines.push(`      - ${optionText(name, spec)}`);
      }
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** The listing as data (`--json`). */
export function pluginData(entries: readonly RegisteredPlugin[]): unknown[] {
  return entries.map(({ plugin, source }) => ({
    kind: plugin.kind,
    name: plugin.name,
    summary: plugin.summary,
    source,
    options: plugin.options,
    ...(plugin.kind === "column" ? { params: plugin.params, returns: plugin.returns } : {}),
  }));
}

/** The `plugins` command. */
export const pluginsCommand: Command = {
  name: "plugins",
  summary: "List every plugin (built-in and loaded) with its options.",
  usage: "plugins [--config F] [--plugin a.ts,b.js] [--json]",
  options: {
    config: { ...CONFIG_OPTION, description: "Also list the plugins this config loads" },
    plugin: {
      type: "string",
      short: "p",
      placeholder: "files",
      description: "Plugin files to load, comma-separated",
    },
    json: { type: "boolean", description: "Print the listing as JSON" },
  },
  async run(values, io) {
    const registry = typeof values.config === "string"
      ? (await loadChecked(values.config, io)).plugins!
      : new PluginRegistry(BUILTIN_PLUGINS);
    const files = listOption(values, "plugin") ?? [];
    for (const file of files) {
      const loaded = await loadPluginFile(file);
      for (const plugin of loaded.plugins) registry.add(plugin, file);
    }
    const entries = registry.entries();
    io.stdout(
      values.json ? JSON.stringify(pluginData(entries), null, 2) + "\n" : pluginListing(entries),
    );
    return EXIT.ok;
  },
};
