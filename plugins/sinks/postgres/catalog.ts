/**
 * What a schema already holds: a table's stored columns, and how they differ from the columns a
 * config makes.
 *
 * @module
 */
import { pgType, type StoredColumn, storedTypeText } from "./types.ts";
import { type Connection, rows } from "./connection.ts";
import type * as arrow from "apache-arrow";

/** The columns of a table in order, or none when it does not exist. */
export async function storedColumns(
  db: Connection,
  schema: string,
  table: string,
): Promise<StoredColumn[]> {
  const found = await rows(
    db,
    `SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable,
            col_description(format('%I.%I', table_schema, table_name)::regclass, ordinal_position)
       FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2
      ORDER BY ordinal_position`,
    [schema, table],
  );
  return found.map(([name, dataType, precision, scale, nullable, comment]) => ({
    name: name!,
    dataType: dataType!,
    precision: precision === null ? null : Number(precision),
    scale: scale === null ? null : Number(scale),
    nullable: nullable === "YES",
    comment,
  }));
}

/** How the stored columns differ from the schema of the rows, or undefined. */
export function columnDifference(stored: StoredColumn[], schema: arrow.Schema): string | undefined {
  for (const field of schema.fields) {
    const column = stored.find((c) => c.name === field.name);
    if (!column) return `it has no column "${field.name}"`;
    const want = pgType(field);
    const have = storedTypeText(column);
    if (want !== have) {
      return `its column "${field.name}" is ${have}, the rows have ${want} (Arrow ${field.type})`;
    }
  }
  const extra = stored.find((c) => !schema.fields.some((f) => f.name === c.name));
  return extra && `it has column "${extra.name}", which the rows do not have`;
}
