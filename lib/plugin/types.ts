/**
 * Plugin interfaces: distributions, column functions and sinks, all plain objects with a
 * name, a summary, an options spec written as data, and `create(options, ctx)`.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { Faker } from "@faker-js/faker";
import type { Value } from "../expr/values.ts";
import type { OptionsSpec, OptionValues } from "./options.ts";

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
   * `cluster_by` columns: liquid clustering of a new Delta table (the Delta sink; others
   * ignore them).
   */
  clusterBy?: string[];
  /**
   * `table_properties`: properties a new table is created with (the Delta sink's table
   * properties, checked by `validate`; others ignore them). An existing table keeps its own.
   */
  properties?: Record<string, string>;
  /**
   * The application id this table's commit points are recorded under (the streaming
   * server's id for the table's config); sinks that record progress use it.
   */
  appId?: string;
  /**
   * The table gets changes of existing rows: its sink gets `writeChanges` calls (its config has
   * `changes:`). Sinks decide from it at `open`: the Delta sink creates the table with its change
   * data feed on (`delta.enableChangeDataFeed`); sinks that write change streams (Debezium
   * events) write the table's inserts as events too.
   */
  changes?: boolean;
}

/**
 * A commit point of the streaming server: the tick a flush completes, recorded atomically
 * with the rows (Delta: a `txn` action), so a restart knows exactly what is committed.
 */
export interface CommitPoint {
  /**
   * The tick (or batch) number this flush completes; increases from one flush to the next.
   * -1 records a point before any tick (with `properties`: a shard claiming a table's state).
   */
  tick: number;
  /** Replace every row of the table with what this flush writes (`update_policy: replace`). */
  replace?: boolean;
  /** Properties to record with the table in the same commit (e.g. the stream state). */
  properties?: Record<string, string>;
  /**
   * The tick the writer believes the table is at under its application id (-1: none yet).
   * A sink that records commit points checks it atomically with the commit and, when the
   * table is elsewhere (another writer committed in between), refuses the flush with a
   * `CommitConflict` holding the tick it found, committing nothing: so two writers of one
   * table never both commit a tick. Absent: no check.
   */
  after?: number;
  /**
   * Properties the table must hold for this flush to commit (null: not set, or no table yet),
   * checked atomically with the commit: when one differs, nothing is committed and the flush
   * fails with a `PropertyConflict`. Shards of `run` claim a table's stream state with it, so
   * the first shard's state wins and the others follow it. Absent: no check.
   */
  expect?: Record<string, string | null>;
  /**
   * What the flush's rows hold on purpose (`duplicates:`, `event_time:`, `bad_values:`,
   * `orphans:`), by kind: `late` and `duplicate` count rows, `bad_value` and `orphan` cells.
   * A sink that records commit metadata records them with the commit (Delta: its
   * `commitInfo.operationMetrics`), so a reader can check what a pipeline caught against
   * what was injected. Absent for tables without imperfections.
   */
  injected?: Readonly<Record<string, number>>;
}

/** What a flush committed, for status and metrics; sinks fill in what they know. */
export interface FlushResult {
  /** The table's version after the flush (of the last table flushed). */
  version?: number;
  /** Bytes of data written by the flush. */
  bytes?: number;
  /**
   * Races the flush lost to other writers of the same table before its commit landed (Delta:
   * versions another writer took first), for the commit-contention metrics of shards.
   */
  retries?: number;
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
  /**
   * Per column, a value at least as large as any the table holds, when the sink knows it
   * without reading rows (Delta: the `maxValues` of every file's stats).
   */
  maxValues?: Record<string, unknown>;
  /**
   * Why the sink will not write to this table, when it will not (a Delta table feature it
   * does not implement, named): `run` stops the table at start rather than retrying.
   */
  writeRefusal?: string;
  /** The stored columns and their types. */
  schema: arrow.Schema;
  /**
   * Stored columns the sink fills itself (a Delta table's generated and identity columns):
   * a config may leave them out.
   */
  filled?: readonly string[];
}

