/**
 * Rows cut into files of a set size as they arrive, each file encoded while it fills (the
 * Delta and Parquet sinks' large writes): a batch goes to the open file, split where the file
 * is full, and a full file is handed on and the next one started.
 *
 * @module
 */
import type * as arrow from "apache-arrow";

/**
 * Buffered rows from which a file is encoded as it fills (in the encoder worker) rather than
 * at once when written: a large write is encoded while later rows are generated; small ones (a
 * live tick's) cost less encoded at once, without a worker.
 */
export const STREAM_FROM_ROWS = 50_000;

/** A file being filled: its rows so far, and how a batch is added. */
export interface FillingFile {
  readonly rows: number;
  append(batch: arrow.RecordBatch): Promise<void>;
}

/** Where a table's files come from and go. */
export interface FileCutter<F extends FillingFile> {
  /** The file being filled, if any. */
  open(): F | undefined;
  /** Starts the next file (it becomes the open one). */
  start(): F;
  /** Takes a full file (no longer the open one). */
  full(file: F): Promise<void>;
}

/** Appends `batches` to files of `fileRows` rows each. */
export async function cutIntoFiles<F extends FillingFile>(
  batches: readonly arrow.RecordBatch[],
  fileRows: number,
  files: FileCutter<F>,
): Promise<void> {
  for (const batch of batches) {
    for (let offset = 0; offset < batch.numRows;) {
      const file = files.open() ?? files.start();
      const take = Math.min(batch.numRows - offset, fileRows - file.rows);
      await file.append(take === batch.numRows ? batch : batch.slice(offset, offset + take));
      offset += take;
      if (file.rows >= fileRows) await files.full(file);
    }
  }
}
