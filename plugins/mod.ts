/**
 * Every built-in plugin, imported statically so `deno compile` embeds them all.
 *
 * @module
 */
import type { Sink } from "../lib/plugin/types.ts";
import { createCsvSink } from "./sinks/csv.ts";
import { createJsonlSink } from "./sinks/jsonl.ts";
import { createParquetSink } from "./sinks/parquet.ts";

export { createCsvSink, createJsonlSink, createParquetSink };
export { createStdoutSink } from "./sinks/stdout.ts";

/** File formats `generate --format` writes. */
export const FILE_FORMATS = ["parquet", "csv", "jsonl"] as const;

/** One of {@link FILE_FORMATS}. */
export type FileFormat = typeof FILE_FORMATS[number];

/** A sink writing one folder per table under `dir` in the given format. */
export function createFileSink(format: FileFormat, dir: string): Sink {
  switch (format) {
    case "parquet":
      return createParquetSink({ dir });
    case "csv":
      return createCsvSink({ dir });
    case "jsonl":
      return createJsonlSink({ dir });
  }
}
