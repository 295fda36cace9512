/**
 * Reading Parquet bytes into Arrow with column projection (private to lib/delta).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";

/** A Parquet file's chosen top-level columns as Arrow, and its row count. */
export interface ParquetRead {
  /** The chosen columns that exist in the file (none when no chosen column exists). */
  table: arrow.Table;
  numRows: number;
}

/**
 * Decodes only `columns` (top-level names; all when omitted) of a Parquet file. Names the
 * file lacks are skipped. The synchronous `pq.readParquet` ignores its `columns` option in
 * parquet-wasm 0.8.0, so this goes through `ParquetFile`, which projects.
 */
export async function readParquetColumns(
  bytes: Uint8Array,
  columns?: readonly string[],
): Promise<ParquetRead> {
  const file = await pq.ParquetFile.fromFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  try {
    const numRows = file.metadata().fileMetadata().numRows();
    let chosen: string[] | undefined;
    if (columns) {
      const schema = file.schema();
      try {
        chosen = columns.filter((name) => hasField(schema, name));
      } finally {
        schema.free();
      }
      if (chosen.length === 0) return { table: new arrow.Table(), numRows };
    }
    const wasmTable = await file.read(chosen ? { columns: chosen } : {});
    return { table: arrow.tableFromIPC(wasmTable.intoIPCStream()), numRows };
  } finally {
    file.free();
  }
}

/** Whether a top-level field exists; `Schema.indexOf` throws for a missing name. */
function hasField(schema: pq.Schema, name: string): boolean {
  try {
    return schema.indexOf(name) >= 0;
  } catch {
    return false;
  }
}
