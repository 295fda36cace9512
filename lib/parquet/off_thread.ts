/**
 * Parquet files encoded in a worker while this thread goes on generating: the same bytes as
 * {@link ParquetStream} makes here (the writer's settings are chosen here, from the first
 * batch, and sent along), with the encoding on another core. Each batch goes over as an Arrow
 * IPC stream in a buffer of its own, handed over rather than copied. For large files only:
 * the worker takes about 40 ms to start (parquet-wasm, without Arrow JS), and is stopped once
 * its last file is finished, so an idle process keeps no thread.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { tableToIPCStream } from "./_ipc.ts";
import {
  encodeParquet,
  encodingPlan,
  type ParquetCompression,
  type ParquetFileStream,
} from "./mod.ts";
import type { EncoderReply, EncoderRequest } from "./encoder_protocol.ts";

/**
 * IPC bytes of one file in flight to the worker, at most, before its writer waits: enough for
 * this thread to go on while the worker starts, bounded so a slow encoder cannot let
 * generated rows pile up.
 */
const IN_FLIGHT_BYTES = 32 << 20;

/** What a file being encoded is told by the worker. */
interface FileEvents {
  taken(bytes: number): void;
  file(bytes: Uint8Array): void;
  failed(error: Error): void;
}

/** The encoder worker of this thread, shared by its files: started by the first, stopped after the last. */
class EncoderWorker {
  static #current?: EncoderWorker;

  /** The running worker (started if need be), counted as used until {@link release}. */
  static acquire(): EncoderWorker {
    const worker = EncoderWorker.#current ??= new EncoderWorker();
    worker.#users++;
    return worker;
  }

  readonly #worker: Worker;
  readonly #files = new Map<number, FileEvents>();
  #users = 0;
  #nextId = 0;

  private constructor() {
    // A literal URL: `deno compile --include lib/parquet/encoder_worker.ts` embeds it.
    this.#worker = new Worker(new URL("./encoder_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (event: MessageEvent<EncoderReply>) => this.#reply(event.data);
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new Error(`The Parquet encoder worker failed: ${event.message}`));
    };
  }

  /** Numbers a new file and routes the worker's answers about it to `events`. */
  open(events: FileEvents): number {
    const id = this.#nextId++;
    this.#files.set(id, events);
    return id;
  }

  post(request: EncoderRequest, transfer: Transferable[] = []): void {
    this.#worker.postMessage(request, transfer);
  }

  /** Stops routing a file's answers. */
  close(id: number): void {
    this.#files.delete(id);
  }

  /** One user less; the last stops the worker. */
  release(): void {
    if (--this.#users > 0) return;
    this.#worker.terminate();
    if (EncoderWorker.#current === this) EncoderWorker.#current = undefined;
  }

  #reply(reply: EncoderReply): void {
    const events = this.#files.get(reply.id);
    if (!events) return;
    if (reply.kind === "taken") events.taken(reply.bytes);
    else if (reply.kind === "file") events.file(reply.bytes);
    else events.failed(new Error(reply.message));
  }

  /** The worker died: every file fails, and the next file starts a new worker. */
  #fail(error: Error): void {
    if (EncoderWorker.#current === this) EncoderWorker.#current = undefined;
    for (const events of this.#files.values()) events.failed(error);
    this.#files.clear();
  }
}

/**
 * A Parquet file encoded in the encoder worker while its batches arrive; the bytes of
 * {@link ParquetStream} for the same batches.
 *
 * @example
 * ```ts
 * const file = new OffThreadParquetStream("snappy", batch.schema);
 * await file.write(batch);
 * const bytes = await file.finish();
 * ```
 */
export class OffThreadParquetStream implements ParquetFileStream {
  readonly #compression: ParquetCompression;
  readonly #schema: arrow.Schema;
  #worker?: EncoderWorker;
  #id = -1;
  #ended = false;
  #inFlight = 0;
  #failure?: Error;
  /** Wakes a writer waiting for the worker to take batches. */
  #room?: () => void;
  #bytes?: { resolve(bytes: Uint8Array): void; reject(error: Error): void };

  /** A file of batches of `schema`, compressed with `compression`. */
  constructor(compression: ParquetCompression, schema: arrow.Schema) {
    this.#compression = compression;
    this.#schema = schema;
  }

  /** Opens the file in the worker, its settings chosen by its first batch. */
  #start(first: arrow.RecordBatch): EncoderWorker {
    if (this.#worker) return this.#worker;
    const worker = this.#worker = EncoderWorker.acquire();
    this.#id = worker.open({
      taken: (bytes) => {
        this.#inFlight -= bytes;
        this.#wake();
      },
      file: (bytes) => this.#bytes?.resolve(bytes),
      failed: (error) => {
        this.#failure = error;
        this.#wake();
        this.#bytes?.reject(error);
      },
    });
    const plan = encodingPlan(this.#compression, this.#schema, first);
    worker.post({ kind: "start", id: this.#id, plan });
    return worker;
  }

  #wake(): void {
    const room = this.#room;
    this.#room = undefined;
    room?.();
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (this.#ended) throw new Error("The Parquet file was abandoned");
    if (this.#failure) throw this.#failure;
    const worker = this.#start(batch);
    const ipc = tableToIPCStream(new arrow.Table([batch]), true);
    this.#inFlight += ipc.byteLength;
    worker.post({ kind: "write", id: this.#id, ipc }, [ipc.buffer as ArrayBuffer]);
    while (this.#inFlight > IN_FLIGHT_BYTES && !this.#failure) {
      await new Promise<void>((resolve) => this.#room = resolve);
    }
    if (this.#failure) throw this.#failure;
  }

  async finish(): Promise<Uint8Array> {
    if (this.#ended) throw new Error("The Parquet file was abandoned");
    // No batch came: the file of the schema alone, made here (no worker started for it).
    if (!this.#worker) {
      this.#ended = true;
      return encodeParquet(new arrow.Table(this.#schema), this.#compression);
    }
    const worker = this.#worker;
    try {
      if (this.#failure) throw this.#failure;
      const bytes = new Promise<Uint8Array>((resolve, reject) => {
        this.#bytes = { resolve, reject };
      });
      worker.post({ kind: "finish", id: this.#id });
      return await bytes;
    } finally {
      this.#end();
    }
  }

  abort(): void {
    if (this.#ended) return;
    if (this.#worker && !this.#failure) this.#worker.post({ kind: "abort", id: this.#id });
    this.#end();
  }

  /** The file is done with the worker. */
  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#worker?.close(this.#id);
    this.#worker?.release();
  }
}
