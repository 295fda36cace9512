/**
 * `generate`: writes `row_count` rows of every table (or of one and its parents) and exits.
 *
 * @module
 */
import { generateToSink } from "../engine/batch.ts";
import { FILE_FORMATS, type FileFormat } from "../../plugins/mod.ts";
import { createRoutingSink } from "../../plugins/sinks/_router.ts";
import { type SinkPlan, sinkPlan } from "../plugin/sink_plan.ts";
import { CONFIG_OPTION, RUN_INPUT_OPTIONS, WORKERS_OPTION } from "./_options.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { openBatchSource } from "../parallel/handoff.ts";
import { recipeOf } from "../parallel/recipe.ts";
import {
  choiceOption,
  type Command,
  EXIT,
  intOption,
  optionalString,
  requiredOption,
  UsageError,
} from "./command.ts";
import { cellDiagnostic, CellFailed, loadChecked, prepareEngine, selectTables } from "./_setup.ts";
import { GenerationError } from "../engine/generator.ts";
import { progressReporter } from "./progress.ts";
import { formatDiagnostics } from "../config/mod.ts";
import { tableSpecs } from "../engine/from_config.ts";

/** The `generate` command. */
export const generateCommand: Command = {
  name: "generate",
  summary: "Write row_count rows of every table (parents first), then exit.",
  usage:
    "generate --config F [--output DIR] [--format delta|parquet|csv|jsonl|json|sql] [--table T] [options]",
  options: {
    config: CONFIG_OPTION,
    output: {
      type: "string",
      short: "o",
      placeholder: "dir",
      description:
        "Output folder; one Delta table (or folder of files) per table (default: the config's sinks)",
    },
    format: {
      type: "string",
      short: "f",
      placeholder: "format",
      description:
        "delta, parquet, csv, jsonl, json (an array of records) or sql (INSERT statements)",
      default: "delta",
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
    workers: WORKERS_OPTION,
    mode: {
      type: "string",
      placeholder: "mode",
      description: "error (refuse tables that exist), overwrite, or append (delta only)",
      default: "error",
    },
  },
  async run(values, io) {
    const configPath = requiredOption(values, "config");
    const output = optionalString(values, "output");
    const format: FileFormat = choiceOption(values, "format", FILE_FORMATS);
    const mode = choiceOption(values, "mode", ["error", "overwrite", "append"]);
    if (mode === "append" && format !== "delta" && output !== undefined) {
      throw new UsageError(
        `--mode append needs --format delta: ${format} files cannot be appended to safely`,
      );
    }
    const batchSize = intOption(values, "batch-size", { min: 1 })!;
    const asked = intOption(values, "workers", { min: 1 });
    const workers = asked ?? defaultWorkers();
    const config = await loadChecked(configPath, io);
    const tables = selectTables(tableSpecs(config), values.table as string | undefined);
    const plan = sinkPlan(config, { output, outputType: format });
    const shift = mode === "append" ? await existingRows(plan, tables) : new Map();
    const { engine } = prepareEngine(config, values, shift);
    const started = performance.now();
    const sink = createRoutingSink(plan.routes(tables));
    const source = await openBatchSource(engine, {
      workers,
      adaptive: asked === undefined,
      recipe: () => recipeOf(engine, configPath),
      rows: tables.reduce((n, t) => n + engine.table(t).spec.rowCount, 0),
    });
    const progress = progressReporter({ write: io.stdout, terminal: io.isTerminal === true });
    let summary;
    try {
      summary = await generateToSink(engine, sink, {
        tables,
        batchSize,
        mode,
        signal: io.signal,
        source,
        onBatch: progress.onBatch,
      });
    } catch (error) {
      if (!(error instanceof GenerationError)) throw error;
      io.stderr(formatDiagnostics([cellDiagnostic(config, error)]));
      throw new CellFailed(error);
    } finally {
      progress.finish();
      source.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const rows = summary.reduce((sum, t) => sum + t.rows, 0);
    for (const t of summary) io.stdout(`  ${t.table}: ${t.rows} rows\n`);
    io.stdout(
      `Wrote ${rows} rows in ${summary.length} table${summary.length === 1 ? "" : "s"} to ${
        describeSinks(plan, tables)
      } in ${seconds.toFixed(2)} s, ${Math.round(rows / Math.max(seconds, 1e-9))} rows/s ` +
        `(${source.parallelism === 1 ? "in one thread" : `${source.parallelism} workers`}); ` +
        `seed ${engine.inputs.seed}, reference time ${engine.inputs.now.toISOString()}\n`,
    );
    return EXIT.ok;
  },
};

/** Where the tables went: `out (delta)`, or one entry per sink when they differ. */
function describeSinks(plan: SinkPlan, tables: readonly string[]): string {
  const where = [...new Set(tables.map((t) => plan.describe(t)))];
  return where.join(", ");
}

/**
 * Rows each table already has, as its own sink reads it back: appended row ids continue
 * after them, whatever the sink.
 */
async function existingRows(plan: SinkPlan, tables: readonly string[]) {
  const rows = new Map<string, number>();
  for (const table of tables) {
    const sink = plan.sinkFor(table);
    if (!sink.inspect) {
      throw new UsageError(
        `--mode append needs a sink that reads back what it wrote; table "${table}" goes to ` +
          `${plan.describe(table)}, which cannot`,
      );
    }
    const stored = await sink.inspect(table);
    if (!stored) continue;
    if (stored.rows === undefined) {
      throw new Error(
        `Cannot append to table "${table}" (${plan.describe(table)}): its row count is not ` +
          "known (Delta files without stats), so tablestream cannot tell where new row ids " +
          "start; use --mode overwrite or another --output",
      );
    }
    rows.set(table, stored.rows);
  }
  return rows;
}
