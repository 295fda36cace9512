/**
 * What a writer checks before it writes to a Delta table: that the table's protocol asks for
 * nothing the writer does not do, that partition columns can partition, and how the table's
 * columns differ from the data's; and the errors that say no retry helps.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Metadata, Protocol } from "./actions.ts";
import { isPartitionable } from "./partition.ts";
import { UnsupportedTableFeature } from "./snapshot.ts";
import { readerFeatures, writeRefusal, writerFeatures } from "./features.ts";
import { mappingMode } from "./column_mapping.ts";
import { filledColumns } from "./table_rules.ts";

/**
 * The writer will not write this to the table as it is (an append-only table overwritten,
 * files the log names missing): no retry helps until someone changes the table.
 */
export class WriteRefused extends Error {
  /** Read by the streaming server: it stops the table rather than retrying. */
  readonly healable = false;

  constructor(message: string) {
    super(message);
    this.name = "WriteRefused";
  }
}

/** The table's schema or partitioning differs from the data's. */
export class SchemaMismatchError extends Error {
  /** Read by the streaming server: it stops the table rather than retrying. */
  readonly healable = false;

  constructor(table: string, difference: string) {
    super(
      `Delta table "${table}" does not match the data: ${difference}. ` +
        "Overwrite the table to change its schema, or write to another folder",
    );
    this.name = "SchemaMismatchError";
  }
}

/** How the table's columns or partitioning differ from the writer's, or undefined. */
export function difference(
  metadata: Metadata,
  schemaString: string,
  partitionBy: readonly string[],
): string | undefined {
  const table = columnsOf(metadata.schemaString);
  const ours = columnsOf(schemaString);
  for (const [name, type] of ours) {
    const theirs = table.get(name);
    if (theirs === undefined) return `column "${name}" is not in the table`;
    // A UTC timestamp appends to a timestamp_ntz column as its UTC wall-clock time.
    if (theirs !== type && !(theirs === '"timestamp_ntz"' && type === '"timestamp"')) {
      return `column "${name}" is ${theirs} in the table, ${type} in the data`;
    }
  }
  // Generated and identity columns the data leaves out are filled by the writer.
  const filled = filledColumns(metadata.schemaString);
  for (const name of table.keys()) {
    if (!ours.has(name) && !filled.has(name)) {
      return `the table has column "${name}", which the data lacks`;
    }
  }
  const existing = metadata.partitionColumns ?? [];
  if (existing.join("\u0000") !== partitionBy.join("\u0000")) {
    return `the table is partitioned by [${existing.join(", ")}], the data by [${
      partitionBy.join(", ")
    }]`;
  }
  return undefined;
}

/**
 * Column name -> its Delta type as JSON text (nullability ignored), without the metadata of
 * nested fields (column mapping's physical names and ids, type changes), which data lacks.
 */
function columnsOf(schemaString: string): Map<string, string> {
  const schema = JSON.parse(schemaString) as { fields: { name: string; type: unknown }[] };
  const withoutMetadata = (key: string, value: unknown) => key === "metadata" ? undefined : value;
  return new Map(schema.fields.map((f) => [f.name, JSON.stringify(f.type, withoutMetadata)]));
}

export function checkPartitionColumns(
  table: string,
  schema: arrow.Schema,
  columns: readonly string[],
) {
  for (const name of columns) {
    const field = schema.fields.find((f) => f.name === name);
    if (!field) {
      throw new Error(`Delta table "${table}": partition column "${name}" is not a column`);
    }
    if (!isPartitionable(field.type)) {
      throw new Error(
        `Delta table "${table}": cannot partition by "${name}" of type ${field.type}`,
      );
    }
  }
  if (columns.length > 0 && columns.length === schema.fields.length) {
    throw new Error(`Delta table "${table}": at least one column must not be a partition column`);
  }
}

/**
 * Refuses a table whose protocol asks for something this writer does not do, naming the
 * table feature (the decisions are in features.ts). Nothing is written to such a table.
 */
export function checkWritable(table: string, protocol: Protocol, metadata: Metadata): void {
  const refusal = writeRefusal(protocol, metadata);
  if (refusal) {
    throw new UnsupportedTableFeature(
      table,
      `${refusal}. tablestream does not write to it; it can still read it as a parent ` +
        "when its reader features allow",
      "write to",
    );
  }
}

/**
 * `data` on `schema` (the same names and types, in the schema's order), rebuilt only when its
 * batches are on another schema object; a missing column or another type fails naming it.
 */
export function conformTo(path: string, data: arrow.Table, schema: arrow.Schema): arrow.Table {
  // The sink hands batches on this very schema (a live tick's few rows each commit): then
  // there is nothing to check or rebuild, and no garbage to make.
  if (data.schema === schema && data.batches.every((b) => b.schema === schema)) return data;
  const names = schema.fields.map((f) => f.name);
  for (const field of schema.fields) {
    const given = data.schema.fields.find((f) => f.name === field.name);
    if (!given) throw new Error(`Data for "${path}" lacks column "${field.name}"`);
    if (!arrow.util.compareTypes(given.type, field.type)) {
      throw new Error(
        `Data for "${path}": column "${field.name}" is ${given.type}, the writer's schema says ${field.type}`,
      );
    }
  }
  const selected = data.select(names);
  return new arrow.Table(
    schema,
    selected.batches.map((b) => new arrow.RecordBatch(schema, b.data)),
  );
}

/**
 * Refuses what an append-only table (writer feature appendOnly, `delta.appendOnly = true`)
 * forbids: an overwrite, and removes of rows that change data (updates and deletes).
 */
export function refuseUnlessAppend(
  table: { table: string; protocol?: Protocol; metadata?: Metadata },
  mode: "append" | "overwrite",
  removes: number,
): void {
  const { protocol, metadata } = table;
  const appendOnly = metadata?.configuration?.["delta.appendOnly"] === "true" &&
    writerFeatures(protocol!).includes("appendOnly");
  if (!appendOnly) return;
  if (mode === "overwrite") {
    throw new WriteRefused(
      `Delta table "${table.table}" is append-only (delta.appendOnly = true): it cannot be ` +
        "overwritten; write to another folder, or append (--mode append)",
    );
  }
  if (removes > 0) {
    throw new WriteRefused(
      `Delta table "${table.table}" is append-only (delta.appendOnly = true): the updates and ` +
        "deletes of its `changes:` cannot be applied; remove `changes:` from the table, or " +
        "write to a table without delta.appendOnly",
    );
  }
}

/**
 * Refuses to give an existing table another schema (`deltaSchema`) where that would change
 * more than its columns: column mapping's physical names and ids would be assigned anew, and
 * a `timestamp_ntz` column would need a feature its protocol lacks.
 */
export function checkSchemaReplaceable(
  table: string,
  protocol: Protocol,
  metadata: Metadata,
  deltaSchema: string,
): void {
  if (mappingMode(protocol, metadata) !== "none") {
    throw new WriteRefused(
      `Cannot overwrite Delta table "${table}" with another schema: it uses column ` +
        "mapping; write to another folder",
    );
  }
  const ntz = deltaSchema.includes('"timestamp_ntz"');
  if (ntz && !readerFeatures(protocol).includes("timestampNtz")) {
    // Adding the feature would change the protocol of a table others may read.
    throw new WriteRefused(
      `Cannot overwrite Delta table "${table}" with a timestamp_ntz column: its ` +
        "protocol lacks the timestampNtz feature; write to another folder",
    );
  }
}
