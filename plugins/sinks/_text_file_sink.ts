/**
 * A sink writing text files (CSV, JSON lines, JSON, SQL) into table folders. Rows stream to
 * a temporary part file; each flush that has new rows publishes that part under its final
 * name (`part-00000.csv`, `part-00001.csv`, ...), so a reader only ever sees whole files. A
 * table's {@link FileLayout} (tablefaker's `export_file_*` options) can cap the rows per file
 * and name the files.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { ChangeBatch, Sink, SinkTable } from "../../lib/plugin/types.ts";
import { type FileLayout, layoutFileName } from "./_file_layout.ts";
import { guardSink } from "./_guard.ts";
import { openTableDirs, type TableDir, writeAll, writeDurably } from "./_table_dir.ts";

/** Where a run of rows lands in its file. */
export interface LinesContext {
  /** The table the rows belong to. */
  table: SinkTable;
  /** No rows were written to this file before these. */
  first: boolean;
}

/** How a text format spells a table. */
export interface TextFormat {
  /** The sink kind, for messages: `"csv"`. */
  kind: string;
  /** File extension with its dot: `".csv"`. */
  extension: string;
  /** The text each file starts with (a CSV header, `[`); none when omitted. */
  header?(table: SinkTable): string;
  /** The rows of a batch as text that goes on the file, or as its UTF-8 bytes. */
  lines(batch: arrow.RecordBatch, context: LinesContext): string | Uint8Array;
  /**
   * Changes of a table's rows as lines of text, one per change (optional: a format without it
   * refuses tables with changes). Lines end with a newline.
   */
  changeLines?(table: SinkTable, changes: ChangeBatch): string[];
  /** The text each file ends with (`]`); `empty` when it got no rows. */
  footer?(table: SinkTable, empty: boolean): string;
}

/** Options of {@link createTextFileSink}. */
export interface TextFileSinkOptions {
  /** File layouts by table name; a table without one gets one file per flush. */
  layouts?: Readonly<Record<string, FileLayout>>;
}

interface Part {
  file: Deno.FsFile;
  temp: string;
  name: string;
  rows: number;
}

interface TableState {
  table: SinkTable;
  dir: TableDir;
  layout?: FileLayout;
  part?: Part;
  published: number;
}

/** Creates a file sink writing `DIR/<table>/part-NNNNN<extension>` in the given format. */
export function createTextFileSink(
  dir: string,
  format: TextFormat,
  options: TextFileSinkOptions = {},
): Sink {
  const encoder = new TextEncoder();
  const states = new Map<string, TableState>();

  async function startPart(state: TableState): Promise<Part> {
    const name = layoutFileName(state.layout, state.published, format.extension);
    const temp = state.dir.tempPath(name);
    const file = await Deno.open(temp, { write: true, createNew: true });
    const part = { file, temp, name, rows: 0 };
    state.part = part;
    if (format.header) await writeAll(file, encoder.encode(format.header(state.table)));
    return part;
  }

  async function finishPart(state: TableState, part: Part): Promise<void> {
    if (format.footer) await writeAll(part.file, encoder.encode(format.footer(state.table, false)));
    await part.file.syncData();
    part.file.close();
    state.part = undefined;
    await state.dir.publish(part.temp, part.name);
    state.published++;
  }

  async function flush(): Promise<void> {
    for (const state of states.values()) {
      if (state.part) await finishPart(state, state.part);
    }
  }

  /**
   * Writes `count` lines into the open part, starting a new one whenever a part is full;
   * `text` spells lines `offset` to `offset + take`.
   */
  async function appendLines(
    state: TableState,
    count: number,
    text: (offset: number, take: number, first: boolean) => string | Uint8Array,
  ): Promise<void> {
    const limit = state.layout?.rowsPerFile;
    for (let offset = 0; offset < count;) {
      if (state.part && limit !== undefined && state.part.rows >= limit) {
        await finishPart(state, state.part);
      }
      const part = state.part ?? await startPart(state);
      const take = Math.min(count - offset, limit === undefined ? Infinity : limit - part.rows);
      const lines = text(offset, take, part.rows === 0);
      await writeAll(part.file, typeof lines === "string" ? encoder.encode(lines) : lines);
      part.rows += take;
      offset += take;
    }
  }

  /** Writes rows into the open part, starting a new one whenever a part is full. */
  function append(state: TableState, batch: arrow.RecordBatch): Promise<void> {
    return appendLines(state, batch.numRows, (offset, take, first) => {
      const rows = take === batch.numRows ? batch : batch.slice(offset, offset + take);
      return format.lines(rows, { table: state.table, first });
    });
  }

  /** Writes a table's changes as lines, in order, between its rows. */
  function appendChanges(state: TableState, changes: ChangeBatch): Promise<void> {
    const lines = format.changeLines!(state.table, changes);
    return appendLines(state, lines.length, (offset, take) => {
      return lines.slice(offset, offset + take).join("");
    });
  }

  return guardSink(format.kind, {
    async open(tables: readonly SinkTable[], openOptions) {
      const dirs = await openTableDirs(dir, tables.map((t) => t.name), openOptions);
      for (const table of tables) {
        states.set(table.name, {
          table,
          dir: dirs.get(table.name)!,
          layout: options.layouts?.[table.name],
          published: 0,
        });
      }
    },
    async write(table, batch) {
      if (batch.numRows === 0) return;
      await append(states.get(table.name)!, batch);
    },
    ...(format.changeLines
      ? {
        writeChanges: (table: SinkTable, changes: ChangeBatch) =>
          appendChanges(states.get(table.name)!, changes),
      }
      : {}),
    flush,
    async close() {
      await flush();
      for (const state of states.values()) {
        if (state.published > 0) continue;
        // An empty table still gets a file, so readers find the table (and CSV its columns).
        const name = layoutFileName(state.layout, 0, format.extension);
        const temp = state.dir.tempPath(name);
        const text = (format.header?.(state.table) ?? "") +
          (format.footer?.(state.table, true) ?? "");
        await writeDurably(temp, [encoder.encode(text)]);
        await state.dir.publish(temp, name);
        state.published++;
      }
      for (const state of states.values()) await state.dir.commit();
    },
    async discard() {
      for (const state of states.values()) {
        try {
          state.part?.file.close();
        } catch {
          // Already closed by a failed finishPart; the file is removed below either way.
        }
        state.part = undefined;
        await state.dir.discard();
      }
    },
  });
}
