/**
 * `generate`: writes `row_count` rows of every table (or of one and its parents) and exits.
 *
 * @module
 */
import { generateToSink } from "../parallel/generate.ts";
import { FILE_FORMATS, type FileFormat } from "../../plugins/mod.ts";
import { createRoutingSink } from "../../plugins/sinks/_router.ts";
import { type SinkPlan, sinkPlan } from "../config/sink_plan.ts";
import { CONFIG_OPTION, RUN_INPUT_OPTIONS, WORKERS_OPTION } from "./_options.ts";
import { SHARD_OPTIONS, shardOf } from "./_shard.ts";
import {
  DEFAULT_SHARD_COMMIT_ROWS,
  generateAppIdBase,
  generateShard,
} from "../parallel/shard_generate.ts";
import { contiguousShare, formatShard, type Shard } from "../stream/shard.ts";
import type { Config } from "../config/mod.ts";
import { defaultWorkers } from "../parallel/pool.ts";
import { openBatchSource } from "../parallel/handoff.ts";
import { recipeOf } from "../parallel/recipe.ts";
import {
  choiceOption,
  type Command,
  type CommandIO,
  EXIT,
  intOption,
  optionalString,
  requiredOption,
  UsageError,
} from "./command.ts";
import {
  cellDiagnostic,
  CellFailed,
  loadChecked,
  prepareEngine,
  selectTables,
  timeOption,
  untypedColumnWarnings,
} from "./_setup.ts";
import { generateUntil } from "./_generate_until.ts";
import { GenerationError } from "../engine/generation_error.ts";
import { progressReporter } from "./progress.ts";
import { formatDiagnostics } from "../config/mod.ts";
import { tableSpecs } from "../config/engine_specs.ts";
import type { TableSpec } from "../engine/spec.ts";
import type { Sink, StoredTable } from "../plugin/types.ts";
import { LoadedRows } from "../state/loaded_rows.ts";

