/**
 * Rows read back from PostgreSQL: each column selected as text and parsed exactly into an
 * Arrow column of its stored type.
 *
 * @module
 */
import { quoteIdent } from "./types.ts";
import { TextColumn } from "../_text_column.ts";
import { type Connection, rows } from "./connection.ts";
import * as arrow from "apache-arrow";

// ---------------------------------------------------------------------------------------
// Reading: each column selected as text in a form that converts exactly.

/**
 * The SQL that selects a column as text that {@link TextColumn} converts exactly: dates as
 * days and timestamps as microseconds since the epoch, bytea as hex, the rest as PostgreSQL
 * prints it.
 */
export function selectExpression(name: string, type: arrow.DataType): string {
  const column = quoteIdent(name);
  switch (type.typeId) {
    case arrow.Type.Date:
      return `(${column} - DATE '1970-01-01')::text`;
    case arrow.Type.Timestamp:
      return `(EXTRACT(EPOCH FROM ${column}) * 1000000)::bigint::text`;
    case arrow.Type.Binary:
      return `encode(${column}, 'hex')`;
    default:
      return `${column}::text`;
  }
}

/** Reads every row of `target`'s `fields` through a cursor, as Arrow record batches. */
export async function readRows(
  db: Connection,
  target: string,
  fields: arrow.Field[],
): Promise<arrow.Table> {
  const schema = new arrow.Schema(fields);
  const select = fields.map((f) => selectExpression(f.name, f.type)).join(", ");
  await db.query(`DECLARE tablestream_read NO SCROLL CURSOR FOR SELECT ${select} FROM ${target}`);
  const batches: arrow.RecordBatch[] = [];
  for (;;) {
    const chunk = await rows(db, `FETCH ${FETCH_ROWS} FROM tablestream_read`);
    if (chunk.length === 0) break;
    const columns = fields.map((f) => new TextColumn(f.name, f.type, chunk.length));
    for (const row of chunk) for (let c = 0; c < columns.length; c++) columns[c].push(row[c]);
    const children = columns.map((column) => column.finish());
    const data = arrow.makeData({
      type: new arrow.Struct(fields),
      length: chunk.length,
      nullCount: 0,
      children,
    });
    batches.push(new arrow.RecordBatch(schema, data));
    if (chunk.length < FETCH_ROWS) break;
  }
  await db.query("CLOSE tablestream_read");
  return new arrow.Table(schema, batches);
}

/** Rows fetched from a cursor at a time when reading. */
export const FETCH_ROWS = 10_000;
