/**
 * `generate`: writes `row_count` rows of every table (or of one and its parents) and exits.
 *
 * @module
 */
import { generateToSink } from "../engine/batch.ts";
import { createFileSink, FILE_FORMATS, type FileFormat } from "../../plugins/mod.ts";
import { CONFIG_OPTION, RUN_INPUT_OPTIONS } from "./_options.ts";
import { type Command, EXIT, intOption, requiredOption, UsageError } from "./command.ts";
import { loadChecked, prepareEngine, selectTables } from "./_setup.ts";

/** The `generate` command. */
export const generateCommand: Command = {
  name: "generate",
  summary: "Write row_count rows of every table (parents first) as files, then exit.",
  usage: "generate --config F --output DIR [--format parquet|csv|jsonl] [--table T] [options]",
  options: {
    config: CONFIG_OPTION,
    output: {
      type: "string",
      short: "o",
      placeholder: "dir",
      description: "Output folder; one folder per table",
    },
    format: {
      type: "string",
      short: "f",
      placeholder: "format",
      description: "parquet, csv or jsonl",
      default: "parquet",
    },
    table: {
      type: "string",
      short: "t",
      placeholder: "name",
      description: "Only this table and the tables it reads from",
    },
    ...RUN_INPUT_OPTIONS,
    "batch-size": {
      type: "string",
      placeholder: "n",
      description: "Rows per batch; does not change the data",
      default: "10000",
    },
    mode: {
      type: "string",
      placeholder: "mode",
      description: "error (refuse non-empty table folders) or overwrite",
      default: "error",
    },
  },
  async run(values, io) {
    const configPath = requiredOption(values, "config");
    const output = requiredOption(values, "output");
    const format = String(values.format) as FileFormat;
    if (!FILE_FORMATS.includes(format)) {
      throw new UsageError(`--format must be one of ${FILE_FORMATS.join(", ")}, got "${format}"`);
    }
    const mode = String(values.mode);
    if (mode !== "error" && mode !== "overwrite") {
      throw new UsageError(`--mode must be "error" or "overwrite", got "${mode}"`);
    }
    const batchSize = intOption(values, "batch-size", { min: 1 })!;
    const config = await loadChecked(configPath, io);
    const { engine, specs } = prepareEngine(config, values);
    const tables = selectTables(specs, values.table as string | undefined);
    const started = performance.now();
    const summary = await generateToSink(engine, createFileSink(format, output), {
      tables,
      batchSize,
      mode,
      signal: io.signal,
    });
    const seconds = (performance.now() - started) / 1000;
    const rows = summary.reduce((sum, t) => sum + t.rows, 0);
    for (const t of summary) io.stdout(`  ${t.table}: ${t.rows} rows\n`);
    io.stdout(
      `Wrote ${rows} rows in ${summary.length} table${
        summary.length === 1 ? "" : "s"
      } to ${output} ` +
        `(${format}) in ${seconds.toFixed(2)} s, ${
          Math.round(rows / Math.max(seconds, 1e-9))
        } rows/s; ` +
        `seed ${engine.inputs.seed}, reference time ${engine.inputs.now.toISOString()}\n`,
    );
    return EXIT.ok;
  },
};