/** How a sink wants a table's Parquet files encoded (see {@link Sink.parquetPartSpec}). */
export interface ParquetPartSpec {
  /** Column compression. */
  compression: "snappy" | "zstd" | "none";
  /** Most rows per file. */
  fileRows: number;
  /** Statistics to compute beside the bytes: `delta` for a Delta `add.stats` JSON. */
  stats?: "delta";
}

/** A complete Parquet file of consecutive rows of a table, with what its spec asked. */
export interface ParquetPart {
  /** The whole file. */
  bytes: Uint8Array;
  /** Rows in the file. */
  rows: number;
  /** The statistics the spec asked for (a Delta `add.stats` JSON string). */
  stats?: string;
}

/**
 * How a message-broker sink wants a table's rows made into keyed records (see
 * {@link Sink.recordSpec}): each row's value (a JSON object, or Avro binary after a prefix),
 * its key (one key column's text, or a JSON object of several) and its partition (Java's
 * default partitioner: murmur2 of the key bytes).
 */
export interface RecordSpec {
  format: "json" | "avro";
  /** Key columns; empty: records without keys, which the sink spreads over its partitions. */
  key: readonly string[];
  /** Bytes before each Avro value (Confluent's magic byte and schema id), or none. */
  avroPrefix: Uint8Array;
  /** Partitions keys are hashed over. */
  partitions: number;
}

/**
 * Consecutive rows of a table as keyed records, made as a {@link RecordSpec} asked: every
 * value one after another in `values` (row i's from `valueOffsets[i]` to
 * `valueOffsets[i + 1]`), the keys likewise, and each row's partition.
 */
export interface EncodedRecords {
  rows: number;
  values: Uint8Array;
  valueOffsets: Int32Array;
  /** Without key columns, none. */
  keys?: Uint8Array;
  keyOffsets?: Int32Array;
  /** Each row's partition; none for records without keys (the sink spreads them). */
  partitions?: Int32Array;
}

/** What one change of an existing row did: `u` updated it, `d` deleted it. */
export type ChangeOp = "u" | "d";

/**
 * Changes of rows a table already holds, in the order they happened (by logical time; a row
 * changes at most once per tick, but may change in several ticks of one commit). Change i is
 * `ops[i]` at `ticks[i]` and `timesMs[i]`, on the row `before.get(i)` (whole, as it was), which
 * becomes `after.get(i)` (whole) for an update; for a delete `after`'s row i is all nulls. The
 * row is found by the table's primary key ({@link SinkTable.primaryKey}), which never changes.
 */
