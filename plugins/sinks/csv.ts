/**
 * The CSV sink: one folder per table, `part-00000.csv` with a header row, RFC 4180 quoting.
 *
 * @module
 */
import type { Sink } from "../../lib/plugin/types.ts";
import { csvHeader } from "../../lib/output/cell_text.ts";
import { csvBytes } from "../../lib/output/csv_bytes.ts";
import { createTextFileSink, type TextFileSinkOptions } from "./_text_file_sink.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import { PATH, sinkFolder } from "./_options.ts";

/** Options of {@link createCsvSink}. */
export interface CsvSinkOptions extends TextFileSinkOptions {
  /** The output folder; each table becomes `dir/<table>/`. */
  dir: string;
}

/**
 * Creates a sink writing each table as CSV under `dir/<table>/part-NNNNN.csv`: a header row,
 * fields quoted only when they hold a comma, quote, CR or LF, nulls as empty fields, booleans
 * and floats as Python prints them, as tablefaker's CSV has them (`True`, `80.0`, `1e-05`),
 * dates as `YYYY-MM-DD`, timestamps as `2024-01-02T03:04:05.123456Z`. Each flush with new rows
 * publishes one more part file.
 *
 * @example
 * ```ts
 * const sink = createCsvSink({ dir: "out" });
 * await sink.open([{ name: "users", schema }], { mode: "error" });
 * await sink.write("users", batch);
 * await sink.close(); // out/users/part-00000.csv
 * ```
 */
export function createCsvSink(options: CsvSinkOptions): Sink {
  return createTextFileSink(options.dir, {
    kind: "csv",
    extension: ".csv",
    header: (table) => csvHeader(table.schema),
    lines: (batch) => csvBytes(batch),
  }, options);
}

/** CSV files. */
export const csvSink = defineSink({
  name: "csv",
  summary: "CSV files with a header (RFC 4180 quoting, nulls empty, ISO-8601 times).",
  // Text columns are copied byte for byte (lib/output/csv_bytes.ts).
  keepsTextBytes: true,
  options: { path: PATH },
  create: ({ path }, ctx) =>
    createCsvSink({ dir: sinkFolder(path, ctx, "csv"), layouts: ctx.layouts }),
});
