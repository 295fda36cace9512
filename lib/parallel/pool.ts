/**
 * Where record batches come from: this thread's engine, or a pool of generation workers
 * (Web Workers, one engine each, rebuilt from a recipe). Either way a range of rows is cut
 * into pieces that are generated (in parallel with workers) and handed out in row order, so
 * one writer commits them exactly as if this thread had generated them: every cell is a
 * pure function of its row, whichever isolate computes it.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Engine } from "../engine/engine.ts";
import { recordBatchOn } from "../arrow/batch.ts";
import { GenerationError } from "../engine/generation_error.ts";
import type { EncodedRecords, ParquetPart, ParquetPartSpec, RecordSpec } from "../plugin/types.ts";
import type { EngineRecipe } from "./recipe.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";
import { encodePart, MIN_PART_ROWS, type PartJob } from "./parts.ts";
import { makeRecords, type RecordJob } from "./records.ts";

/** A producer of record batches of a table's rows. */
export interface BatchSource {
  /** How many batches it computes at the same time (1: in this thread). */
  readonly parallelism: number;
  /** How many pieces a consumer keeps requested ahead of the one it waits for. */
  readonly ahead: number;
  /** Rows `firstRowId .. firstRowId + count - 1` of `table` in `epoch`. */
  batch(
    table: string,
    firstRowId: number,
    count: number,
    epoch: number,
  ): Promise<arrow.RecordBatch>;
  /**
   * The job's rows as a finished Parquet file (optional): made where they are generated, so
   * a pool's workers encode and the consumer only stores the file.
   */
  part?(job: PartJob): Promise<ParquetPart>;
  /**
   * The job's rows as keyed records (optional): made where they are generated, so a pool's
   * workers encode and the consumer only sends them.
   */
  records?(job: RecordJob): Promise<EncodedRecords>;
  /** Stops its workers, if any. */
  close(): void;
}

/** Batches generated in this thread by `engine`. */
export function localSource(engine: Engine): BatchSource {
  return {
    parallelism: 1,
    ahead: 1,
    batch: (table, firstRowId, count, epoch) =>
      Promise.resolve(engine.table(table).batch(firstRowId, count, epoch)),
    part: (job) => encodePart(engine.table(job.table), job),
    records: (job) => Promise.resolve(makeRecords(engine.table(job.table), job)),
    close() {},
  };
}