/** The `generate` command. */
export const generateCommand: Command = {
  name: "generate",
  summary:
    "Write row_count rows of every table (parents first), or each one's history --until a time, then exit.",
  usage:
    "generate --config F [--output DIR] [--format delta|parquet|csv|jsonl|json|sql] [--table T] [--until ISO] [options]",
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
    until: {
      type: "string",
      placeholder: "iso",
      description: "Each table's history up to this logical time instead: the rows of every " +
        "tick until then and every change (changes:), written as `run --fast-forward " +
        "--until` writes them",
    },
    "start-time": {
      type: "string",
      placeholder: "iso",
      description: "With --until: when the history starts, tick 0 (default: --reference-time, " +
        "else config.reference_time)",
    },
    ...SHARD_OPTIONS,
    "commit-rows": {
      type: "string",
      placeholder: "n",
      description: "With shards: most rows per commit; a restarted shard goes on after its " +
        `last commit (default ${DEFAULT_SHARD_COMMIT_ROWS}); with --until: as run's (10000)`,
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
    const shard = shardOf(values, io);
    const until = timeOption(values, "until");
    if (until && shard) {
      throw new UsageError(
        "--until with --shard is refused: a table's history is written by one process; " +
          "drop --shard",
      );
    }
    if (!until && values["start-time"] !== undefined) {
      throw new UsageError("--start-time is for --until (when the history starts)");
    }
    if (shard) checkShardUsage(mode, format, output);
    else if (values["commit-rows"] !== undefined && !until) {
      throw new UsageError(
        "--commit-rows is for shards (--shard i/N) and --until: an unsharded run " +
          "commits each table once",
      );
    }
    const config = await loadChecked(configPath, io);
    const tables = selectTables(tableSpecs(config), values.table as string | undefined);
    if (until) {
      return await generateUntil(values, io, {
        configPath,
        config,
        until,
        tables,
        output,
        format,
        mode,
        batchSize,
        workers: asked,
      });
    }
    const plan = sinkPlan(config, { output, outputType: format });
    if (shard) {
      if (values["reference-time"] === undefined && config.referenceTime === undefined) {
        throw new UsageError(
          "--shard needs a reference time all shards share (relative dates and " +
            "datetime.now() depend on it): pass --reference-time ISO, or set " +
            "config.reference_time",
        );
      }
      return await generateShardCommand(config, values, io, {
        configPath,
        shard,
        tables,
        plan,
        batchSize,
        workers,
        adaptive: asked === undefined,
      });
    }
    const shift = mode === "append"
      ? await existingRows(plan, tables, tableSpecs(config))
      : new Map();
    const { engine } = prepareEngine(config, values, shift);
    const untyped = untypedColumnWarnings(config, engine, tables);
    if (untyped.length) io.stderr(formatDiagnostics(untyped));
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

/** Refuses what shards cannot do, before anything is read. */
function checkShardUsage(mode: string, format: string, output: string | undefined): void {
  if (mode === "overwrite") {
    throw new UsageError(
      "--mode overwrite with --shard is refused: each shard's overwrite would remove the " +
        "rows the other shards wrote; remove the tables (or write to another --output) and " +
        "run every shard again",
    );
  }
  if (mode === "append") {
    throw new UsageError(
      "--mode append with --shard is refused: shards would each see the table at another " +
        "moment, so their new row ids could collide; write the shards to another --output",
    );
  }
  if (format !== "delta" && output !== undefined) {
    throw new UsageError(
      `--shard needs --format delta: ${format} files are published whole by one process, ` +
        "while shards write into one table together and each resumes from its own commits",
    );
  }
}

/** What `generate --shard` needs besides the config. */
interface ShardRun {
  configPath: string;
  shard: Shard;
  tables: string[];
  plan: SinkPlan;
  batchSize: number;
  workers: number;
  adaptive: boolean;
}

/** `generate --shard i/N`: this shard's part of every table; see lib/parallel/shard_generate.ts. */
async function generateShardCommand(
  config: Config,
  values: Record<string, string | boolean | undefined>,
  io: CommandIO,
  run: ShardRun,
): Promise<number> {
  const { shard, tables, plan } = run;
  const { engine, specs } = prepareEngine(config, values);
  const untyped = untypedColumnWarnings(config, engine, tables);
  if (untyped.length) io.stderr(formatDiagnostics(untyped));
  const bases = new Map<string, string>();
  for (const table of tables) {
    bases.set(table, await generateAppIdBase(config, specs, table, engine.inputs));
  }
  const shareRows = tables.reduce((n, t) => {
    return n + contiguousShare(engine.table(t).spec.rowCount, shard).count;
  }, 0);
  const started = performance.now();
  const source = await openBatchSource(engine, {
    workers: run.workers,
    adaptive: run.adaptive,
    recipe: () => recipeOf(engine, run.configPath),
    rows: shareRows,
  });
  const progress = progressReporter({ write: io.stdout, terminal: io.isTerminal === true });
  let summary;
  try {
    summary = await generateShard(engine, {
      tables,
      shard,
      appIdBase: (table) => bases.get(table)!,
      sinkFor: (table) => plan.sinkFor(table),
      describe: (table) => `table "${table}" (${plan.describe(table)})`,
      commitRows: intOption(values, "commit-rows", { min: 1 }),
      batchSize: run.batchSize,
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
  for (const t of summary) {
    const ids = t.share.count === 0
      ? "no rows"
      : `rows ${t.share.first + 1}..${t.share.first + t.share.count} of ${
        engine.table(t.table).spec.rowCount
      }`;
    const what = t.rows === 0 && t.share.count > 0
      ? "already committed"
      : t.resumedFrom > 0
      ? `${t.rows} rows written, resumed after ${t.resumedFrom}`
      : `${t.rows} rows written`;
    io.stdout(`  ${t.table}: ${ids}: ${what}\n`);
  }
  io.stdout(
    `Shard ${formatShard(shard)}: wrote ${rows} rows in ${seconds.toFixed(2)} s, ` +
      `${Math.round(rows / Math.max(seconds, 1e-9))} rows/s (${
        source.parallelism === 1 ? "in one thread" : `${source.parallelism} workers`
      }); seed ${engine.inputs.seed}, reference time ${engine.inputs.now.toISOString()}\n`,
  );
  return EXIT.ok;
}

/** Where the tables went: `out (delta)`, or one entry per sink when they differ. */
function describeSinks(plan: SinkPlan, tables: readonly string[]): string {
  const where = [...new Set(tables.map((t) => plan.describe(t)))];
  return where.join(", ");
}

/**
 * How far each table's row ids move so that appended ones follow what it has: past its row
 * count, as its own sink reads it back, and past its largest primary key (a table another
 * tool wrote, or one with deleted rows, may have keys beyond its count).
 */
async function existingRows(
  plan: SinkPlan,
  tables: readonly string[],
  specs: readonly TableSpec[],
) {
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
    if (stored.writeRefusal) {
      throw new Error(
        `Cannot append to table "${table}" (${plan.describe(table)}): ${stored.writeRefusal}`,
      );
    }
    if (stored.rows === undefined) {
      throw new Error(
        `Cannot append to table "${table}" (${plan.describe(table)}): its row count is not ` +
          "known (Delta files without stats), so tablestream cannot tell where new row ids " +
          "start; use --mode overwrite or another --output",
      );
    }
    const spec = specs.find((s) => s.name === table)!;
    const largest = await largestKey(sink, table, stored, spec.primaryKey);
    const pastKeys = largest === undefined ? 0 : largest - spec.startRowId + 1;
    rows.set(table, Math.max(stored.rows, pastKeys));
  }
  return rows;
}

/**
 * The largest whole-number primary key of a stored table: from what the sink knows without
 * reading rows, else by reading the key column; undefined when keys are not whole numbers.
 */
async function largestKey(
  sink: Sink,
  table: string,
  stored: StoredTable,
  key: string | undefined,
): Promise<number | undefined> {
  if (key === undefined || !stored.schema.fields.some((f) => f.name === key)) return undefined;
  const known = stored.maxValues?.[key];
  if (typeof known === "number" && Number.isSafeInteger(known)) return known;
  if (!sink.read) return undefined;
  const loaded = new LoadedRows(table, await sink.read(table, [key]), key);
  return loaded.count === 0 ? undefined : loaded.maxInteger(key);
}
