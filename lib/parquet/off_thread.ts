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
  encodingPlan,
  type ParquetCompression,
  type ParquetFileStream,
  schemaOnlyFile,
} from "./mod.ts";
import type { EncoderReply, EncoderRequest } from "./encoder_protocol.ts";

/**
 * IPC bytes in flight to the worker (all its files together), at most, before a writer waits:
 * enough for this thread to go on while the worker starts, bounded so a slow encoder cannot let
 * generated rows pile up, however many tables write large files at once.
 */
const IN_FLIGHT_BYTES = 32 << 20;

/** What a file being encoded is told by the worker. */
interface FileEvents {
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
  /** IPC bytes sent and not yet taken by the encoder. */
  #inFlight = 0;
  /** Writers waiting for the bytes in flight to fall under {@link IN_FLIGHT_BYTES}. */
  #waiting: (() => void)[] = [];
  /** Buffers the worker gave back, for the next batches' IPC. */
  #free: ArrayBuffer[] = [];
  #freeBytes = 0;
  #failure?: Error;
  /** Stopped after its last file. */
  #stopped = false;

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

  /**
   * `bytes` bytes to write a batch's IPC into: a buffer the worker gave back when one is large
   * enough, else a new one a little larger (the next batch of a table is about as large).
   */
  buffer(bytes: number): Uint8Array {
    const i = this.#free.findIndex((buffer) => buffer.byteLength >= bytes);
    if (i < 0) return new Uint8Array(new ArrayBuffer(Math.ceil(bytes * 1.25)), 0, bytes);
    const [buffer] = this.#free.splice(i, 1);
    this.#freeBytes -= buffer.byteLength;
    return new Uint8Array(buffer, 0, bytes);
  }

  /** Keeps a buffer given back, while those kept hold no more than may be in flight. */
  #keep(buffer: ArrayBuffer): void {
    if (this.#freeBytes + buffer.byteLength > IN_FLIGHT_BYTES) return;
    this.#free.push(buffer);
    this.#freeBytes += buffer.byteLength;
  }

  /** Sends a file's batches (an IPC stream, handed over); resolves once there is room for more. */
  async send(id: number, ipc: Uint8Array): Promise<void> {
    this.#inFlight += ipc.byteLength;
    this.post({ kind: "write", id, ipc }, [ipc.buffer as ArrayBuffer]);
    while (this.#inFlight > IN_FLIGHT_BYTES && !this.#failure && !this.#stopped) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** Stops routing a file's answers. */
  close(id: number): void {
    this.#files.delete(id);
  }

  /** One user less; the last stops the worker. */
  release(): void {
    if (--this.#users > 0) return;
    this.#worker.terminate();
    this.#stopped = true;
    this.#wake(); // writes of abandoned files waiting for room: nothing is in flight any more
    if (EncoderWorker.#current === this) EncoderWorker.#current = undefined;
  }

  #reply(reply: EncoderReply): void {
    const events = this.#files.get(reply.id);
    if (reply.kind === "taken") {
      this.#keep(reply.buffer);
      this.#inFlight -= reply.bytes;
      if (this.#inFlight <= IN_FLIGHT_BYTES) this.#wake();
      return;
    }
    if (!events) return;
    if (reply.kind === "file") events.file(reply.bytes);
    else events.failed(new Error(reply.message));
  }

  /** The worker died: every file fails, and the next file starts a new worker. */
  #fail(error: Error): void {
    if (EncoderWorker.#current === this) EncoderWorker.#current = undefined;
    this.#failure = error;
    this.#wake();
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
  #failure?: Error;
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
      file: (bytes) => this.#bytes?.resolve(bytes),
      failed: (error) => {
        this.#failure = error;
        this.#bytes?.reject(error);
      },
    });
    const plan = encodingPlan(this.#compression, this.#schema, first);
    worker.post({ kind: "start", id: this.#id, plan });
    return worker;
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (this.#ended) throw new Error("The Parquet file was abandoned");
    if (this.#failure) throw this.#failure;
    const worker = this.#start(batch);
    const ipc = tableToIPCStream(new arrow.Table([batch]), (bytes) => worker.buffer(bytes));
    await worker.send(this.#id, ipc);
    if (this.#failure) throw this.#failure;
  }

  async finish(): Promise<Uint8Array> {
    if (this.#ended) throw new Error("The Parquet file was abandoned");
    // No batch came: the file of the schema alone, made here (no worker started for it).
    if (!this.#worker) {
      this.#ended = true;
      return schemaOnlyFile(this.#schema, this.#compression);
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
