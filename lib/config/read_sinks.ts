/**
 * `plugins:` and `sinks:` of a config: the plugin files to load and which sink writes each table.
 *
 * @module
 */
import { isMap, isSeq, type Node } from "yaml";
import { effectivePairs } from "./yaml_nodes.ts";
import type { YamlPath } from "./diagnostics.ts";
import {
  configDir,
  type PluginFileRef,
  resolveConfigPath,
  type SinkChoice,
  type SinkChoices,
} from "./model.ts";

import { describe } from "./yaml_fields.ts";
import { PLUGIN_KEYS, type ReadContext, SINK_KEYS, SINKS_KEYS } from "./read_context.ts";

export function readPlugins(r: ReadContext, node: Node | null): PluginFileRef[] {
  const path = ["plugins"];
  if (!isSeq(node)) {
    r.report(
      path,
      "wrong-type",
      `\`plugins\` must be a list of plugin files, got ${describe(node)}`,
      {
        hint: "E.g. `plugins: [plugins/pareto.ts]`, paths relative to the config file.",
      },
    );
    return [];
  }
  const dir = configDir(r.map.file);
  const refs: PluginFileRef[] = [];
  node.items.forEach((raw, i) => {
    const item = r.resolve(raw as Node | null);
    const at = [...path, i];
    let file: string | undefined;
    let options: Record<string, Record<string, unknown>> = {};
    if (isMap(item)) {
      const fields = r.fields(item, at, PLUGIN_KEYS, "a plugin entry");
      if (!fields.has("path")) {
        r.report(at, "missing-field", "A plugin entry needs a `path`");
        return;
      }
      file = r.string(fields.get("path")!, [...at, "path"], "path");
      if (fields.has("options")) {
        const given = r.options(fields.get("options")!, [...at, "options"]);
        if (given) options = given as Record<string, Record<string, unknown>>;
      }
    } else {
      file = r.string(item, at, `plugins[${i}]`);
    }
    if (file === undefined) return;
    if (!/\.(ts|js|mts|mjs)$/.test(file)) {
      r.report(at, "bad-plugin", `Plugin file \`${file}\` must be a .ts or .js file`);
      return;
    }
    refs.push({ path: file, resolved: resolveConfigPath(dir, file), options, at });
  });
  return refs;
}

export function readSinkChoice(
  r: ReadContext,
  node: Node | null,
  at: YamlPath,
): SinkChoice | undefined {
  const v = r.scalar(node);
  if (typeof v === "string") return { type: v, options: {}, at };
  const map = r.mapping(node, at, "A sink");
  if (!map) return undefined;
  const fields = r.fields(map, at, SINK_KEYS, "a sink");
  if (!fields.has("type")) {
    r.report(at, "missing-field", "A sink needs a `type`, e.g. `type: delta`");
    return undefined;
  }
  const type = r.string(fields.get("type")!, [...at, "type"], "type");
  const options = fields.has("options")
    ? r.options(fields.get("options")!, [...at, "options"])
    : {};
  if (type === undefined || options === undefined) return undefined;
  return { type, options, at };
}

export function readSinks(r: ReadContext, node: Node | null): SinkChoices {
  const path = ["sinks"];
  const choices: SinkChoices = { tables: Object.create(null) };
  const map = r.mapping(node, path, "`sinks`");
  if (!map) return choices;
  const fields = r.fields(map, path, SINKS_KEYS, "`sinks`");
  if (fields.has("default")) {
    const choice = readSinkChoice(r, fields.get("default")!, [...path, "default"]);
    if (choice) choices.default = choice;
  }
  if (fields.has("tables")) {
    const tables = r.mapping(fields.get("tables")!, [...path, "tables"], "`sinks.tables`");
    for (const pair of tables ? effectivePairs(tables, r.doc) : []) {
      const key = r.scalar(r.resolve(pair.key as Node | null));
      if (typeof key !== "string") continue;
      const at = [...path, "tables", key];
      const choice = readSinkChoice(r, r.resolve(pair.value as Node | null), at);
      if (choice) choices.tables[key] = choice;
    }
  }
  return choices;
}
