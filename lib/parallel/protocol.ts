/**
 * The messages between a `WorkerPool` and its generation workers.
 *
 * @module
 */
import type { EncodedRecords, ParquetPart } from "../plugin/types.ts";
import type { PartJob } from "./parts.ts";
import type { RecordJob } from "./records.ts";
import type { EngineRecipe } from "./recipe.ts";

/** What the pool asks a worker. */
export type WorkerRequest =
  /** Build the engine; answered by `ready` (or an `error` with id -1). */
  | { kind: "init"; recipe: EngineRecipe }
  /** Generate rows `firstRowId .. firstRowId + count - 1` of `table` in `epoch`. */
  | { kind: "batch"; id: number; table: string; firstRowId: number; count: number; epoch: number }
  /** Make the job's rows into a Parquet file (parts.ts). */
  | { kind: "part"; id: number; job: PartJob }
  /** Make the job's rows into keyed records (records.ts). */
  | { kind: "records"; id: number; job: RecordJob };

/** What a worker answers. */
export type WorkerReply =
  | { kind: "ready" }
  /** The record batch of job `id` as an Arrow IPC stream. */
  | { kind: "batch"; id: number; ipc: Uint8Array }
  /** The file of job `id`, its bytes transferred. */
  | { kind: "part"; id: number; part: ParquetPart }
  /** The records of job `id`, their buffers transferred. */
  | { kind: "records"; id: number; records: EncodedRecords }
  /** Job `id` failed; `generation` is set when a cell could not be generated. */
  | {
    kind: "error";
    id: number;
    message: string;
    generation?: { table: string; column: string; rowId: number; reason: string; code: string };
  };
