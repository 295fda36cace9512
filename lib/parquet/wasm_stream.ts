/**
 * The encoder's side of a streamed Parquet file, in terms of parquet-wasm alone (no Arrow JS):
 * the writer's settings as plain data ({@link EncodingPlan}, chosen from a first batch where
 * the rows are) and a file encoded from Arrow IPC streams as they come
 * ({@link IpcParquetStream}). The encoder worker (encoder_worker.ts) loads only this, so it
 * starts in a third of the time a module importing apache-arrow takes.
 *
 * @module
 */
import * as pq from "parquet-wasm";
import { parquetRowCount } from "./footer.ts";

/** Column compression codecs tablestream writes. */
export const PARQUET_COMPRESSIONS = ["snappy", "zstd", "none"] as const;

/** One of {@link PARQUET_COMPRESSIONS}. */
export type ParquetCompression = typeof PARQUET_COMPRESSIONS[number];

/** How one top-level column is written, when not as arrow-rs writes it by default. */
export interface ColumnEncoding {
  name: string;
  /** No column statistics (floating-point columns). */
  noStatistics?: boolean;
  /** DELTA_BINARY_PACKED, no dictionary; or plain, no dictionary. */
  encoding?: "delta" | "plain";
}

/** A writer's settings, structured-clonable: what a worker needs to encode like this thread. */
export interface EncodingPlan {
  compression: ParquetCompression;
  columns: ColumnEncoding[];
}

const CODECS: Record<ParquetCompression, pq.Compression> = {
  snappy: pq.Compression.SNAPPY,
  zstd: pq.Compression.ZSTD,
  none: pq.Compression.UNCOMPRESSED,
};

/** parquet-wasm's writer properties for a plan. */
export function writerPropertiesOf(plan: EncodingPlan): pq.WriterProperties {
  let builder = new pq.WriterPropertiesBuilder().setCompression(CODECS[plan.compression]);
  for (const column of plan.columns) {
    if (column.noStatistics) {
      builder = builder.setColumnStatisticsEnabled(column.name, pq.EnabledStatistics.None);
    }
    if (column.encoding === "delta") {
      builder = builder.setColumnDictionaryEnabled(column.name, false)
        .setColumnEncoding(column.name, pq.Encoding.DELTA_BINARY_PACKED);
    } else if (column.encoding === "plain") {
      builder = builder.setColumnDictionaryEnabled(column.name, false);
    }
  }
  return builder.build();
}

/** The Parquet file of a whole IPC stream, encoded at once. */
export function encodeIpc(ipc: Uint8Array, plan: EncodingPlan): Uint8Array {
  return pq.writeParquet(pq.Table.fromIPCStream(ipc), writerPropertiesOf(plan));
}

/** Wasm record batches handed to the streaming encoder ahead of it, at most. */
const STREAM_AHEAD = 4;

/**
 * One Parquet file encoded while its rows arrive, each piece an Arrow IPC stream (which
 * parquet-wasm copies into Wasm memory at once: the bytes may be reused after `write`).
 */
export class IpcParquetStream {
  #controller!: ReadableStreamDefaultController<pq.RecordBatch>;
  readonly #bytes: Promise<Uint8Array>;
  #failure?: unknown;
  /** Wakes a writer waiting for room: the encoder asked for more batches. */
  #room?: () => void;
  /** Rows handed to the encoder. */
  #rows = 0;

  /** Starts the encoder with a plan's settings. */
  constructor(plan: EncodingPlan) {
    const input = new ReadableStream<pq.RecordBatch>(
      {
        start: (controller) => void (this.#controller = controller),
        // Called whenever the queue has room again: the encoder took a batch.
        pull: () => this.#wake(),
      },
      { highWaterMark: STREAM_AHEAD },
    );
    this.#bytes = collect(pq.transformParquetStream(input, writerPropertiesOf(plan)));
    this.#bytes.catch((error) => {
      this.#failure = error;
      this.#wake();
    });
  }

  #wake(): void {
    const room = this.#room;
    this.#room = undefined;
    room?.();
  }

  /** Hands the batches of an IPC stream to the encoder; waits while the encoder is behind. */
  async write(ipc: Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    for (const wasmBatch of pq.Table.fromIPCStream(ipc).recordBatches()) {
      this.#rows += wasmBatch.numRows;
      this.#controller.enqueue(wasmBatch);
    }
    // The encoder runs in this thread too, on promise jobs: waiting for its next read (the
    // stream's pull) lets it run until it is close enough behind, without timers, whose
    // nesting clamp (4 ms each) left the thread idle.
    while ((this.#controller.desiredSize ?? 1) <= 0 && !this.#failure) {
      await new Promise<void>((resolve) => this.#room = resolve);
    }
  }

  /**
   * Ends the file and returns its bytes. parquet-wasm's stream ends a file whose encoding
   * failed without a word (a valid file of no rows): its footer's row count is checked.
   */
  async finish(): Promise<Uint8Array> {
    if (!this.#failure) this.#controller.close();
    const bytes = await this.#bytes;
    const rows = await parquetRowCount((n) =>
      Promise.resolve({ bytes: bytes.subarray(Math.max(0, bytes.length - n)), size: bytes.length })
    );
    if (rows !== this.#rows) {
      throw new Error(`The Parquet encoder failed: its file holds ${rows} of ${this.#rows} rows`);
    }
    return bytes;
  }

  /** Drops the file. */
  abort(): void {
    try {
      this.#controller.error(new Error("The Parquet file was abandoned"));
    } catch {
      // Already closed or failed: nothing to stop.
    }
    this.#bytes.catch(() => {});
  }
}

/** The chunks of a stream of bytes, joined. */
async function collect(output: Promise<ReadableStream>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of (await output) as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : concatBytes(chunks);
}

/** Byte arrays joined into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
