/**
 * The JSON sink: one folder per table, `part-00000.json` holding one array of records, as
 * tablefaker's (pandas') `orient="records"` JSON export.
 *
 * @module
 */
import type { Sink } from "../../lib/plugin/types.ts";
import { jsonObjects } from "../../lib/output/cell_text.ts";
import { createTextFileSink, type TextFileSinkOptions } from "./_text_file_sink.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import { PATH, sinkFolder } from "./_options.ts";

/** Options of {@link createJsonSink}. */
export interface JsonSinkOptions extends TextFileSinkOptions {
  /** The output folder; each table becomes `dir/<table>/`. */
  dir: string;
}

/**
 * Creates a sink writing each table as a JSON array of objects under
 * `dir/<table>/part-NNNNN.json`, one record per line: keys in column order, nulls as `null`,
 * whole floats with `.0` (`80.0`), dates and timestamps as ISO strings, decimals as exact
 * numbers, as the JSON lines sink spells them. An empty table is `[]`.
 *
 * @example
 * ```ts
 * const sink = createJsonSink({ dir: "out" });
 * await sink.open([{ name: "users", schema }], { mode: "overwrite" });
 * await sink.write("users", batch);
 * await sink.close(); // out/users/part-00000.json: [{"id":1,...},...]
 * ```
 */
export function createJsonSink(options: JsonSinkOptions): Sink {
  return createTextFileSink(options.dir, {
    kind: "json",
    extension: ".json",
    header: () => "[",
    lines: (batch, { first }) => (first ? "\n" : ",\n") + jsonObjects(batch).join(",\n"),
    footer: (_table, empty) => (empty ? "]\n" : "\n]\n"),
  }, options);
}

/** JSON files: an array of records per file. */
export const jsonSink = defineSink({
  name: "json",
  summary: "JSON files, an array of records each (tablefaker's json export).",
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createJsonSink({ dir: sinkFolder(path, ctx, "json"), layouts: ctx.layouts }),
});
