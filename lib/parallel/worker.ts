/**
 * A generation worker (a Web Worker): rebuilds the engine from a recipe, then answers jobs
 * ("rows a..b of table t, epoch e") with the record batch as Arrow IPC, or with those rows
 * as a finished Parquet file (parts.ts) or keyed records (records.ts), their buffers
 * transferred, not copied. Loaded by `WorkerPool` from a literal URL, so `deno compile` embeds
 * it with `--include`.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Engine } from "../engine/engine.ts";
import { GenerationError } from "../engine/generation_error.ts";
import { engineFromRecipe } from "./recipe.ts";
import { encodePart } from "./parts.ts";
import { makeRecords, recordBuffers } from "./records.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

/** The worker's global scope, as far as it is used here. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
let engine: Promise<Engine> | undefined;
/** The jobs answered so far (`answer` reports its own failures, so the chain never rejects). */
let jobs: Promise<void> = Promise.resolve();

/**
 * One job's reply: the batch as IPC, or the finished Parquet file, or why it failed (a
 * generation error keeps its place).
 */
async function answer(request: Exclude<WorkerRequest, { kind: "init" }>): Promise<void> {
  try {
    if (request.kind === "part") {
      const part = await encodePart((await engine!).table(request.job.table), request.job);
      // A buffer of the file alone can be handed over; a view into a larger one is copied.
      const whole = part.bytes.byteOffset === 0 &&
        part.bytes.byteLength === part.bytes.buffer.byteLength;
      if (!whole) part.bytes = part.bytes.slice();
      scope.postMessage({ kind: "part", id: request.id, part }, [
        part.bytes.buffer as ArrayBuffer,
      ]);
      return;
    }
    if (request.kind === "records") {
      const records = makeRecords((await engine!).table(request.job.table), request.job);
      scope.postMessage({ kind: "records", id: request.id, records }, recordBuffers(records));
      return;
    }
    const generator = (await engine!).table(request.table);
    const batch = generator.batch(request.firstRowId, request.count, request.epoch);
    const ipc = arrow.tableToIPC(new arrow.Table([batch]), "stream");
    scope.postMessage({ kind: "batch", id: request.id, ipc }, [ipc.buffer as ArrayBuffer]);
  } catch (error) {
    const failure = error instanceof GenerationError
      ? {
        table: error.table,
        column: error.column,
        rowId: error.rowId,
        reason: error.reason,
        code: error.code,
      }
      : undefined;
    scope.postMessage({
      kind: "error",
      id: request.id,
      message: error instanceof Error ? error.message : String(error),
      ...(failure ? { generation: failure } : {}),
    });
  }
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request.kind === "init") {
    engine = engineFromRecipe(request.recipe);
    engine.then(
      () => scope.postMessage({ kind: "ready" }),
      (error) => scope.postMessage({ kind: "error", id: -1, message: String(error?.message) }),
    );
    return;
  }
  // One job at a time, in the order sent: a file's encoding awaits, and two interleaved would
  // each hold their rows for longer and both finish late.
  jobs = jobs.then(() => answer(request));
};
