/**
 * Workers only when they pay: generation starts in this thread at once, and a worker pool is
 * started beside it only when the rows still to make would take this thread longer than the
 * pool takes to start (each worker loads the config and faker anew, about a second); pieces go
 * to the pool from the moment it is ready. So the default `--workers` never loses to one
 * thread: a small run ends before a pool would have started, a large one gains from it.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { Engine } from "../engine/generator.ts";
import {
  type BatchSource,
  localSource,
  PARALLEL_MIN_ROWS,
  type SourceOptions,
  WorkerPool,
} from "./pool.ts";
import type { EngineRecipe } from "./recipe.ts";

/**
 * This thread's time, in ms, that the remaining rows must need before a pool is started: a
 * pool takes about a second to start (measured on a 2-core machine: 2 workers, faker's
 * locales and the example config), and shares the machine with this thread meanwhile.
 */
export const POOL_WORTH_MS = 2_000;

/** Options of {@link handoffSource}. */
export interface HandoffOptions {
  /** Workers wanted (at least 2). */
  workers: number;
  /** How workers rebuild the engine. */
  recipe: () => EngineRecipe;
  /** Rows the whole run will generate. */
  rows: number;
  /** Called once workers were started (for the log). */
  onStart?: (workers: number) => void;
  /** This thread's time the remaining rows must need for a pool (default {@link POOL_WORTH_MS}). */
  worthMs?: number;
}

/** A source that generates here until a pool, started only when worth it, is ready. */
export function handoffSource(engine: Engine, options: HandoffOptions): BatchSource {
  const local = localSource(engine);
  let pool: WorkerPool | undefined;
  let starting: Promise<void> | undefined;
  let startError: unknown;
  let localRows = 0;
  let localMs = 0;
  let closed = false;

  const maybeStart = () => {
    if (starting || closed || localRows === 0) return;
    const remaining = options.rows - localRows;
    if (remaining * (localMs / localRows) < (options.worthMs ?? POOL_WORTH_MS)) return;
    starting = WorkerPool.start(options.recipe(), options.workers, engine).then((p) => {
      if (closed) return p.close();
      pool = p;
      options.onStart?.(p.parallelism);
    }, (error) => {
      startError = error;
    });
  };

  return {
    // This thread until the pool is ready; the consumer reads both before each request.
    get parallelism() {
      return pool?.parallelism ?? 1;
    },
    get ahead() {
      return pool?.ahead ?? 1;
    },
    batch(table, firstRowId, count, epoch): Promise<arrow.RecordBatch> {
      if (startError) return Promise.reject(startError);
      if (pool) return pool.batch(table, firstRowId, count, epoch);
      const started = performance.now();
      const batch = local.batch(table, firstRowId, count, epoch);
      localMs += performance.now() - started;
      localRows += count;
      maybeStart();
      return batch;
    },
    part(job) {
      if (startError) return Promise.reject(startError);
      if (pool) return pool.part(job);
      const started = performance.now();
      const part = local.part!(job);
      localMs += performance.now() - started;
      localRows += job.count;
      maybeStart();
      return part;
    },
    close() {
      closed = true;
      pool?.close();
    },
  };
}

/**
 * A worker pool when it is worth one, else this thread's engine. With the workers defaulted
 * and the number of rows known, generation starts here and a pool joins only when the rest
 * would take longer than starting it.
 */
export async function openBatchSource(
  engine: Engine,
  options: SourceOptions,
): Promise<BatchSource> {
  const small = options.rows !== undefined && options.rows < PARALLEL_MIN_ROWS;
  if (options.workers <= 1 || !options.recipe || small) return localSource(engine);
  if (options.adaptive && options.rows !== undefined) {
    return handoffSource(engine, { ...options, recipe: options.recipe, rows: options.rows });
  }
  const pool = await WorkerPool.start(options.recipe(), options.workers, engine);
  options.onStart?.(pool.parallelism);
  return pool;
}
