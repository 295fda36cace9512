/**
 * Column mapping (PROTOCOL.md, "Column Mapping"): a table whose columns have a logical name
 * (what users see and rename) and a physical name and id (what data files, partition values
 * and stats use). Mode `name` finds a column in a file by its physical name, mode `id` by its
 * Parquet field id; both hold for nested fields too (struct fields, and the fields of structs
 * inside arrays and maps).
 *
 * Reading: {@link ColumnMapping} resolves each of the table's columns to its file column and
 * turns the file's nested data (physical field names) into the table's logical types.
 * Writing: {@link fileSchema} is the Arrow schema data files are written with: physical names,
 * each field's id as the Arrow metadata `PARQUET:field_id` (which arrow-rs, under
 * parquet-wasm, writes as the Parquet field id), and the table's own types (a `timestamp_ntz`
 * column stays one); {@link toFileData} relabels data to it without copying (file_layout.ts
 * applies both for the writer). New tables get physical names and ids from
 * {@link assignColumnMapping}.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { Metadata, Protocol } from "./actions.ts";
import { columnMappingMode } from "./features.ts";
import { type DeltaField, deltaToArrowSchema, type DeltaType, parseDeltaSchema } from "./schema.ts";

/** A table's column mapping mode. */
export type MappingMode = "none" | "name" | "id";

/** The field metadata key holding a column's physical name. */
export const PHYSICAL_NAME = "delta.columnMapping.physicalName";
/** The field metadata key holding a column's id. */
export const COLUMN_ID = "delta.columnMapping.id";
/** The table property holding the largest column id assigned so far. */
export const MAX_COLUMN_ID = "delta.columnMapping.maxColumnId";
/** The table property naming the mode. */
export const MAPPING_MODE = "delta.columnMapping.mode";
/** The Arrow field metadata key arrow-rs reads and writes Parquet field ids as. */
export const PARQUET_FIELD_ID = "PARQUET:field_id";

/** The mode of a table: `none` unless its protocol has column mapping and a mode is set. */
export function mappingMode(protocol: Protocol, metadata: Metadata): MappingMode {
  const mode = columnMappingMode(protocol, metadata);
  return mode === "name" || mode === "id" ? mode : "none";
}

/** A field's physical name (throws when a mapped table lacks it): its own name without mapping. */
export function physicalName(field: DeltaField, mode: MappingMode, table: string): string {
  if (mode === "none") return field.name;
  const name = field.metadata?.[PHYSICAL_NAME];
  if (typeof name !== "string" || name === "") {
    throw new Error(
      `Delta table "${table}" uses column mapping but its column "${field.name}" has no ` +
        `${PHYSICAL_NAME}`,
    );
  }
  return name;
}

/** A field's column mapping id, if it has one. */
function columnId(field: DeltaField): number | undefined {
  const id = field.metadata?.[COLUMN_ID];
  return typeof id === "number" && Number.isInteger(id) ? id : undefined;
}

/** The Parquet field id an Arrow field read from (or written to) a file carries. */
function fieldIdOf(field: arrow.Field): number | undefined {
  const text = field.metadata?.get(PARQUET_FIELD_ID);
  return text === undefined || !/^-?\d+$/.test(text) ? undefined : Number(text);
}

/**
 * How one table's columns are found in its data files, and turned into its logical columns.
 *
 * @example
 * ```ts
 * const mapping = new ColumnMapping(snapshot.protocol, snapshot.metadata, snapshot.table);
 * mapping.physicalName("label"); // "col-5f1c..." with column mapping, "label" without
 * ```
 */
export class ColumnMapping {
  readonly mode: MappingMode;
  readonly #table: string;
  readonly #fields: Map<string, DeltaField>;

  constructor(protocol: Protocol, metadata: Metadata, table: string) {
    this.mode = mappingMode(protocol, metadata);
    this.#table = table;
    this.#fields = new Map(parseDeltaSchema(metadata.schemaString).map((f) => [f.name, f]));
  }

