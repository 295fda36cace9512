/**
 * The Parquet sink: one folder per table of `part-NNNNN-<run id>.parquet` files.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { recordBatchOn } from "../../lib/arrow/batch.ts";
import type { Sink } from "../../lib/plugin/types.ts";
import {
  encodeParquet,
  type ParquetCompression,
  type ParquetFileOptions,
  resolveFileOptions,
} from "../../lib/parquet/mod.ts";
import { OffThreadParquetStream } from "../../lib/parquet/off_thread.ts";
import { cutIntoFiles, type FillingFile, STREAM_FROM_ROWS } from "./_streamed_files.ts";
import { type FileLayout, layoutFileName } from "./_file_layout.ts";
import { guardSink } from "./_guard.ts";
import { openTableDirs, shortId, type TableDir, writeDurably } from "./_table_dir.ts";
import { defineSink } from "../../lib/plugin/define.ts";
import { PARQUET, PATH, sinkFolder } from "./_options.ts";

/** Options of {@link createParquetSink}. */
export interface ParquetSinkOptions extends ParquetFileOptions {
  /** The output folder; each table becomes `dir/<table>/`. */
  dir: string;
  /** File layouts by table name: rows per file and file names (`export_file_*`). */
  layouts?: Readonly<Record<string, FileLayout>>;
}

interface TableState {
  dir: TableDir;
  schema: arrow.Schema;
  buffered: arrow.RecordBatch[];
  rows: number;
  published: number;
  layout?: FileLayout;
  /** Rows per file: the layout's, else `targetFileRows`. */
  fileRows: number;
  /** The file being encoded as its rows come (large files only). */
  file?: StreamedFile;
}

/** A file encoded in the encoder worker while it fills. */
class StreamedFile implements FillingFile {
  rows = 0;
  readonly stream: OffThreadParquetStream;

  constructor(compression: ParquetCompression, schema: arrow.Schema) {
    this.stream = new OffThreadParquetStream(compression, schema);
  }

  async append(batch: arrow.RecordBatch): Promise<void> {
    await this.stream.write(batch);
    this.rows += batch.numRows;
  }
}

/**
 * Creates a sink writing each table as Parquet files under `dir/<table>/`. Batches are
 * buffered; a file is written whenever `targetFileRows` rows (or the table layout's rows per
 * file) are waiting, and at every flush and at close for the rest (types map as
 * {@link encodeParquet} says). Files of at least 50,000 rows are encoded in the encoder worker
 * as their rows come, while the next rows are generated (the same bytes). A table that got no
 * rows still gets one file holding its schema.
 *
 * @example
 * ```ts
 * const sink = createParquetSink({ dir: "out", compression: "zstd" });
 * await sink.open([{ name: "users", schema }], { mode: "error" });
 * await sink.write("users", batch);
 * await sink.close(); // out/users/part-00000-1a2b3c4d.parquet
 * ```
 */
export function createParquetSink(options: ParquetSinkOptions): Sink {
  const { compression, targetFileRows } = resolveFileOptions(options);
  const runId = shortId();
  const states = new Map<string, TableState>();

  async function writeFile(state: TableState, batches: arrow.RecordBatch[]): Promise<void> {
    await publish(state, encodeParquet(new arrow.Table(state.schema, batches), compression));
  }

  /** Writes a finished file's bytes as the table's next file. */
  async function publish(state: TableState, bytes: Uint8Array): Promise<void> {
    const name = layoutFileName(state.layout, state.published, ".parquet", `-${runId}`);
    const temp = state.dir.tempPath(name);
    await writeDurably(temp, [bytes]);
    await state.dir.publish(temp, name);
    state.published++;
  }

  /** Takes the first `count` buffered rows out of the buffer, splitting a batch if needed. */
  function take(state: TableState, count: number): arrow.RecordBatch[] {
    const taken: arrow.RecordBatch[] = [];
    let left = count;
    while (left > 0) {
      const batch = state.buffered.shift()!;
      if (batch.numRows <= left) {
        taken.push(batch);
        left -= batch.numRows;
      } else {
        taken.push(batch.slice(0, left));
        state.buffered.unshift(batch.slice(left));
        left = 0;
      }
    }
    state.rows -= count;
    return taken;
  }

  /**
   * Moves buffered rows into files encoded as they fill once there are enough of them (files
   * of at least STREAM_FROM_ROWS rows), or all of them (`rest`: a flush).
   */
  async function streamBuffered(state: TableState, rest = false): Promise<void> {
    if (!state.file && (state.rows < STREAM_FROM_ROWS || state.fileRows < STREAM_FROM_ROWS)) {
      return;
    }
    await cutIntoFiles(take(state, state.rows), state.fileRows, {
      open: () => state.file,
      start: () => state.file = new StreamedFile(compression, state.schema),
      full: () => endFile(state),
    });
    if (rest && state.file) await endFile(state);
  }

  /** Ends the table's open streamed file and publishes it. */
  async function endFile(state: TableState): Promise<void> {
    const file = state.file!;
    state.file = undefined;
    await publish(state, await file.stream.finish());
  }

  async function flush(): Promise<void> {
    for (const state of states.values()) {
      await streamBuffered(state, true);
      if (state.rows > 0) await writeFile(state, take(state, state.rows));
    }
  }

  return guardSink("parquet", {
    async open(tables, openOptions) {
      const dirs = await openTableDirs(options.dir, tables.map((t) => t.name), openOptions);
      for (const table of tables) {
        states.set(table.name, {
          dir: dirs.get(table.name)!,
          schema: table.schema,
          buffered: [],
          rows: 0,
          published: 0,
          layout: options.layouts?.[table.name],
          fileRows: options.layouts?.[table.name]?.rowsPerFile ?? targetFileRows,
        });
      }
    },
    async write(table, batch) {
      if (batch.numRows === 0) return;
      const state = states.get(table.name)!;
      // Rebased on the table's own schema: the IPC writer starts a new stream on any schema
      // difference, even in field metadata or nullability.
      state.buffered.push(recordBatchOn(state.schema, batch.data));
      state.rows += batch.numRows;
      await streamBuffered(state);
      // Files of fewer rows than are worth streaming, each encoded at once.
      while (state.rows >= state.fileRows) {
        await writeFile(state, take(state, state.fileRows));
      }
    },
    flush,
    async close() {
      await flush();
      for (const state of states.values()) {
        if (state.published === 0) await writeFile(state, []);
      }
      for (const state of states.values()) await state.dir.commit();
    },
    async discard() {
      for (const state of states.values()) {
        state.file?.stream.abort();
        state.file = undefined;
        state.buffered = [];
        state.rows = 0;
        await state.dir.discard();
      }
    },
  });
}

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
