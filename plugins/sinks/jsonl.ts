/**
 * The JSON lines sink: one folder per table, `part-00000.jsonl` with one object per row, or,
 * for tables with changes, one Debezium event per insert, update and delete (_debezium.ts).
 *
 * @module
 */
import type { Sink, SinkTable } from "../../lib/plugin/types.ts";
import { jsonlBytes } from "../../lib/output/json_bytes.ts";
import { createTextFileSink, type TextFileSinkOptions } from "./_text_file_sink.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import { PATH, sinkFolder } from "./_options.ts";
import {
  changeEventsJson,
  type Envelope,
  ENVELOPE_OPTION,
  insertEventsJson,
  writesEvents,
} from "./_debezium.ts";

/** Options of {@link createJsonlSink}. */
export interface JsonlSinkOptions extends TextFileSinkOptions {
  /** The output folder; each table becomes `dir/<table>/`. */
  dir: string;
  /** Which tables are written as Debezium events (default `auto`: tables with changes). */
  envelope?: Envelope;
}

/**
 * Creates a sink writing each table as JSON lines under `dir/<table>/part-NNNNN.jsonl`: one
 * object per row with keys in column order, nulls as `null`, 64-bit integers as numbers (as
 * strings beyond 2^53), dates and timestamps as ISO strings like the CSV sink. Each flush
 * with new rows publishes one more part file. A table with changes (or every table, with
 * `envelope: "debezium"`) gets one Debezium event per line instead: its inserts (`op: "c"`),
 * updates (`"u"`) and deletes (`"d"`) in the order they happened, published at flush as rows
 * are.
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
  const envelope = options.envelope ?? "auto";
  const lines = (texts: string[]) => texts.length > 0 ? texts.join("\n") + "\n" : "";
  return createTextFileSink(options.dir, {
    kind: "jsonl",
    extension: ".jsonl",
    lines: (batch, { table }) =>
      writesEvents(table, envelope) ? lines(insertEventsJson(table, batch)) : jsonlBytes(batch),
    changeLines(table: SinkTable, changes) {
      if (!writesEvents(table, envelope)) {
        throw new Error(
          `Table "${table.name}" was opened without changes, so its rows were written as plain ` +
            "objects and cannot be followed by change events; open it with changes: true, or " +
            "give the jsonl sink envelope: debezium",
        );
      }
      return changeEventsJson(table, changes).map((event) => event + "\n");
    },
  }, options);
}

/** JSON lines files. */
export const jsonlSink = defineSink({
  name: "jsonl",
  summary: "JSON lines files, one object per row (Debezium events for tables with changes).",
  options: { path: PATH, envelope: ENVELOPE_OPTION },
  create: ({ path, envelope }, ctx) =>
    createJsonlSink({
      dir: sinkFolder(path, ctx, "jsonl"),
      layouts: ctx.layouts,
      envelope: envelope as Envelope,
    }),
});
