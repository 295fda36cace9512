/**
 * `optimize DIR/TABLE`: compacts a Delta table's small files, safe beside a running writer.
 *
 * @module
 */
import { optimize } from "../delta/optimize.ts";
import { type Command, EXIT, intOption, UsageError } from "./command.ts";

/** The `optimize` command. */
export const optimizeCommand: Command = {
  name: "optimize",
  summary: "Compact a Delta table's small files into large ones in one commit.",
  usage: "optimize DIR/TABLE [--target-file-rows N]",
  positionals: {
    name: "table",
    description: "The Delta table's folder, or its s3://bucket/prefix/table URL",
  },
  options: {
    "target-file-rows": {
      type: "string",
      placeholder: "n",
      description: "Files with fewer rows are compacted into files of up to this many",
      default: "1000000",
    },
  },
  async run(values, io) {
    const table = values._ as string | undefined;
    if (!table) {
      throw new UsageError("optimize needs the table folder: tablestream optimize DIR/TABLE");
    }
    const targetFileRows = intOption(values, "target-file-rows", { min: 1 })!;
    const started = performance.now();
    const result = await optimize(table, { targetFileRows });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (result.version === null) {
      io.stdout(
        `${table}: nothing to compact (no partition has two files under ${targetFileRows} rows)\n`,
      );
    } else {
      io.stdout(
        `${table}: compacted ${result.filesRemoved} files (${result.rows} rows, ` +
          `${result.bytesRemoved} bytes) into ${result.filesAdded} (${result.bytesAdded} bytes) ` +
          `at version ${result.version} in ${seconds} s\n`,
      );
    }
    return EXIT.ok;
  },
};
