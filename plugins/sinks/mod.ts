/**
 * The built-in sinks as plugins: each factory behind an options spec, so `sinks:` in a
 * config, the `plugins` listing and the docs all read the same description.
 *
 * @module
 */
import { resolveConfigPath } from "../../lib/plugin/paths.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import type { AnySink, SinkContext } from "../../lib/plugin/types.ts";
import { createCsvSink } from "./csv.ts";
import { createDeltaSink } from "./delta.ts";
import { createJsonlSink } from "./jsonl.ts";
import { createJsonSink } from "./json.ts";
import { createSqlSink } from "./sql.ts";
import { createMemorySink, MemoryStore } from "./memory.ts";
import { createParquetSink } from "./parquet.ts";
import { createPostgresSink, DEFAULT_PROGRESS_TABLE, DEFAULT_SCHEMA } from "./postgres.ts";
import { createStdoutSink } from "./stdout.ts";

/** The folder a file sink writes: its `path` option (relative to the config), else --output. */
export function sinkFolder(path: string | undefined, ctx: SinkContext, sink: string): string {
  if (path !== undefined) {
    return resolveConfigPath(ctx.configDir, path);
  }
  if (ctx.output !== undefined) return ctx.output;
  throw new Error(`The ${sink} sink needs a folder: give it a \`path\` option, or --output DIR`);
}

const PATH = {
  type: "string",
  optional: true,
  description:
    "Output folder, one table per subfolder (relative to the config); --output by default",
  examples: ["out"],
} as const;

const PARQUET = {
  compression: {
    type: "string",
    default: "snappy",
    choices: ["snappy", "zstd", "none"],
    description: "Parquet compression of data files",
  },
  target_file_rows: {
    type: "integer",
    default: 1_000_000,
    min: 1,
    description: "Most rows per data file",
  },
} as const;

/** Delta Lake tables (the default). */
export const deltaSink = defineSink({
  name: "delta",
  summary: "Delta Lake tables, our own transaction log over Parquet files (the default).",
  options: { path: PATH, ...PARQUET },
  create: ({ path, compression, target_file_rows }, ctx) =>
    createDeltaSink({
      dir: sinkFolder(path, ctx, "delta"),
      compression: compression as "snappy" | "zstd" | "none",
      targetFileRows: target_file_rows,
    }),
});

/** Plain Parquet files. */
export const parquetSink = defineSink({
  name: "parquet",
  summary: "Plain Parquet files, part-NNNNN-<id>.parquet per table folder.",
  options: { path: PATH, ...PARQUET },
  create: ({ path, compression, target_file_rows }, ctx) =>
    createParquetSink({
      dir: sinkFolder(path, ctx, "parquet"),
      compression: compression as "snappy" | "zstd" | "none",
      targetFileRows: target_file_rows,
      layouts: ctx.layouts,
    }),
});

/** CSV files. */
export const csvSink = defineSink({
  name: "csv",
  summary: "CSV files with a header (RFC 4180 quoting, nulls empty, ISO-8601 times).",
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createCsvSink({ dir: sinkFolder(path, ctx, "csv"), layouts: ctx.layouts }),
});

/** JSON lines files. */
export const jsonlSink = defineSink({
  name: "jsonl",
  summary: "JSON lines files, one object per row.",
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createJsonlSink({ dir: sinkFolder(path, ctx, "jsonl"), layouts: ctx.layouts }),
});

/** JSON files: an array of records per file. */
export const jsonSink = defineSink({
  name: "json",
  summary: "JSON files, an array of records each (tablefaker's json export).",
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createJsonSink({ dir: sinkFolder(path, ctx, "json"), layouts: ctx.layouts }),
});

/** SQL files of INSERT statements. */
export const sqlSink = defineSink({
  name: "sql",
  summary: "SQL files of INSERT statements (identifiers quoted, NULL for nulls).",
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createSqlSink({ dir: sinkFolder(path, ctx, "sql"), layouts: ctx.layouts }),
});

/** Rows on standard output. */
export const stdoutSink = defineSink({
  name: "stdout",
  summary: "Rows on standard output as JSON lines or CSV, for piping and a quick look.",
  options: {
    format: {
      type: "string",
      default: "jsonl",
      choices: ["jsonl", "csv"],
      description: "jsonl, or csv (one table only)",
    },
  },
  create: ({ format }) => createStdoutSink({ format: format as "jsonl" | "csv" }),
});

/** Tables in PostgreSQL, loaded with COPY, resumable exactly-once. */
export const postgresSink = defineSink({
  name: "postgres",
  summary: "PostgreSQL tables loaded with COPY, one transaction per commit with its progress row.",
  options: {
    url: {
      type: "string",
      optional: true,
      description: "Connection URL; without it (and host...), PGHOST, PGUSER... apply",
      examples: ["postgres://user:secret@localhost:5432/shop"],
    },
    host: { type: "string", optional: true, description: "Server host" },
    port: { type: "integer", optional: true, min: 1, max: 65535, description: "Server port" },
    user: { type: "string", optional: true, description: "User name" },
    password: { type: "string", optional: true, description: "Password" },
    database: { type: "string", optional: true, description: "Database name" },
    schema: {
      type: "string",
      default: DEFAULT_SCHEMA,
      description: "Schema of the tables (created when missing)",
    },
    progress_table: {
      type: "string",
      default: DEFAULT_PROGRESS_TABLE,
      description: "Table recording each table's last commit point",
    },
  },
  create: (o) =>
    createPostgresSink({
      ...(o.url !== undefined ? { url: o.url } : {}),
      ...(o.host !== undefined ? { host: o.host } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.user !== undefined ? { user: o.user } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.database !== undefined ? { database: o.database } : {}),
      schema: o.schema,
      progressTable: o.progress_table,
    }),
});

const MEMORY_STORES = new Map<string, MemoryStore>();

/** The memory store of a name, shared by every memory sink of this process that names it. */
export function namedMemoryStore(name: string): MemoryStore {
  let store = MEMORY_STORES.get(name);
  if (!store) MEMORY_STORES.set(name, store = new MemoryStore());
  return store;
}

/** Tables in this process's memory, for tests and embedding. */
export const memorySink = defineSink({
  name: "memory",
  summary: "Tables kept in this process's memory (for tests and embedding); resumable.",
  options: {
    store: {
      type: "string",
      default: "default",
      description: "Name of the in-memory store; sinks naming the same store share it",
    },
  },
  create: ({ store }) => createMemorySink({ store: namedMemoryStore(store) }),
});

/** Every built-in sink. */
export const BUILTIN_SINKS: readonly AnySink[] = [
  deltaSink,
  parquetSink,
  csvSink,
  jsonlSink,
  jsonSink,
  sqlSink,
  stdoutSink,
  memorySink,
  postgresSink,
];
