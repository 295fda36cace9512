/**
 * What a `DeltaWriter` (writer.ts) is opened with, what one of its writes takes, and what it returns.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import type { Add, Cdc } from "./actions.ts";
import type { CommitOptions, CommitResult } from "./commit.ts";
import type { DeltaFs } from "./fs.ts";
import type { ParquetCompression } from "../parquet/mod.ts";

/** Options of `DeltaWriter.open`. */
export interface DeltaWriterOptions {
  /** The schema of the data; a new table gets it, an existing one must match it to append. */
  schema: arrow.Schema;
  /** The `txn` application id of this writer: stable per table and writer. */
  appId: string;
  /** Partition columns (hive-style folders), for a new table or an overwrite. */
  partitionBy?: readonly string[];
  /** Parquet compression of data files; snappy by default. */
  compression?: ParquetCompression;
  /** Most rows per data file (per partition); 1,000,000 by default. */
  targetFileRows?: number;
  /**
   * A checkpoint every this many commits, 0 for never; by default the table's
   * `delta.checkpointInterval`, else 10, stretched on a table of many files (checkpointDue).
   */
  checkpointInterval?: number;
  /**
   * Table properties of a new table (`metaData.configuration`), from a config's
   * `table_properties:`; its protocol holds the features they need (`newTableProtocol` in
   * table_properties.ts). An existing table keeps its own.
   */
  properties?: Record<string, string>;
  /**
   * Liquid clustering columns of a new table (a config's `cluster_by:`): the `clustering`
   * feature and the `delta.clustering` domain.
   */
  clusterBy?: readonly string[];
  /** `metaData.name` of a new table. */
  tableName?: string;
  /** Storage; by default the one of the path (the local disk, or S3 for `s3://`). */
  fs?: DeltaFs;
  /** Retry and clock settings of commits. */
  commitOptions?: CommitOptions;
  /**
   * Open a table whose active files are not all on disk (only to replace its rows): by
   * default such a table is refused, naming the files.
   */
  replacing?: boolean;
}

/** Options of one write. */
export interface WriteOptions {
  /** The `txn` version of this commit; the application's last version + 1 by default. */
  txnVersion?: number;
  /**
   * More `operationMetrics` of the commit's `commitInfo`, beside the writer's own (files,
   * rows, bytes): e.g. what the rows hold on purpose. Values are text, as Spark writes them.
   */
  operationMetrics?: Record<string, string>;
  /**
   * Table properties (`metaData.configuration`) to set in this commit, merged into the
   * existing ones; a metaData action is added only when one of them changes.
   */
  properties?: Record<string, string>;
  /**
   * The `txn` version of the application id this commit follows (-1: none yet). When the
   * table holds another one, another writer of that id committed in between, and the commit
   * fails with `TxnConflictError` instead of adding its rows a second time.
   */
  txnAfter?: number;
  /**
   * Table properties this commit expects (null: not set, or no table yet), checked against
   * the table it commits on top of: when one differs (another writer set it first), the
   * commit fails with `PropertyChanged` and nothing is written.
   */
  expectProperties?: Record<string, string | null>;
  /** Active files to remove (rewritten by copy-on-write); gone meanwhile: a conflict. */
  removes?: readonly Add[];
  /** Change data files of this commit (see change_feed.ts). */
  changeFiles?: readonly Cdc[];
  /** Turn the change data feed (property and writer feature) on unless the table has it. */
  changeDataFeed?: boolean;
}

/** What a commit did. */
export interface WriteResult extends CommitResult {
  /** The data files the commit added. */
  added: Add[];
  /** Set when the commit landed but writing its checkpoint failed (the table is fine). */
  checkpointError?: Error;
}
