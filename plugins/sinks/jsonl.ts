/**
 * The JSON lines sink: one folder per table, `part-00000.jsonl` with one object per row.
 *
 * @module
 */
import type { Sink } from "../../lib/plugin/types.ts";
import { jsonlLines } from "../../lib/output/cell_text.ts";
import { createTextFileSink, type TextFileSinkOptions } from "./_text_file_sink.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import { PATH, sinkFolder } from "./_options.ts";

/** Options of {@link createJsonlSink}. */
export interface JsonlSinkOptions extends TextFileSinkOptions {
  /** The output folder; each table becomes `dir/<table>/`. */
  dir: string;
}

/**
 * Creates a sink writing each table as JSON lines under `dir/<table>/part-NNNNN.jsonl`: one
 * object per row with keys in column order, nulls as `null`, 64-bit integers as numbers (as
 * strings beyond 2^53), dates and timestamps as ISO strings like the CSV sink. Each flush
 * with new rows publishes one more part file.
 *
 * @example
 * ```ts
 * const sink = createJsonlSink({ dir: "out" });
 * await sink.open([{ name: "users", schema }], { mode: "overwrite" });
 * await sink.write("users", batch);
 * await sink.close(); // out/users/part-00000.jsonl
 * ```
 */
export function createJsonlSink(options: JsonlSinkOptions): Sink {
  return createTextFileSink(options.dir, {
    kind: "jsonl",
    extension: ".jsonl",
    lines: (batch) => jsonlLines(batch),
  }, options);
}

/** JSON lines files. */
export const jsonlSink = defineSink({
  name: "jsonl",
  summary: "JSON lines files, one object per row.",
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createJsonlSink({ dir: sinkFolder(path, ctx, "jsonl"), layouts: ctx.layouts }),
});
