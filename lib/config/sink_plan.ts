/**
 * Which sink writes each table: `sinks.tables` in the config, else the default. `--output
 * DIR` makes the default the Delta sink at DIR (or the `--format` of `generate`), as it
 * always has; without it the config's `sinks.default` is the default.
 *
 * @module
 */
import { type Config, configDir, type SinkChoice } from "./model.ts";
import type { FileLayoutHint, Sink } from "../plugin/types.ts";
import { BUILT_IN } from "../plugin/registry.ts";
import { fileLayout } from "../../plugins/sinks/_file_layout.ts";

/** Options of {@link sinkPlan}. */
export interface SinkPlanOptions {
  /** `--output DIR`. */
  output?: string;
  /** The sink `--output` means: `delta` unless `generate --format` says otherwise. */
  outputType?: string;
}

/** The sinks of a run. */
export interface SinkPlan {
  /** A new sink for a table. */
  sinkFor(table: string): Sink;
  /** Tables grouped by the sink that writes them, each group with one new sink. */
  routes(tables: readonly string[]): { sink: Sink; tables: string[] }[];
  /** Where a table goes, for messages: `out (delta)`, `postgres (sinks.tables.orders)`. */
  describe(table: string): string;
  /** The name of the sink plugin writing a table (`delta`, `postgres`...), for metrics. */
  typeOf(table: string): string;
}

/** The plan of a checked config (its plugins loaded) and the command line. */
export function sinkPlan(config: Config, options: SinkPlanOptions = {}): SinkPlan {
  const registry = config.plugins;
  if (!registry) throw new Error("The config was not checked: its plugins are not loaded");
  const dir = configDir(config.file);
  const fromOutput: SinkChoice | undefined = options.output === undefined ? undefined : {
    type: options.outputType ?? "delta",
    options: {},
    at: [],
  };
  const choiceOf = (table: string): SinkChoice => {
    const choice = config.sinks.tables[table] ?? fromOutput ?? config.sinks.default;
    if (!choice) {
      throw new Error(
        `Table "${table}" has no sink: give --output DIR, or a \`sinks.default\` (or a ` +
          `\`sinks.tables.${table}\`) in ${config.file}`,
      );
    }
    return choice;
  };
  // tablefaker's export_file_* options, for the sinks that write files.
  const layouts: Record<string, FileLayoutHint> = Object.fromEntries(
    config.tables.map((table) => [table.name, fileLayout(table)]),
  );
  const create = (choice: SinkChoice, tables: readonly string[]): Sink => {
    const plugin = registry.get("sink", choice.type);
    if (!plugin) throw new Error(`Unknown sink "${choice.type}"`);
    if (!plugin.keepsTextBytes) {
      for (const table of tables) refuseInvalidUtf8(config, table, describe(table));
    }
    const values = choice.values ?? choice.options;
    try {
      return plugin.create(values, {
        configDir: dir,
        layouts,
        ...(options.output !== undefined ? { output: options.output } : {}),
      });
    } catch (error) {
      const where = registry.entries().find((e) => e.plugin === plugin)?.source ?? BUILT_IN;
      throw new Error(
        `Cannot create the ${choice.type} sink (${where}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  };
  return {
    sinkFor: (table) => create(choiceOf(table), [table]),
    routes(tables) {
      const groups = new Map<SinkChoice, string[]>();
      for (const table of tables) {
        const choice = choiceOf(table);
        groups.set(choice, [...groups.get(choice) ?? [], table]);
      }
      return [...groups].map(([choice, names]) => ({ sink: create(choice, names), tables: names }));
    },
    typeOf: (table) => choiceOf(table).type,
    describe,
  };

  function describe(table: string): string {
    const choice = choiceOf(table);
    if (choice === fromOutput) return `${options.output} (${choice.type})`;
    return `${choice.type} (sinks.${
      choice === config.sinks.default ? "default" : `tables.${table}`
    })`;
  }
}

/**
 * Refuses a table whose values may not be valid UTF-8 (`bad_values` kind `invalid_utf8`) for
 * a sink that does not keep text bytes as they are.
 */
function refuseInvalidUtf8(config: Config, table: string, sink: string): void {
  const column = config.tables.find((t) => t.name === table)?.columns
    .find((c) => c.badValues?.kinds?.includes("invalid_utf8"));
  if (!column) return;
  throw new Error(
    `Table "${table}", column "${column.name}": bad_values kind invalid_utf8 writes bytes that ` +
      `are not valid UTF-8, which only a sink that keeps text bytes as they are can write ` +
      `(csv); this table goes to ${sink}. Write it as CSV (\`generate --format csv\`, or a csv sink ` +
      `in \`sinks:\`), or take invalid_utf8 out of \`kinds\`.`,
  );
}