  /** The physical name of the top-level column `logical` (stats and partition values). */
  physicalName(logical: string): string {
    const field = this.#fields.get(logical);
    return field ? physicalName(field, this.mode, this.#table) : logical;
  }

  /** Whether files must be looked up by field id, which needs each file's schema. */
  get byId(): boolean {
    return this.mode === "id";
  }

  /**
   * The name of the column holding `logical` in a file whose schema is `file` (mode `id`:
   * the field with the column's id, else its physical name, as Spark also writes it).
   */
  fileColumn(logical: string, file?: arrow.Schema): string {
    const field = this.#fields.get(logical);
    const name = this.physicalName(logical);
    if (!field || !this.byId || !file) return name;
    const id = columnId(field);
    return file.fields.find((f) => id !== undefined && fieldIdOf(f) === id)?.name ?? name;
  }

  /**
   * A file column's data with the table's logical type `type` (of column `logical`): nested
   * fields found by physical name or id and renamed, missing ones null. Flat columns come
   * back as they are, for the caller to cast. `file` is the column's type in the file's
   * footer schema, whose fields carry their ids (decoded batches may not).
   */
  toLogical(
    data: arrow.Data,
    logical: string,
    type: arrow.DataType,
    file?: arrow.DataType,
  ): arrow.Data {
    const field = this.#fields.get(logical);
    if (this.mode === "none" || !field || !type.children?.length) return data;
    return this.#nested(data, field.type, type, file ?? data.type);
  }

  #nested(
    data: arrow.Data,
    delta: DeltaType,
    type: arrow.DataType,
    file: arrow.DataType | undefined,
  ): arrow.Data {
    if (typeof delta === "string" || !type.children?.length) return data;
    // The file's fields, in the data's order: the footer's (with ids) when they match it.
    const fileFields: arrow.Field[] = file?.children?.length === data.type.children?.length
      ? file!.children
      : data.type.children ?? [];
    const clone = (children: arrow.Data[]) =>
      data.clone(type, undefined, undefined, undefined, undefined, children);
    if (delta.type === "struct" && arrow.DataType.isStruct(data.type)) {
      return clone(delta.fields.map((child, i) => {
        const want = type.children[i].type;
        const j = this.#fileIndex(fileFields, child);
        return j < 0
          ? nullData(want, data.length)
          : this.#nested(data.children[j], child.type, want, fileFields[j].type);
      }));
    }
    if (delta.type === "array" && data.children.length === 1) {
      const element = type.children[0].type;
      return clone([
        this.#nested(data.children[0], delta.elementType, element, fileFields[0]?.type),
      ]);
    }
    if (delta.type === "map" && data.children.length === 1) {
      const entries = data.children[0];
      const entryType = type.children[0].type;
      const fileEntries: arrow.Field[] = fileFields[0]?.type.children ?? [];
      const [key, value] = [delta.keyType, delta.valueType].map((childType, i) =>
        this.#nested(
          entries.children[i],
          childType,
          entryType.children[i].type,
          fileEntries[i]?.type,
        )
      );
      const mapped = entries.clone(entryType, undefined, undefined, undefined, undefined, [
        key,
        value,
      ]);
      return clone([mapped]);
    }
    return data;
  }

  /** Where a struct's field `child` is among a file struct's fields, or -1. */
  #fileIndex(fileFields: arrow.Field[], child: DeltaField): number {
    const id = this.byId ? columnId(child) : undefined;
    if (id !== undefined) {
      const j = fileFields.findIndex((f) => fieldIdOf(f) === id);
      if (j >= 0) return j;
    }
    const name = physicalName(child, this.mode, this.#table);
    return fileFields.findIndex((f) => f.name === name);
  }
}

/** A column of `length` nulls. */
export function nullData(type: arrow.DataType, length: number): arrow.Data {
  return arrow.vectorFromArray(new Array(length).fill(null), type).data[0];
}

/**
 * The Arrow schema a table's data files are written with: physical names, and with column
 * mapping each field's id as `PARQUET:field_id`; the types are the table's.
 *
 * @example
 * ```ts
 * fileSchema(metadata.schemaString, "id").fields[0].metadata.get("PARQUET:field_id"); // "1"
 * ```
 */
export function fileSchema(
  schemaString: string,
  mode: MappingMode,
  table = "(table)",
): arrow.Schema {
  const logical = deltaToArrowSchema(schemaString, table);
  const fields = parseDeltaSchema(schemaString);
  return new arrow.Schema(
    fields.map((f, i) => physicalField(logical.fields[i], f, mode, table)),
  );
}

function physicalField(
  field: arrow.Field,
  delta: DeltaField,
  mode: MappingMode,
  table: string,
): arrow.Field {
  const id = mode === "none" ? undefined : columnId(delta);
  const metadata = id === undefined ? null : new Map([[PARQUET_FIELD_ID, String(id)]]);
  return new arrow.Field(
    physicalName(delta, mode, table),
    physicalType(field.type, delta.type, mode, table),
    field.nullable,
    metadata,
  );
}

