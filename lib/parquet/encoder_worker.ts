/**
 * The Parquet encoder worker (a Web Worker): encodes files whose batches another thread sends
 * as Arrow IPC streams (off_thread.ts), so that thread generates the next rows meanwhile. It
 * loads parquet-wasm and nothing of Arrow JS, and answers each batch once the encoder took it
 * (the sender's back-pressure) and each finished file with its bytes, transferred. Loaded by
 * `ParquetEncoderWorker` from a literal URL, so `deno compile` embeds it with `--include`.
 *
 * @module
 */
import { IpcParquetStream } from "./wasm_stream.ts";
import type { EncoderReply, EncoderRequest } from "./encoder_protocol.ts";

/** The worker's global scope, as far as it is used here. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<EncoderRequest>) => void) | null;
  postMessage(message: EncoderReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

/** The files being encoded, each with the chain of its requests (taken in order). */
const files = new Map<number, { stream: IpcParquetStream; done: Promise<void> }>();

function failed(id: number, error: unknown): void {
  files.get(id)?.stream.abort();
  files.delete(id);
  scope.postMessage({ kind: "error", id, message: (error as Error)?.message ?? String(error) });
}

/**
 * Runs `step` after the file's earlier requests; a failure ends the file and is reported.
 * `after` runs whatever happened (a write's bytes are no longer in flight, taken or dropped).
 */
function then(
  id: number,
  step: (stream: IpcParquetStream) => Promise<void>,
  after?: () => void,
): void {
  const file = files.get(id);
  if (!file) {
    // Failed or dropped already: its later requests mean nothing.
    after?.();
    return;
  }
  file.done = file.done
    .then(() => files.has(id) ? step(file.stream) : undefined)
    .catch((error) => failed(id, error))
    .finally(after);
}

scope.onmessage = (event) => {
  const request = event.data;
  switch (request.kind) {
    case "start":
      try {
        files.set(request.id, {
          stream: new IpcParquetStream(request.plan),
          done: Promise.resolve(),
        });
      } catch (error) {
        failed(request.id, error);
      }
      return;
    case "write":
      then(
        request.id,
        (stream) => stream.write(request.ipc),
        () => {
          const { ipc } = request;
          const buffer = ipc.buffer as ArrayBuffer;
          scope.postMessage({ kind: "taken", id: request.id, bytes: ipc.byteLength, buffer }, [
            buffer,
          ]);
        },
      );
      return;
    case "finish":
      then(request.id, async (stream) => {
        let bytes = await stream.finish();
        files.delete(request.id);
        // A buffer of the file alone can be handed over; a view into a larger one is copied.
        if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) {
          bytes = bytes.slice();
        }
        scope.postMessage({ kind: "file", id: request.id, bytes }, [bytes.buffer as ArrayBuffer]);
      });
      return;
    case "abort":
      files.get(request.id)?.stream.abort();
      files.delete(request.id);
      return;
  }
};
