/**
 * `validate`: every problem of a config, positioned, and nothing written.
 *
 * @module
 */
import { CONFIG_OPTION } from "./_options.ts";
import { type Command, EXIT, requiredOption } from "./command.ts";
import { loadChecked } from "./_setup.ts";

/** The `validate` command. */
export const validateCommand: Command = {
  name: "validate",
  summary: "Check a config and print every problem with file, line and column. Writes nothing.",
  usage: "validate --config F",
  options: {
    config: CONFIG_OPTION,
  },
  async run(values, io) {
    const path = requiredOption(values, "config");
    const config = await loadChecked(path, io);
    const columns = config.tables.reduce((sum, t) => sum + t.columns.length, 0);
    io.stdout(
      `${path}: ok, ${config.tables.length} table${config.tables.length === 1 ? "" : "s"}, ` +
        `${columns} column${columns === 1 ? "" : "s"}\n`,
    );
    return EXIT.ok;
  },
};
