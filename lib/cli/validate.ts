/**
 * `validate`: every problem of a config, positioned, and nothing written; then a sample of
 * each table's rows is generated (nothing written), and of its changes: a cell failing there is
 * an error, and what running it would cost is a warning where it is more than a day of work or
 * the free disk.
 *
 * @module
 */
import { formatDiagnostics } from "../config/mod.ts";
import { CONFIG_OPTION } from "./_options.ts";
import { type Command, EXIT, optionalString, requiredOption } from "./command.ts";
import {
  cellDiagnostic,
  InvalidConfig,
  loadChecked,
  prepareEngine,
  selectTables,
  untypedColumnWarnings,
} from "./_setup.ts";
import { estimateTables, estimateWarnings, freeBytes } from "./estimate.ts";
import { sampleChanges } from "./sample_changes.ts";

/** The `validate` command. */
export const validateCommand: Command = {
  name: "validate",
  summary: "Check a config and print every problem with file, line and column. Writes nothing.",
  usage: "validate --config F [--output DIR]",
  options: {
    config: CONFIG_OPTION,
    output: {
      type: "string",
      short: "o",
      placeholder: "dir",
      description: "Where the output would go: its free space is weighed against the estimate " +
        "(default: the current folder)",
    },
  },
  async run(values, io) {
    const path = requiredOption(values, "config");
    const config = await loadChecked(path, io);
    const { engine, specs } = prepareEngine(config, {});
    const output = optionalString(values, "output") ?? ".";
    const disk = { path: output, free: await freeBytes(await nearestExisting(output)) };
    const tables = selectTables(specs, undefined);
    const estimated = estimateTables(engine, tables);
    const { estimates } = estimated;
    // A table whose inserts fail is not sampled further: its changes would fail the same way.
    const failed = new Set(estimated.failures.map((f) => f.table));
    const failures = [
      ...estimated.failures,
      ...sampleChanges(config, engine, tables.filter((t) => !failed.has(t))),
    ];
    const warnings = [
      ...untypedColumnWarnings(config, engine, tables),
      ...estimateWarnings(config, estimates, disk),
    ];
    const found = [...failures.map((f) => cellDiagnostic(config, f)), ...warnings];
    if (found.length) io.stderr(formatDiagnostics(found));
    if (failures.length) throw new InvalidConfig(path, failures.length);
    const columns = config.tables.reduce((sum, t) => sum + t.columns.length, 0);
    io.stdout(
      `${path}: ok, ${config.tables.length} table${config.tables.length === 1 ? "" : "s"}, ` +
        `${columns} column${columns === 1 ? "" : "s"}\n`,
    );
    return EXIT.ok;
  },
};

/** The path, or its nearest ancestor that exists (an output folder may not exist yet). */
async function nearestExisting(path: string): Promise<string> {
  let current = path;
  for (;;) {
    if (await Deno.stat(current).then(() => true, () => false)) return current;
    const parent = current.replace(/\/+[^/]+\/*$/, "");
    if (parent === current || parent === "") return current.startsWith("/") ? "/" : ".";
    current = parent;
  }
}
