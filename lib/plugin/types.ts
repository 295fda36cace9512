/**
 * Plugin interfaces. [A] needs the sink; distributions and column functions join in [D].
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
  /** Makes everything written so far durable and visible. */
  flush(): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
  /**
   * Gives up after a failure: drops whatever was staged and not yet flushed, leaving the
   * destination as it was. Optional; the engine calls it instead of `close` on error.
   */
  abort?(): Promise<void>;
}
