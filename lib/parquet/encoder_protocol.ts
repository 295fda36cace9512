/**
 * The messages between a thread and its Parquet encoder worker (encoder_worker.ts). Files are
 * numbered by the sending thread; a file's requests are taken in the order sent.
 *
 * @module
 */
import type { EncodingPlan } from "./wasm_stream.ts";

/** What the sending thread asks. */
export type EncoderRequest =
  | { kind: "start"; id: number; plan: EncodingPlan }
  /** The batches of an Arrow IPC stream (its buffer transferred). */
  | { kind: "write"; id: number; ipc: Uint8Array }
  | { kind: "finish"; id: number }
  | { kind: "abort"; id: number };

/** What the worker answers. */
export type EncoderReply =
  /**
   * The encoder took a `write`'s batches (or dropped them, its file failed or abandoned):
   * `bytes` of IPC are no longer in flight. Their buffer comes back (transferred), for the
   * next batch's IPC: a new buffer per batch cost more to allocate than to fill.
   */
  | { kind: "taken"; id: number; bytes: number; buffer: ArrayBuffer }
  /** The finished file (its buffer transferred). */
  | { kind: "file"; id: number; bytes: Uint8Array }
  /** The file failed; it is dropped. */
  | { kind: "error"; id: number; message: string };
