/**
 * Every built-in plugin, imported statically so `deno compile` embeds them all.
 *
 * @module
 */
import type { Plugin } from "../lib/plugin/types.ts";
import { BUILTIN_COLUMN_FUNCTIONS } from "./columns/mod.ts";
import { BUILTIN_DISTRIBUTIONS } from "./distributions/mod.ts";
import { BUILTIN_SINKS } from "./sinks/mod.ts";
import { createCsvSink } from "./sinks/csv.ts";
import { createJsonSink } from "./sinks/json.ts";
import { createJsonlSink } from "./sinks/jsonl.ts";
import { createParquetSink } from "./sinks/parquet.ts";
import { createDeltaSink } from "./sinks/delta.ts";
import { createSqlSink } from "./sinks/sql.ts";

export { createCsvSink, createDeltaSink, createJsonlSink, createJsonSink, createParquetSink };
export { createSqlSink };
export { createStdoutSink } from "./sinks/stdout.ts";
export { createMemorySink, MemoryStore } from "./sinks/memory.ts";
export { type ExportOptions, type FileLayout, fileLayout } from "./sinks/_file_layout.ts";

/** Every built-in plugin: distributions, column functions, sinks. */
export const BUILTIN_PLUGINS: readonly Plugin[] = [
  ...BUILTIN_DISTRIBUTIONS,
  ...BUILTIN_COLUMN_FUNCTIONS,
  ...BUILTIN_SINKS,
];

export { BUILTIN_COLUMN_FUNCTIONS, BUILTIN_DISTRIBUTIONS, BUILTIN_SINKS };

/** Output formats `generate --format` writes; the first is the default. */
export const FILE_FORMATS = ["delta", "parquet", "csv", "jsonl", "json", "sql"] as const;

/** One of {@link FILE_FORMATS}. */
export type FileFormat = typeof FILE_FORMATS[number];
