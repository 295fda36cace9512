/**
 * Arrow IPC streams for parquet-wasm, whose writer takes its input as IPC. The stream's first
 * message, the schema, is the same for every file of a table: it is encoded once per schema
 * object and copied after that. Encoding it took about 40% of converting a live tick's few rows
 * (a flatbuffer of every field, ~25 KB of garbage per file).
 *
 * The stream is joined into a buffer that later streams reuse ({@link tableToIPCStream}):
 * parquet-wasm copies it into Wasm memory at once, and a new buffer per stream cost more to
 * allocate than to fill (its pages zeroed and mapped: for 48 MB, 29-52 ms against 5-10 ms).
 * The streaming encoder hands over every batch of a file this way.
 *
 * @module
 */

import * as arrow from "apache-arrow";

/** The encoded schema message of each schema seen (the object a table keeps across files). */
const SCHEMA_MESSAGES = new WeakMap<arrow.Schema, Uint8Array>();

/** An IPC stream's end: a continuation marker and a zero length. */
const EOS_BYTES = 8;

/**
 * A stream writer that copies a schema's message once encoded, and keeps the stream as the
 * pieces it is written in (message headers, and the columns' own buffers, not copied).
 */
class PiecesStreamWriter extends arrow.RecordBatchStreamWriter {
  readonly pieces: Uint8Array[] = [];
  byteLength = 0;

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

  protected override _write(chunk: ArrayBufferView): this {
    if (!this._started || chunk.byteLength === 0) return this;
    const piece = chunk instanceof Uint8Array
      ? chunk
      : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pieces.push(piece);
    this.byteLength += piece.byteLength;
    this._position += piece.byteLength;
    return this;
  }
}

/**
 * The buffer streams are joined into, held weakly: back-to-back files reuse it, and the
 * collector may take it back between them, so an idle process keeps no file-sized buffer.
 */
let shared: WeakRef<ArrayBuffer> | undefined;

/**
 * The largest stream joined into the shared buffer. Larger ones (a whole file of a million
 * rows) get a buffer of their own, as before: a buffer of that size outliving its file raised
 * the peak memory of a `generate` by as much (48 MB for six numeric columns).
 */
const SHARED_LIMIT = 16 << 20;

/** `bytes` bytes to join a stream into, which the next call may overwrite. */
function joinBuffer(bytes: number): Uint8Array {
  if (bytes > SHARED_LIMIT) return new Uint8Array(bytes);
  let buffer = shared?.deref();
  if (!buffer || buffer.byteLength < bytes) {
    buffer = new ArrayBuffer(bytes);
    shared = new WeakRef(buffer);
  }
  return new Uint8Array(buffer, 0, bytes);
}

/**
 * The IPC stream of `table`, as `arrow.tableToIPC(table, "stream")` gives it. The bytes are
 * valid until the next call (for a reader that copies them at once, as
 * `pq.Table.fromIPCStream` does), unless `into` gives the bytes to join it into (a buffer to
 * hand over to another thread).
 *
 * @example
 * ```ts
 * const wasmTable = pq.Table.fromIPCStream(tableToIPCStream(table));
 * ```
 */
export function tableToIPCStream(
  table: arrow.Table,
  into: (bytes: number) => Uint8Array = joinBuffer,
): Uint8Array {
  const writer = new PiecesStreamWriter();
  writer.writeAll(table);
  const bytes = into(writer.byteLength);
  let at = 0;
  for (const piece of writer.pieces) {
    bytes.set(piece, at);
    at += piece.byteLength;
  }
  return bytes;
}
