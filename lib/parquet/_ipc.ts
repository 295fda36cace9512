/**
 * Arrow IPC streams for parquet-wasm, whose writer takes its input as IPC. The stream's first
 * message, the schema, is the same for every file of a table: it is encoded once per schema
 * object and copied after that. Encoding it took about 40% of converting a live tick's few rows
 * (a flatbuffer of every field, ~25 KB of garbage per file).
 *
 * @module
 */

import * as arrow from "apache-arrow";

/** The encoded schema message of each schema seen (the object a table keeps across files). */
const SCHEMA_MESSAGES = new WeakMap<arrow.Schema, Uint8Array>();

/** An IPC stream's end: a continuation marker and a zero length. */
const EOS_BYTES = 8;

/** A stream writer that copies a schema's message once encoded. */
class CachedSchemaStreamWriter extends arrow.RecordBatchStreamWriter {
  protected override _writeSchema(schema: arrow.Schema): this {
    let message = SCHEMA_MESSAGES.get(schema);
    if (!message) {
      // The stream of no batches is the schema's message and the 8 bytes of end of stream.
      const empty = arrow.tableToIPC(new arrow.Table(schema), "stream");
      message = empty.slice(0, empty.byteLength - EOS_BYTES);
      SCHEMA_MESSAGES.set(schema, message);
    }
    return this._write(message);
  }
}

/**
 * The IPC stream of `table`, as `arrow.tableToIPC(table, "stream")` gives it.
 *
 * @example
 * ```ts
 * const ipc = tableToIPCStream(arrow.tableFromArrays({ id: Int32Array.of(1, 2) }));
 * ```
 */
export function tableToIPCStream(table: arrow.Table): Uint8Array {
  return new CachedSchemaStreamWriter().writeAll(table).toUint8Array(true);
}
