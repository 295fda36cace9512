/**
 * What the engine needs to know about tables: a narrow view of the validated config, so
 * the engine can be driven by a config file, by tests, or by the streaming server alike.
 *
 * @module
 */
import type { CompiledExpression } from "../expr/compiled_expression.ts";
import type { ColumnType } from "../arrow/types.ts";
import type * as arrow from "apache-arrow";
import type { SinkTable } from "../plugin/types.ts";
import type { BadValuesSpec, EventTimeSpec } from "./faults.ts";

/** One column to generate. */
export interface ColumnSpec {
  name: string;
  expr: CompiledExpression;
  /** Declared storage type; inferred from the expression when absent. */
  type?: ColumnType;
  /** Fraction of rows (0..1) that are null, decided per cell from the seed. */
  nullFraction: number;
  /** `event_time:`: the value lags the row's arrival in a fraction of rows (faults.ts). */
  eventTime?: EventTimeSpec;
  /** `bad_values:`: a fraction of the values, as written, replaced by bad ones. */
  badValues?: BadValuesSpec;
  /** `orphans:`: a fraction of a foreign key's values, as written, pointing at no parent row. */
  orphans?: number;
}

/** `duplicates:` of a table: rows delivered again in a later tick (lib/stream/duplicates.ts). */
export interface DuplicatesSpec {
  /** Fraction (0..1) of rows delivered twice. */
  fraction: number;
  /** The longest time after its tick a row is delivered again, ms. */
  maxDelayMs: number;
  /** A column whose value differs in the second delivery (absent: the rows are equal). */
  change?: string;
}

/** One table to generate. */
export interface TableSpec {
  name: string;
  /** Row id of the first row. */
  startRowId: number;
  /** Rows a batch run writes. */
  rowCount: number;
  columns: ColumnSpec[];
  primaryKey?: string;
  /** Columns the output is partitioned by (`partition_by`). */
  partitionBy?: string[];
  /** Liquid clustering columns of a new Delta table (`cluster_by`). */
  clusterBy?: string[];
  /** Table properties of a new Delta table (`table_properties`). */
  properties?: Record<string, string>;
  /** Rows delivered again in later ticks of `run` (`duplicates:`). */
  duplicates?: DuplicatesSpec;
  /**
   * When each row happens (its `datetime.now()`) and when its foreign keys look at their
   * parents; absent in batch runs, where every row happens at the run's reference time.
   */
  timeline?: RowTimeline;
}

/**
 * The logical times of a table's rows, for the streaming server. An epoch numbers the
 * regenerations of a `replace` table (0 for every other table).
 */
export interface RowTimeline {
  /** Logical time (ms since the epoch) of the row: what `datetime.now()` returns in it. */
  rowTime(rowId: number, epoch: number): number;
  /** Logical time (ms) at which the row's foreign keys look at what their parents have. */
  visibleAt(rowId: number, epoch: number): number;
}

/** Inputs of a run besides the tables: together with them they decide every value. */
export interface RunInputs {
  /** The run's seed. */
  seed: number;
  /** Python-style locale name for faker, e.g. `en_US`. */
  locale: string;
  /** Logical "now" for relative dates and `datetime.now()`. */
  now: Date;
}

/**
 * What a sink is told of a table at open: its name, schema and key, and how a new table is
 * laid out (partitions, clustering, properties).
 */
export function sinkTableOf(
  spec: TableSpec,
  schema: arrow.Schema,
  extra: Pick<SinkTable, "appId" | "changes"> = {},
): SinkTable {
  return {
    name: spec.name,
    schema,
    primaryKey: spec.primaryKey,
    ...(spec.partitionBy ? { partitionBy: spec.partitionBy } : {}),
    ...(spec.clusterBy ? { clusterBy: spec.clusterBy } : {}),
    ...(spec.properties ? { properties: spec.properties } : {}),
    ...extra,
  };
}