function physicalType(
  type: arrow.DataType,
  delta: DeltaType,
  mode: MappingMode,
  table: string,
): arrow.DataType {
  if (typeof delta === "string") return type;
  if (delta.type === "struct") {
    return new arrow.Struct(
      delta.fields.map((f, i) => physicalField(type.children[i], f, mode, table)),
    );
  }
  if (delta.type === "array") {
    const element = type.children[0];
    return new arrow.List(
      element.clone({ type: physicalType(element.type, delta.elementType, mode, table) }),
    );
  }
  const entries = type.children[0];
  const [key, value] = entries.type.children as arrow.Field[];
  return new arrow.Map_(
    entries.clone({
      type: new arrow.Struct<{ key: arrow.DataType; value: arrow.DataType }>([
        key.clone({ type: physicalType(key.type, delta.keyType, mode, table) }),
        value.clone({ type: physicalType(value.type, delta.valueType, mode, table) }),
      ]),
    }),
    (type as arrow.Map_).keysSorted,
  );
}

/**
 * `data` (of the writer's logical schema) labelled with the file schema's `type`: the same
 * buffers under physical names, and a UTC timestamp as the table's `timestamp_ntz` (its
 * microseconds since the epoch are the UTC wall-clock time, as Spark's
 * `CAST(ts AS TIMESTAMP_NTZ)` gives in a UTC session).
 */
export function toFileData(data: arrow.Data, type: arrow.DataType): arrow.Data {
  if (!type.children?.length) return data.type === type ? data : data.clone(type);
  const children = type.children.map((child: arrow.Field, i: number) =>
    toFileData(data.children[i], child.type)
  );
  return data.clone(type, undefined, undefined, undefined, undefined, children);
}

/** A batch of the writer's logical schema as a batch of `schema` (see {@link toFileData}). */
export function toFileBatch(batch: arrow.RecordBatch, schema: arrow.Schema): arrow.RecordBatch {
  const struct = toFileData(batch.data, new arrow.Struct(schema.fields));
  return new arrow.RecordBatch(schema, struct as arrow.Data<arrow.Struct>);
}

/** A table as a table of `schema` (see {@link toFileData}). */
export function toFileTable(table: arrow.Table, schema: arrow.Schema): arrow.Table {
  if (table.batches.length === 0) return new arrow.Table(schema);
  return new arrow.Table(schema, table.batches.map((b) => toFileBatch(b, schema)));
}

/**
 * A new table's schemaString with column mapping: every field, nested ones included, gets the
 * physical name `col-<uuid>` and the next id from 1 (PROTOCOL.md, "Writer Requirements for
 * Column Mapping"); and the `delta.columnMapping.maxColumnId` to record.
 *
 * @example
 * ```ts
 * const { schemaString, maxColumnId } = assignColumnMapping(arrowToDeltaSchema(schema));
 * ```
 */
export function assignColumnMapping(
  schemaString: string,
): { schemaString: string; maxColumnId: number } {
  let next = 0;
  const assignType = (type: DeltaType): DeltaType => {
    if (typeof type === "string") return type;
    if (type.type === "struct") return { ...type, fields: type.fields.map(assignField) };
    if (type.type === "array") return { ...type, elementType: assignType(type.elementType) };
    return { ...type, keyType: assignType(type.keyType), valueType: assignType(type.valueType) };
  };
  const assignField = (field: DeltaField): DeltaField => {
    const metadata = {
      ...field.metadata,
      [COLUMN_ID]: ++next,
      [PHYSICAL_NAME]: `col-${crypto.randomUUID()}`,
    };
    return { ...field, type: assignType(field.type), metadata };
  };
  const fields = parseDeltaSchema(schemaString).map(assignField);
  return { schemaString: JSON.stringify({ type: "struct", fields }), maxColumnId: next };
}

/**
 * The schemaString a new table of `schemaString` is created with, and the properties column
 * mapping adds: with `delta.columnMapping.mode` name or id among `properties`, physical names
 * and ids ({@link assignColumnMapping}) and `delta.columnMapping.maxColumnId`; else as it is.
 */
export function createdSchema(
  schemaString: string,
  properties: Record<string, string>,
): { schemaString: string; properties: Record<string, string> } {
  const mode = properties[MAPPING_MODE];
  if (mode !== "name" && mode !== "id") return { schemaString, properties: {} };
  const mapped = assignColumnMapping(schemaString);
  return {
    schemaString: mapped.schemaString,
    properties: { [MAX_COLUMN_ID]: String(mapped.maxColumnId) },
  };
}
