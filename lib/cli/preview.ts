/**
 * `preview`: the first rows of tables as an aligned table in the terminal.
 *
 * @module
 */
import { formatTable } from "../output/table_text.ts";
import { CONFIG_OPTION, RUN_INPUT_OPTIONS } from "./_options.ts";
import { type Command, EXIT, intOption, requiredOption } from "./command.ts";
import { loadChecked, prepareEngine, selectTables } from "./_setup.ts";

/** The `preview` command. */
export const previewCommand: Command = {
  name: "preview",
  summary: "Print the first rows of every table (or one) without writing anything.",
  usage: "preview --config F [--table T] [--rows 10]",
  options: {
    config: CONFIG_OPTION,
    table: { type: "string", short: "t", placeholder: "name", description: "Only this table" },
    rows: {
      type: "string",
      short: "n",
      placeholder: "n",
      description: "Rows per table",
      default: "10",
    },
    ...RUN_INPUT_OPTIONS,
  },
  async run(values, io) {
    const config = await loadChecked(requiredOption(values, "config"), io);
    const rows = intOption(values, "rows", { min: 0 })!;
    const { engine, specs } = prepareEngine(config, values);
    const only = values.table as string | undefined;
    const names = only === undefined
      ? selectTables(specs, undefined)
      : [selectTables(specs, only).at(-1)!];
    for (const name of names) {
      const generator = engine.table(name);
      const count = Math.min(rows, generator.spec.rowCount);
      io.stdout(`${name} (${count} of ${generator.spec.rowCount} rows)\n`);
      io.stdout(formatTable(generator.batch(generator.spec.startRowId, count)) + "\n");
    }
    return EXIT.ok;
  },
};
