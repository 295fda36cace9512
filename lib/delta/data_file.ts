/**
 * A data file written batch by batch, encoded as the batches come: what lets the Delta sink
 * encode a large write while later batches are generated.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { type Add, encodePath } from "./actions.ts";
import type { ParquetCompression, ParquetFileStream } from "../parquet/mod.ts";
import { ensureFolder, type TableState } from "./commit.ts";
import { type DeltaFs, joinPath, logFolder } from "./fs.ts";
import type { FileLayout } from "./file_layout.ts";
import { partitionFolder } from "./partition.ts";

/**
 * A data file being written batch by batch: each batch is encoded as it comes, and kept
 * until the file is finished only for its statistics.
 */
export class DataFileWriter {
  /** Rows written to the file so far. */
  rows = 0;
  readonly #stream: ParquetFileStream;
  readonly #conform: (batch: arrow.RecordBatch) => arrow.RecordBatch[];
  readonly #stats: (part: arrow.Table) => string;
  readonly #store: (bytes: Uint8Array, stats: string) => Promise<Add>;
  readonly #batches: arrow.RecordBatch[] = [];

  constructor(
    stream: ParquetFileStream,
    conform: (batch: arrow.RecordBatch) => arrow.RecordBatch[],
    file: {
      /** The `stats` of the file's rows. */
      stats: (part: arrow.Table) => string;
      /** Stores the finished file. */
      store: (bytes: Uint8Array, stats: string) => Promise<Add>;
    },
  ) {
    this.#stream = stream;
    this.#conform = conform;
    this.#stats = file.stats;
    this.#store = file.store;
  }

  /** Adds rows to the file. */
  async append(batch: arrow.RecordBatch): Promise<void> {
    for (const conformed of this.#conform(batch)) {
      this.#batches.push(conformed);
      this.rows += conformed.numRows;
      await this.#stream.write(conformed);
    }
  }

  /** Ends the file and writes it under a unique name; its `add` action (not committed). */
  async finish(): Promise<Add> {
    const encoded = this.#stream.finish();
    encoded.catch(() => {}); // awaited below, once the statistics are made
    const part = new arrow.Table(this.#batches[0].schema, this.#batches);
    this.#batches.length = 0;
    // Made while the encoder (a worker, for a large file) ends the file.
    const stats = this.#stats(part);
    return await this.#store(await encoded, stats);
  }

  /** Drops the file: nothing was written to storage. */
  abort(): void {
    this.#stream.abort();
    this.#batches.length = 0;
  }
}

/** What {@link storeDataFile} writes, and where. */
export interface StoredFile {
  /** The encoded Parquet file. */
  bytes: Uint8Array;
  /**
   * Its `stats` (statsJson), or how to make them: then they are made while the file is being
   * written (the write waits for the disk on another thread; a million rows' statistics take
   * 25-45 ms here).
   */
  stats: string | (() => string);
  /** Its partition values, by logical column name. */
  values: Record<string, string | null>;
  /** Its number among the files of its commit. */
  index: number;
  partitionBy: readonly string[];
  /** The table's file layout (column mapping: folders and values by physical name). */
  layout?: FileLayout;
  compression: ParquetCompression;
  /** Its modification time, ms. */
  now: number;
}

/**
 * Writes an encoded data file of `state`'s table under a unique name in its partition's
 * folder (never over another file); its `add` action, not committed.
 */
export async function storeDataFile(
  fs: DeltaFs,
  state: TableState,
  file: StoredFile,
): Promise<Add> {
  const { layout, values, partitionBy } = file;
  // With column mapping, folders and values go by physical name, as Spark writes them.
  const stored = layout ? layout.partitionValues(values) : values;
  const folder = layout
    ? partitionFolder(partitionBy.map((c) => layout.physicalName(c)), stored)
    : partitionFolder(partitionBy, values);
  const suffix = file.compression === "none" ? "" : `.${file.compression}`;
  const name = `part-${
    String(file.index).padStart(5, "0")
  }-${crypto.randomUUID()}-c000${suffix}.parquet`;
  const relative = folder ? `${folder}/${name}` : name;
  // A table being made has its log folder first: a writer stopped before its first commit
  // leaves files a restart knows for a table's, not a stranger's.
  if (state.version < 0) await ensureFolder(fs, state, logFolder(state.table));
  await ensureFolder(fs, state, folder ? joinPath(state.table, folder) : state.table);
  const written = fs.writeNew(joinPath(state.table, relative), file.bytes);
  let stats: string;
  try {
    stats = typeof file.stats === "string" ? file.stats : file.stats();
  } finally {
    await written;
  }
  return {
    path: encodePath(relative),
    partitionValues: stored,
    size: file.bytes.length,
    modificationTime: file.now,
    dataChange: true,
    stats,
  };
}