export interface ChangeBatch {
  ops: readonly ChangeOp[];
  /** Each change's tick. */
  ticks: readonly number[];
  /** Each change's logical time, ms since the epoch (Debezium's `ts_ms`). */
  timesMs: readonly number[];
  /** The row's version after the change: n at its n-th update; for a delete, its last. */
  versions: readonly number[];
  /** The rows before each change, in the table's schema. */
  before: arrow.RecordBatch;
  /** The rows after each update, in the table's schema (a delete's: nulls). */
  after: arrow.RecordBatch;
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
 *
 * A failure says whether it can heal by itself (a server restarting, a full disk): an
 * error with a boolean `healable` property (`SinkError`), else what `classifyError` reads
 * from its codes. The streaming server waits for a sink whose error can heal, retrying with
 * back-off, and stops the table at once on one that cannot.
 */
export interface Sink {
  /** Checks the destination and prepares every table (refuses non-empty ones unless overwrite). */
  open(tables: readonly SinkTable[], options: SinkOpenOptions): Promise<void>;
  /** Accepts one batch of a table; it may be buffered until `flush`. */
  write(table: string, batch: arrow.RecordBatch): Promise<void>;
  /**
   * Whether the sink takes a table's rows as finished Parquet files instead of batches
   * (optional): how to encode them, or undefined when the table takes batches only. Rows are
   * then encoded where they are generated (in generation workers), so the sink only stores
   * files; callers that cannot encode keep calling `write`.
   */
  parquetPartSpec?(table: string): ParquetPartSpec | undefined;
  /**
   * Stores a complete Parquet file of a table's next rows, made as `parquetPartSpec` asked:
   * what `write` of the same rows would have stored, visible at the next `flush`.
   */
  writeParquetPart?(table: string, part: ParquetPart): Promise<void>;
  /**
   * Whether the sink takes a table's rows as keyed records instead of batches (optional; a
   * message broker's): how to encode them, or undefined when the table takes batches only. As
   * with `parquetPartSpec`, rows are then encoded where they are generated (in generation
   * workers), so the sink only sends bytes; callers that cannot encode keep calling `write`.
   */
  recordSpec?(table: string): RecordSpec | undefined;
  /**
   * Takes a table's next rows as records made as `recordSpec` asked: what `write` of the same
   * rows would have sent (the same keys, values and partitions, in the same order), visible at
   * the next `flush`, exactly once as rows are.
   */
  writeRecords?(table: string, records: EncodedRecords): Promise<void>;
  /**
   * Applies updates and deletes to rows of a table already written (optional: a table with
   * `changes:` needs a sink that has it). Calls come in tick order between `write`s: the
   * changes of tick k after the rows of ticks before k (which may not be flushed yet: they
   * are in the same commit) and before the rows of tick k. Visible at the next `flush`,
   * atomically with the rows written since the last one, exactly once as rows are.
   */
  writeChanges?(table: string, changes: ChangeBatch): Promise<void>;
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
  /**
   * The last commit point's tick per application id, as `inspect` reads them, without the
   * rest (optional; cheap enough to poll): how children follow a parent written elsewhere.
   * Null when the table does not exist.
   */
  commitPoints?(table: string): Promise<ReadonlyMap<string, number> | null>;
  /** Reads chosen columns of a stored table, for children of tables written by others. */
  read?(table: string, columns: string[], options?: SinkReadOptions): Promise<arrow.Table>;
  /**
   * Like `read`, as batches while they are read (optional): start-up then keeps a compact
   * form of a large parent's keys without ever holding all of its rows. A batch is valid until
   * the next one is asked for: a sink may read every batch into the same buffers (the Delta
   * sink does), and a reader copies what it keeps.
   */
  readBatches?(
    table: string,
    columns: string[],
    options?: SinkReadOptions,
  ): Promise<{ schema: arrow.Schema; batches: AsyncIterable<arrow.RecordBatch> }>;
  /**
   * The sink's own figures for `/metrics` (optional; cheap, read at every scrape): exposed as
   * `tablestream_sink_<name>{table, sink}`. Counters count from the sink's creation.
   */
  metrics?(): readonly SinkMetric[];
}

/** One figure of {@link Sink.metrics}. */
export interface SinkMetric {
  /** snake_case, e.g. `kafka_records_total`. */
  name: string;
  help: string;
  type: "counter" | "gauge";
  value: number;
}

/** Where randomness comes from in a plugin: the cell's own seeded stream. */
export interface RandomSource {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
}

/** What a distribution is created for: one foreign key over a parent's rows. */
export interface DistributionContext {
  /** Parent rows to pick from: indexes 0..count-1, 0 the oldest. */
  count: number;
  /** A parent column's value at a row index (for distributions that weigh rows by a column). */
  parentValue(column: string, index: number): Value;
  /** The child table and column, for messages. */
  where: string;
}

/** A sampler of parent row indexes, made by a distribution plugin for a parent count. */
export interface Distribution {
  /** An index in [0, count): every random number must come from `random`. */
  sample(random: RandomSource): number;
}

/** Fields every plugin has. */
export interface PluginBase<S extends OptionsSpec> {
  /** snake_case; unique per kind. */
  name: string;
  /** One sentence for `plugins` and the docs. */
  summary: string;
  /** Options as data: checked before `create`, with defaults filled in. */
  options: S;
}

/**
 * Picks which parent row a foreign key points at: `foreign_key("t", "id",
 * distribution="<name>", <option>=...)`. `create` runs whenever the parent count changes (a
 * growing parent: once per tick), so it should be cheap; `sample` runs once per cell.
 */
export interface DistributionPlugin<S extends OptionsSpec = OptionsSpec> extends PluginBase<S> {
  kind: "distribution";
  /** Parent columns the options name (read back for parents read from storage). */
  parentColumns?(options: OptionValues<S>): string[];
  create(options: OptionValues<S>, ctx: DistributionContext): Distribution;
}

/** Static types of values in expressions. */
export const VALUE_TYPES = ["int", "float", "str", "bool", "date", "datetime", "any"] as const;

/** One of {@link VALUE_TYPES}. */
export type ValueType = typeof VALUE_TYPES[number];

/** One argument of a column function, in call order (also usable by keyword). */
export interface ParamSpec {
  name: string;
  description: string;
  /** Used when the call leaves the argument out; an argument without one is required. */
  default?: Value;
}

/** What a column function sees of its cell. */
export interface CellView {
  readonly rowId: number;
  /** The cell's random stream: same row, same numbers. */
  readonly random: RandomSource;
  /** Faker drawing from the cell's stream, in the config's locale. */
  readonly faker: Faker;
  /** The row's logical now. */
  readonly now: Date;
}

/** A column function's implementation: its arguments, then the cell. Synchronous. */
export type ColumnFunction = (args: readonly Value[], cell: CellView) => Value;

/** What a column function is created with. */
export interface ColumnFunctionContext {
  /** Folder of the config file (to resolve paths in options). */
  configDir: string;
}

/**
 * A function callable from `data:` expressions by name, e.g. `luhn_card_number(16)`. It
 * declares its return type so sinks know their schema before the first row, and takes
 * every random number from the cell it is handed.
 */
export interface ColumnFunctionPlugin<S extends OptionsSpec = OptionsSpec> extends PluginBase<S> {
  kind: "column";
  params: readonly ParamSpec[];
  returns: ValueType;
  /** Called once per config with its options; returns the per-cell implementation. */
  create(options: OptionValues<S>, ctx: ColumnFunctionContext): ColumnFunction;
}

/** How a table's rows are split into files (tablefaker's `export_file_*` options). */
export interface FileLayoutHint {
  /** Rows per file; all in one file (per flush) when absent. */
  readonly rowsPerFile?: number;
  /** Base name of the files instead of `part-NNNNN`. */
  readonly fileName?: string;
  /** How many files the table will have. */
  readonly fileCount?: number;
}

/** What a sink is created with. */
export interface SinkContext {
  /** Folder of the config file (to resolve relative paths in options). */
  configDir: string;
  /** `--output`, when given. */
  output?: string;
  /** Each table's file layout, for sinks that write files (others ignore it). */
  layouts?: Readonly<Record<string, FileLayoutHint>>;
}

/** A destination for tables: `sinks:` in the config picks one per table or a default. */
export interface SinkPlugin<S extends OptionsSpec = OptionsSpec> extends PluginBase<S> {
  kind: "sink";
  /**
   * The sink writes a text column's bytes as they are (CSV): values that are not valid UTF-8
   * (`bad_values` kind `invalid_utf8`) reach its files unchanged. Tables with such values are
   * refused by every other sink, whose formats need valid UTF-8 or would replace the bytes.
   */
  keepsTextBytes?: boolean;
  /** Makes a sink; the streaming server makes one per table, `generate` one for all. */
  create(options: OptionValues<S>, ctx: SinkContext): Sink;
}

// deno-lint-ignore no-explicit-any -- a plugin of any option spec: options are checked at run time
type AnySpec = any;
/** A distribution plugin of any options. */
export type AnyDistribution = DistributionPlugin<AnySpec>;
/** A column-function plugin of any options. */
export type AnyColumnFunction = ColumnFunctionPlugin<AnySpec>;
/** A sink plugin of any options. */
export type AnySink = SinkPlugin<AnySpec>;

/** Any plugin. */
export type Plugin = AnyDistribution | AnyColumnFunction | AnySink;

/** The three kinds. */
export type PluginKind = Plugin["kind"];
