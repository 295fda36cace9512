/**
 * The stdout sink: rows as JSON lines or CSV on standard output, for piping and a quick look.
 *
 * @module
 */
import type { Sink } from "../../lib/plugin/types.ts";
import { csvHeader, csvLines, jsonlLines } from "../../lib/output/cell_text.ts";
import { guardSink } from "./_guard.ts";
import { writeAll } from "./_table_dir.ts";
import { defineSink } from "../../lib/plugin/define.ts";

/** Where the stdout sink writes; `Deno.stdout` fits, and so does a collector in tests. */
export interface ByteWriter {
  /** Writes some of `p`, returning how many bytes were written. */
  write(p: Uint8Array): Promise<number>;
}

/** Options of {@link createStdoutSink}. */
export interface StdoutSinkOptions {
  /** `"jsonl"`: one object per row; `"csv"`: a header, then rows (one table only). */
  format: "jsonl" | "csv";
  /** Where to write; `Deno.stdout` by default. */
  writer?: ByteWriter;
}

/**
 * Creates a sink printing rows as they are written, in the same spelling as the file sinks.
 * With JSON lines and more than one table, each object starts with `"_table": name` so the
 * tables can be told apart. CSV takes exactly one table, and prints its header at open.
 * The mode is ignored: there is nothing to replace.
 *
 * @example
 * ```ts
 * const sink = createStdoutSink({ format: "jsonl" });
 * await sink.open([{ name: "users", schema }], { mode: "error" });
 * await sink.write("users", batch); // {"id":1,"name":"Ada"} ...
 * await sink.close();
 * ```
 */
export function createStdoutSink(options: StdoutSinkOptions): Sink {
  const writer = options.writer ?? Deno.stdout;
  const encoder = new TextEncoder();
  let tagTables = false;
  const print = (text: string) => writeAll(writer, encoder.encode(text));

  return guardSink("stdout", {
    async open(tables) {
      if (options.format === "csv") {
        if (tables.length !== 1) {
          throw new Error(
            `CSV on stdout takes exactly one table, got ${tables.length}; ` +
              `use format jsonl or a file sink`,
          );
        }
        await print(csvHeader(tables[0].schema));
      }
      tagTables = tables.length > 1;
    },
    async write(table, batch) {
      if (batch.numRows === 0) return;
      await print(
        options.format === "csv"
          ? csvLines(batch)
          : jsonlLines(batch, tagTables ? { table: table.name } : {}),
      );
    },
    async flush() {},
    async close() {},
    async discard() {},
  });
}

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
