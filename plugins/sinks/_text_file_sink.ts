/**
 * A sink writing line-based text files (CSV, JSON lines) into table folders. Rows stream to
 * a temporary part file; each flush that has new rows publishes that part under its final
 * name (`part-00000.csv`, `part-00001.csv`, ...), so a reader only ever sees whole files.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { Sink, SinkTable } from "../../lib/plugin/types.ts";
import { guardSink } from "./_guard.ts";
import { openTableDirs, partName, type TableDir, writeAll, writeDurably } from "./_table_dir.ts";

/** How a text format spells a table. */
export interface TextFormat {
  /** The sink kind, for messages: `"csv"`. */
  kind: string;
  /** File extension with its dot: `".csv"`. */
  extension: string;
  /** The text each file starts with (a CSV header); none when omitted. */
  header?(schema: arrow.Schema): string;
  /** The rows of a batch as complete lines. */
  lines(batch: arrow.RecordBatch): string;
}

interface Part {
  file: Deno.FsFile;
  temp: string;
}

interface TableState {
  dir: TableDir;
  schema: arrow.Schema;
  part?: Part;
  published: number;
}

/** Creates a file sink writing `DIR/<table>/part-NNNNN<extension>` in the given format. */
export function createTextFileSink(dir: string, format: TextFormat): Sink {
  const encoder = new TextEncoder();
  const states = new Map<string, TableState>();

  async function startPart(state: TableState): Promise<Part> {
    const temp = state.dir.tempPath(partName(state.published) + format.extension);
    const file = await Deno.open(temp, { write: true, createNew: true });
    const part = { file, temp };
    state.part = part;
    if (format.header) await writeAll(file, encoder.encode(format.header(state.schema)));
    return part;
  }

  async function finishPart(state: TableState, part: Part): Promise<void> {
    await part.file.syncData();
    part.file.close();
    state.part = undefined;
    await state.dir.publish(part.temp, partName(state.published) + format.extension);
    state.published++;
  }

  async function flush(): Promise<void> {
    for (const state of states.values()) {
      if (state.part) await finishPart(state, state.part);
    }
  }

  return guardSink(format.kind, {
    async open(tables: readonly SinkTable[], options) {
      const dirs = await openTableDirs(dir, tables.map((t) => t.name), options);
      for (const table of tables) {
        states.set(table.name, { dir: dirs.get(table.name)!, schema: table.schema, published: 0 });
      }
    },
    async write(table, batch) {
      if (batch.numRows === 0) return;
      const state = states.get(table.name)!;
      const part = state.part ?? await startPart(state);
      await writeAll(part.file, encoder.encode(format.lines(batch)));
    },
    flush,
    async close() {
      await flush();
      for (const state of states.values()) {
        if (state.published > 0) continue;
        // An empty table still gets a file, so readers find the table (and CSV its columns).
        const name = partName(0) + format.extension;
        const temp = state.dir.tempPath(name);
        await writeDurably(temp, [encoder.encode(format.header?.(state.schema) ?? "")]);
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
