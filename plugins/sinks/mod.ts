/**
 * Every built-in sink, each defined beside its implementation (its options spec drives `sinks:`
 * in a config, the `plugins` listing and the docs).
 *
 * @module
 */
import type { AnySink } from "../../lib/plugin/types.ts";
import { csvSink } from "./csv.ts";
import { deltaSink } from "./delta.ts";
import { jsonlSink } from "./jsonl.ts";
import { jsonSink } from "./json.ts";
import { sqlSink } from "./sql.ts";
import { memorySink, namedMemoryStore } from "./memory.ts";
import { parquetSink } from "./parquet.ts";
import { postgresSink } from "./postgres/mod.ts";
import { kafkaSink } from "./kafka/mod.ts";
import { stdoutSink } from "./stdout.ts";

export {
  csvSink,
  deltaSink,
  jsonlSink,
  jsonSink,
  kafkaSink,
  memorySink,
  namedMemoryStore,
  parquetSink,
  postgresSink,
  sqlSink,
  stdoutSink,
};
export { sinkFolder } from "./_options.ts";

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
  kafkaSink,
];
