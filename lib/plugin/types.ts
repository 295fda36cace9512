/**
 * Plugin interfaces: the sink (distributions and column functions join with plugins).
 *
 * @module
 */
import type * as arrow from "apache-arrow";

/** What a sink learns about a table before its first batch. */
export interface SinkTable {
  /** Table name, a safe directory name. */
  name: string;
  /** The Arrow schema every batch of this table has. */
  schema: arrow.Schema;
  /** Primary-key column, when the config names one. */
  primaryKey?: string;
  /** `partition_by` columns, for sinks that partition (Delta); others ignore them. */
  partitionBy?: string[];
  /**
   * The application id this table's commit points are recorded under (the streaming
   * server's id for the table's config); sinks that record progress use it.
   */
  appId?: string;
}

/**
 * A commit point of the streaming server: the tick a flush completes, recorded atomically
 * with the rows (Delta: a `txn` action), so a restart knows exactly what is committed.
 */
export interface CommitPoint {
  /** The tick (or batch) number this flush completes; increases from one flush to the next. */
  tick: number;
  /** Replace every row of the table with what this flush writes (`update_policy: replace`). */
  replace?: boolean;
  /** Properties to record with the table in the same commit (e.g. the stream state). */
  properties?: Record<string, string>;
}

/** What a flush committed, for status and metrics; sinks fill in what they know. */
export interface FlushResult {
  /** The table's version after the flush (of the last table flushed). */
  version?: number;
  /** Bytes of data written by the flush. */
  bytes?: number;
}

/** What a sink reads back about a table it (or anyone) wrote, for resuming. */
export interface StoredTable {
  /** The table's version (Delta) or commit count. */
  version: number;
  /** Properties recorded with the table. */
  properties: Record<string, string>;
  /** The last commit point's tick per application id. */
  commits: ReadonlyMap<string, number>;
  /** Rows the table has now, when known without reading them. */
  rows?: number;
  /** The stored columns and their types. */
  schema: arrow.Schema;
}

/** Options of {@link Sink.read}. */
export interface SinkReadOptions {
  /** Read the table as it was at this version (time travel); the latest by default. */
  version?: number;
}

/** Options of {@link Sink.open}. */
export interface SinkOpenOptions {
  /**
   * What to do with a destination that already has rows: refuse it (`error`), replace them
   * (`overwrite`), or add to them (`append`, only for sinks that can do it safely).
   */
  mode: "error" | "overwrite" | "append";
  signal?: AbortSignal;
}

/**
 * A destination for batches. The engine calls `open`, then `write` any number of times,
 * `flush` at commit points, and `close` once, never concurrently. Nothing is visible as
 * finished output before `flush`/`close` succeed; a failure leaves what existed intact.
 */
export interface Sink {
  /** Checks the destination and prepares every table (refuses non-empty ones unless overwrite). */
  open(tables: readonly SinkTable[], options: SinkOpenOptions): Promise<void>;
  /** Accepts one batch of a table; it may be buffered until `flush`. */
  write(table: string, batch: arrow.RecordBatch): Promise<void>;
  /**
   * Makes everything written so far durable and visible. With a commit point, every table of
   * the sink gets one commit recording it, even a commit without rows.
   */
  flush(point?: CommitPoint): Promise<FlushResult | void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
  /**
   * Gives up after a failure: drops whatever was staged and not yet flushed, leaving the
   * destination as it was. Optional; the engine calls it instead of `close` on error.
   */
  abort?(): Promise<void>;
  /**
   * What the destination holds for a table, or null when the table does not exist. Callable
   * before `open`. Sinks that implement it (and `flush` commit points) can be resumed.
   */
  inspect?(table: string): Promise<StoredTable | null>;
  /** Reads chosen columns of a stored table, for children of tables written by others. */
  read?(table: string, columns: string[], options?: SinkReadOptions): Promise<arrow.Table>;
}
