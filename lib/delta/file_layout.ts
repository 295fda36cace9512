/**
 * How a Delta writer's rows become a table's data files ({@link FileLayout}): under physical
 * names with field ids for a column-mapped table, in the table's own types (a UTC timestamp
 * as a `timestamp_ntz` column's wall-clock time); and the checks that keep files made for one
 * layout out of a table of another ({@link WriterLayouts}).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Metadata, Protocol } from "./actions.ts";
import {
  fileSchema,
  MAPPING_MODE,
  type MappingMode,
  mappingMode,
  physicalName,
  toFileTable,
} from "./column_mapping.ts";
import { type DeltaField, parseDeltaSchema } from "./schema.ts";
import { ConcurrentModificationError } from "./commit.ts";
import { WriteRefused } from "./write_checks.ts";

/**
 * How a writer's data becomes a table's data files: the file schema for the writer's columns
 * (by logical name, in the writer's order) and partition values by physical name. Undefined
 * when the files are the data as it is (no column mapping, the same types).
 */
export class FileLayout {
  readonly #schemaString: string;
  readonly #mode: MappingMode;
  readonly #table: string;
  readonly #fields: Map<string, { index: number; field: DeltaField }>;
  readonly #schemas = new Map<string, arrow.Schema>();
  #all?: arrow.Schema;

  private constructor(schemaString: string, mode: MappingMode, table: string) {
    this.#schemaString = schemaString;
    this.#mode = mode;
    this.#table = table;
    this.#fields = new Map(
      parseDeltaSchema(schemaString).map((field, index) => [field.name, { index, field }]),
    );
  }

  /**
   * The layout of files of `schemaString` (a table's, with mode `mode`) for data of
   * `schema`, or undefined when the data can be written as it is.
   */
  static of(
    schemaString: string,
    mode: MappingMode,
    schema: arrow.Schema,
    table: string,
  ): FileLayout | undefined {
    const layout = new FileLayout(schemaString, mode, table);
    if (mode !== "none") return layout;
    const file = layout.schemaFor(schema.fields.map((f) => f.name));
    const same = file.fields.every((f, i) =>
      f.name === schema.fields[i].name && arrow.util.compareTypes(f.type, schema.fields[i].type)
    );
    return same ? undefined : layout;
  }

  /** The file schema of the columns `names` (logical), in that order. */
  schemaFor(names: readonly string[]): arrow.Schema {
    const key = names.join("\u0000");
    let schema = this.#schemas.get(key);
    if (!schema) {
      this.#all ??= fileSchema(this.#schemaString, this.#mode, this.#table);
      schema = new arrow.Schema(names.map((name) => {
        const found = this.#fields.get(name);
        if (!found) throw new Error(`Delta table "${this.#table}" has no column "${name}"`);
        return this.#all!.fields[found.index];
      }));
      this.#schemas.set(key, schema);
    }
    return schema;
  }

  /** `table` (of logical columns) as the rows of a data file. */
  toFile(table: arrow.Table): arrow.Table {
    return toFileTable(table, this.schemaFor(table.schema.fields.map((f) => f.name)));
  }

  /** The physical name of the column `logical` (partition folders, as Spark names them). */
  physicalName(logical: string): string {
    const found = this.#fields.get(logical);
    return found ? physicalName(found.field, this.#mode, this.#table) : logical;
  }

  /** Partition values (by logical column) by physical name, as `add.partitionValues` holds. */
  partitionValues(values: Record<string, string | null>): Record<string, string | null> {
    if (this.#mode === "none") return values;
    return Object.fromEntries(
      Object.entries(values).map(([name, value]) => [this.physicalName(name), value]),
    );
  }
}

/**
 * What data files written for a table of `metadata` depend on: its mapping mode, and with
 * column mapping its schema (physical names and ids). Files made for one key are wrong for a
 * table with another.
 */
export function layoutKey(metadata: Metadata): string {
  const mode = metadata.configuration?.[MAPPING_MODE] ?? "none";
  return mode === "none" ? "none" : `${mode}:${metadata.schemaString}`;
}

/**
 * A writer's file layouts: one per table metadata it writes for (made once per metadata
 * object), and the metadata its last data files were made for, so that a commit refuses
 * files made for another layout.
 */
export class WriterLayouts {
  readonly #schema: arrow.Schema;
  readonly #table: string;
  readonly #differs: (metadata: Metadata) => boolean;
  #last?: { metadata: Metadata; layout: FileLayout | undefined };
  #filesFor?: Metadata;

  /**
   * `schema` is the writer's; `differs` tells a table whose columns are not the writer's
   * (an overwrite with a new schema writes the writer's own files).
   */
  constructor(schema: arrow.Schema, table: string, differs: (metadata: Metadata) => boolean) {
    this.#schema = schema;
    this.#table = table;
    this.#differs = differs;
  }

  /** The layout of files for the table of `protocol` and `metadata`; undefined: as they are. */
  of(protocol: Protocol, metadata: Metadata): FileLayout | undefined {
    if (this.#last?.metadata !== metadata) {
      const layout = this.#differs(metadata) ? undefined : FileLayout.of(
        metadata.schemaString,
        mappingMode(protocol, metadata),
        this.#schema,
        this.#table,
      );
      this.#last = { metadata, layout };
    }
    return this.#last.layout;
  }

  /** `table` as the rows of a data file of the table of `protocol` and `metadata`. */
  toFile(table: arrow.Table, protocol: Protocol, metadata: Metadata): arrow.Table {
    this.#filesFor = metadata;
    return this.of(protocol, metadata)?.toFile(table) ?? table;
  }

  /**
   * Refuses a commit on `current` (the table's metadata as the commit finds it) of data files
   * made for another layout (another writer created or changed the column-mapped table
   * meanwhile), or with change data files on a column-mapped table (not written yet).
   */
  checkCommit(current: Metadata, version: number, adds: number, changeFiles: number): void {
    const filesFor = this.#filesFor;
    if (
      adds > 0 && filesFor && current !== filesFor && layoutKey(current) !== layoutKey(filesFor)
    ) {
      throw new ConcurrentModificationError(
        this.#table,
        version,
        "changed the table's column mapping after this commit's files were written for it",
        false,
      );
    }
    if (changeFiles > 0 && layoutKey(current) !== "none") {
      throw new WriteRefused(
        `Delta table "${this.#table}" uses column mapping: tablestream does not write its ` +
          "change data files yet; remove `changes:` from the table",
      );
    }
  }
}