/** The number of workers `--workers` defaults to: one per CPU. */
export function defaultWorkers(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * How long a pool's workers may take to be ready (ms): they take 0.15-1 s on a 2-core machine,
 * many times that when it is loaded.
 */
export const WORKER_START_TIMEOUT_MS = 60_000;

/** Fewest rows worth a job of their own: below it, messaging costs more than it saves. */
export const MIN_PIECE_ROWS = 1_000;

/** What a job answers: a batch, a Parquet file or records. */
type JobResult = arrow.RecordBatch | ParquetPart | EncodedRecords;

interface Pending {
  /** Called with a `batch` job's batch, a `part` job's file, or a `records` job's records. */
  resolve(result: JobResult): void;
  reject(error: unknown): void;
  schema: arrow.Schema;
}

/** Generation workers sharing the jobs of every table of a run. */
export class WorkerPool implements BatchSource {
  readonly parallelism: number;
  /** Three pieces per worker: one being made, one queued, one being sent back. */
  readonly ahead: number;
  readonly #workers: Worker[];
  readonly #load: number[];
  readonly #pending = new Map<number, Pending>();
  readonly #engine: Engine;
  #nextId = 0;
  #failure?: Error;

  private constructor(workers: Worker[], engine: Engine) {
    this.#workers = workers;
    this.#load = workers.map(() => 0);
    this.parallelism = workers.length;
    this.ahead = 3 * workers.length;
    this.#engine = engine;
    workers.forEach((worker, i) => {
      worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#reply(i, event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        this.#fail(new Error(`A generation worker failed: ${event.message}`));
      };
    });
  }

  /**
   * Starts `count` workers, each rebuilding the engine `recipe` describes; resolves when
   * all are ready. `engine` is this thread's copy: its schemas label the batches. Workers not
   * ready within `startTimeoutMs` are stopped and the start fails, naming how many were:
   * a worker stuck in a plugin's import, or a runtime that never answers, is an error to act
   * on, not a run that waits forever.
   */
  static async start(
    recipe: EngineRecipe,
    count: number,
    engine: Engine,
    startTimeoutMs = WORKER_START_TIMEOUT_MS,
  ): Promise<WorkerPool> {
    const workers: Worker[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const ready: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        // A literal URL: `deno compile --include lib/parallel/worker.ts` embeds it.
        const worker = new Worker(new URL("./worker.ts", import.meta.url).href, {
          type: "module",
        });
        workers.push(worker);
        ready.push(
          new Promise((resolve, reject) => {
            worker.onmessage = (event: MessageEvent<WorkerReply>) => {
              const reply = event.data;
              if (reply.kind === "ready") resolve();
              else if (reply.kind === "error") reject(new Error(reply.message));
            };
            worker.onerror = (event) => {
              event.preventDefault();
              reject(new Error(`A generation worker failed to start: ${event.message}`));
            };
          }),
        );
        worker.postMessage({ kind: "init", recipe } satisfies WorkerRequest);
      }
      let readyCount = 0;
      for (const r of ready) r.then(() => readyCount++, () => {});
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(
            new Error(
              `${count - readyCount} of ${count} generation workers were not ready after ` +
                `${startTimeoutMs / 1000} s (each loads ${recipe.configPath} and its plugins); ` +
                `a plugin file that does not finish loading in a worker would do this: run ` +
                `with --workers 1 to generate in one thread`,
            ),
          );
        }, startTimeoutMs);
      });
      await Promise.race([Promise.all(ready), late]);
      return new WorkerPool(workers, engine);
    } catch (error) {
      for (const worker of workers) worker.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  batch(
    table: string,
    firstRowId: number,
    count: number,
    epoch: number,
  ): Promise<arrow.RecordBatch> {
    return this.#send(
      table,
      (id) => ({ kind: "batch", id, table, firstRowId, count, epoch }),
    ) as Promise<arrow.RecordBatch>;
  }

  part(job: PartJob): Promise<ParquetPart> {
    return this.#send(job.table, (id) => ({ kind: "part", id, job })) as Promise<ParquetPart>;
  }

  records(job: RecordJob): Promise<EncodedRecords> {
    return this.#send(job.table, (id) => ({ kind: "records", id, job })) as Promise<
      EncodedRecords
    >;
  }

  /** Sends a job to the least loaded worker: jobs of one size take about the same time. */
  #send(
    table: string,
    request: (id: number) => WorkerRequest,
  ): Promise<JobResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    let chosen = 0;
    for (let i = 1; i < this.#load.length; i++) if (this.#load[i] < this.#load[chosen]) chosen = i;
    this.#load[chosen]++;
    const schema = this.#engine.table(table).schema();
    const done = new Promise<JobResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, schema });
    });
    this.#workers[chosen].postMessage(request(id));
    return done;
  }

  #reply(worker: number, reply: WorkerReply): void {
    if (reply.kind === "ready") return;
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    this.#load[worker]--;
    if (reply.kind === "batch") {
      const [batch] = arrow.tableFromIPC(reply.ipc).batches;
      // This thread's schema: the batch is then the one a local engine would have made.
      pending.resolve(recordBatchOn(pending.schema, batch.data));
      return;
    }
    if (reply.kind === "part") {
      pending.resolve(reply.part);
      return;
    }
    if (reply.kind === "records") {
      pending.resolve(reply.records);
      return;
    }
    const g = reply.generation;
    pending.reject(
      g
        ? new GenerationError(g.table, g.column, g.rowId, g.reason, g.code)
        : new Error(reply.message),
    );
  }

  #fail(error: Error): void {
    this.#failure = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#fail(new Error("The worker pool was closed"));
  }
}

/** What {@link orderedBatches} generates. */
export interface RowRange {
  table: string;
  firstRowId: number;
  count: number;
  epoch: number;
  /** Most rows per batch. */
  batchSize: number;
}

/**
 * The batches of a range of rows, in row order. With workers, the range is cut into at
 * least one piece per worker (when it is large enough) and several pieces are generated
 * ahead of the one being consumed.
 */
export function orderedBatches(
  source: BatchSource,
  range: RowRange,
): AsyncGenerator<arrow.RecordBatch> {
  const { table, epoch } = range;
  return orderedPieces(range, source, (first, n) => source.batch(table, first, n, epoch));
}

