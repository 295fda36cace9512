/**
 * Workers only when they pay: generation starts in this thread at once, and a worker pool is
 * started beside it only when the rows still to make would take this thread longer than the
 * pool takes to start (each worker loads its modules and the config anew); pieces go to the
 * pool from the moment it is ready. So the default `--workers` never loses to one thread: a
 * small run ends before a pool would have started, a large one gains from it. Workers asked
 * for (`--workers N`) start at once, and this thread generates while they start instead of
 * waiting idle.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { Engine } from "../engine/engine.ts";
import {
  type BatchSource,
  localSource,
  MIN_PIECE_ROWS,
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
  /**
   * Rows the whole run will generate (read at each decision: a `run` learns it as its tables
   * start); unknown (a backfill without an end), a run that has kept this thread busy for
   * {@link POOL_WORTH_MS} is taken to go on at least as long again.
   */
  rows?: number | (() => number | undefined);
  /** Called once workers were started (for the log). */
  onStart?: (workers: number) => void;
  /** This thread's time the remaining rows must need for a pool (default {@link POOL_WORTH_MS}). */
  worthMs?: number;
  /**
   * Start the pool at once, whatever the rows (workers asked for): this thread generates
   * while the workers load their modules and rebuild the engine, instead of waiting, but at
   * most half the rows; the rest waits for the pool.
   */
  eager?: boolean;
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

  const totalRows = () => typeof options.rows === "function" ? options.rows() : options.rows;
  const start = () => {
    starting = WorkerPool.start(options.recipe(), options.workers, engine).then((p) => {
      if (closed) return p.close();
      pool = p;
      options.onStart?.(p.parallelism);
    }, (error) => {
      startError = error;
    });
  };
  const maybeStart = () => {
    if (starting || closed || localRows === 0) return;
    const rows = totalRows();
    const remainingMs = rows === undefined ? localMs : (rows - localRows) * (localMs / localRows);
    if (remainingMs < (options.worthMs ?? POOL_WORTH_MS)) return;
    start();
  };
  if (options.eager) start();
  // Asked-for workers make at least half the rows: this thread only bridges their start-up,
  // so a run that says it used N workers did (and a small one waits for them, as it did
  // when a pool was awaited before the first row).
  const mustWait = (count: number) =>
    options.eager === true && !closed && localRows + count > (totalRows() ?? 0) / 2;

  /**
   * One piece of `count` rows: by the pool once it is ready; else, when asked-for workers must
   * make the rest, `again` once they are; else here, timed for {@link maybeStart}.
   */
  const route = <T>(
    count: number,
    again: () => Promise<T>,
    pooled: (pool: WorkerPool) => Promise<T>,
    here: () => T | Promise<T>,
    waited = false,
  ): Promise<T> => {
    if (startError) return Promise.reject(startError);
    if (pool) return pooled(pool);
    if (mustWait(count)) return starting!.then(again);
    if (starting && !waited) {
      // The workers say they are ready in messages, which this thread reads only between
      // tasks: generating piece after piece (each resolved at once) never ended the task, so
      // the pool was found ready only once this thread had made half the rows, and two
      // workers then made the other half alone (workers 1.31x). One turn of the event loop
      // before each piece made here lets the pool take over as soon as it is up.
      return nextTurn().then(() => route(count, again, pooled, here, true));
    }
    const started = performance.now();
    const made = here();
    localMs += performance.now() - started;
    localRows += count;
    maybeStart();
    return Promise.resolve(made);
  };

  const source: BatchSource = {
    // This thread until the pool is ready; the consumer reads both before each request.
    get parallelism() {
      return pool?.parallelism ?? 1;
    },
    get ahead() {
      return pool?.ahead ?? 1;
    },
    batch(table, firstRowId, count, epoch): Promise<arrow.RecordBatch> {
      return route(
        count,
        () => source.batch(table, firstRowId, count, epoch),
        (p) => p.batch(table, firstRowId, count, epoch),
        () => local.batch(table, firstRowId, count, epoch),
      );
    },
    part(job) {
      return route(job.count, () => source.part!(job), (p) => p.part(job), () => local.part!(job));
    },
    records(job) {
      return route(
        job.count,
        () => source.records!(job),
        (p) => p.records(job),
        () => local.records!(job),
      );
    },
    close() {
      closed = true;
      pool?.close();
    },
  };
  return source;
}

/**
 * A worker pool when it is worth one, else this thread's engine. With the number of rows
 * known, generation starts here and a pool joins once ready: started at once when workers
 * were asked for, and with the workers defaulted only when the rest would take longer than
 * starting it.
 */
export async function openBatchSource(
  engine: Engine,
  options: SourceOptions,
): Promise<BatchSource> {
  const small = options.rows !== undefined && options.rows < PARALLEL_MIN_ROWS;
  if (options.workers <= 1 || !options.recipe || small) return localSource(engine);
  if (options.rows !== undefined) {
    // Asked-for workers start at once; either way this thread generates until they are ready
    // (a worker takes about 0.15-0.3 s to load its modules and rebuild the engine).
    return handoffSource(engine, {
      ...options,
      recipe: options.recipe,
      rows: options.rows,
      eager: !options.adaptive,
    });
  }
  const pool = await WorkerPool.start(options.recipe(), options.workers, engine);
  options.onStart?.(pool.parallelism);
  return pool;
}

/** Resolves after one turn of the event loop (a task), so that pending messages are read. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Batch sources chosen per range of rows, the pool started at the first range worth it. */
export interface SourceChooser {
  /** The source for a range of `rows` rows. */
  forRows(rows: number): Promise<BatchSource>;
  /** A table's rows to come (undefined: no end known), which decide whether workers pay. */
  expect(rows: number | undefined): void;
  /** Stops the pool, if one was started. */
  close(): void;
}

/**
 * Chooses this thread for small ranges (a live tick's few rows) and, for ranges of at least two
 * pieces, one {@link handoffSource} shared by every table: its total is the rows the tables
 * said they will write ({@link SourceChooser.expect}); asked-for workers start at the first such
 * range, defaulted ones once that total makes them pay.
 */
export function sourceChooser(
  engine: Engine,
  options: SourceOptions & { worthMs?: number },
): SourceChooser {
  const local = localSource(engine);
  let handoff: BatchSource | undefined;
  let closed = false;
  let expected: number | undefined = 0;
  return {
    expect(rows) {
      expected = rows === undefined || expected === undefined ? undefined : expected + rows;
    },
    forRows(rows) {
      const recipe = options.recipe;
      if (options.workers <= 1 || !recipe || rows < 2 * MIN_PIECE_ROWS || closed) {
        return Promise.resolve(local);
      }
      handoff ??= handoffSource(engine, {
        ...options,
        workers: options.workers,
        recipe,
        rows: () => expected,
        eager: !options.adaptive,
      });
      return Promise.resolve(handoff);
    },
    close() {
      closed = true;
      handoff?.close();
    },
  };
}