/**
 * The rows of a range as keyed records made by `source` (see {@link BatchSource.records}), in
 * row order, cut and generated ahead as {@link orderedBatches} cuts them.
 */
export function orderedRecords(
  source: BatchSource,
  range: RowRange,
  spec: RecordSpec,
): AsyncGenerator<EncodedRecords> {
  if (!source.records) throw new Error("This batch source cannot make records");
  const { table, epoch } = range;
  return orderedPieces(
    range,
    source,
    (firstRowId, count) => source.records!({ table, firstRowId, count, epoch, spec }),
  );
}

/** The pieces `make` makes of a range, in row order, several ahead of the one consumed. */
async function* orderedPieces<T>(
  range: RowRange,
  source: BatchSource,
  make: (firstRowId: number, count: number) => Promise<T>,
): AsyncGenerator<T> {
  const { firstRowId, count, batchSize } = range;
  if (count <= 0) return;
  const pieces = Math.max(
    Math.ceil(count / batchSize),
    Math.min(source.parallelism, Math.floor(count / MIN_PIECE_ROWS)),
  );
  const pieceRows = Math.ceil(count / pieces);
  const queue: Promise<T>[] = [];
  let next = 0;
  const submit = () => {
    const n = Math.min(pieceRows, count - next);
    const job = make(firstRowId + next, n);
    // Rejections are reported when the piece's turn comes, not as unhandled ones.
    job.catch(() => {});
    queue.push(job);
    next += n;
  };
  try {
    while (next < count || queue.length) {
      // Read each time: a source may gain workers during the range (handoff.ts).
      while (next < count && queue.length < source.ahead) submit();
      yield await queue.shift()!;
    }
  } finally {
    queue.length = 0;
  }
}

/**
 * The rows of a range as Parquet files made by `source`, in row order, several ahead of the
 * one being consumed. Files hold `spec.fileRows` rows, as a writer cutting the range itself
 * would; a range smaller than a file per worker is shared evenly among the workers instead
 * (files of at least {@link MIN_PART_ROWS} rows), as a parallel writer (Spark's tasks,
 * delta-rs) writes a file per task: the rows are the same, in more files.
 */
export async function* orderedParts(
  source: BatchSource,
  range: RowRange,
  spec: ParquetPartSpec,
): AsyncGenerator<ParquetPart> {
  const { count } = range;
  if (count <= 0) return;
  if (!source.part) throw new Error("This batch source cannot make Parquet files");
  const spread = Math.max(1, Math.min(source.parallelism, Math.floor(count / MIN_PART_ROWS)));
  const fileRows = count >= spec.fileRows * spread ? spec.fileRows : Math.ceil(count / spread);
  // One file being made per worker and one more ready: a file is large, unlike a batch.
  const ahead = source.parallelism + 1;
  const queue: Promise<ParquetPart>[] = [];
  let next = 0;
  try {
    while (next < count || queue.length) {
      while (next < count && queue.length < ahead) {
        const n = Math.min(fileRows, count - next);
        const job = source.part!({ ...range, firstRowId: range.firstRowId + next, count: n, spec });
        // Rejections are reported when the file's turn comes, not as unhandled ones.
        job.catch(() => {});
        queue.push(job);
        next += n;
      }
      yield await queue.shift()!;
    }
  } finally {
    queue.length = 0;
  }
}

/**
 * Fewest rows a run must generate before workers are started: starting one (loading the
 * config and faker in a new isolate) costs about as much as generating this many rows.
 */
export const PARALLEL_MIN_ROWS = 50_000;

/** Options of {@link openBatchSource}. */
export interface SourceOptions {
  /** Workers wanted (`--workers`); 1 generates in this thread. */
  workers: number;
  /** How workers rebuild the engine; without it, generation stays in this thread. */
  recipe?: () => EngineRecipe;
  /** Rows the run will generate, when known: small runs stay in this thread. */
  rows?: number;
  /**
   * The number of workers was not asked for but defaulted: start them only when they pay,
   * generating here meanwhile (handoff.ts). Otherwise a pool of `workers` is used as asked.
   */
  adaptive?: boolean;
  /** Called once workers were started (for the log). */
  onStart?: (workers: number) => void;
}
