/**
 * Updates and deletes of a PostgreSQL table's rows by primary key, inside the sink's open
 * transaction (so they commit with the tick's rows and commit point, or not at all). A change
 * batch costs a handful of round trips whatever its size: its rows are copied into a temporary
 * table with `COPY`, then one `UPDATE ... FROM` and one `DELETE ... USING` apply them, each
 * key's last change only (a row may change in several ticks of one batch; its last change
 * holds its final state, a delete being final).
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { columnsBatch } from "../../../lib/arrow/batch.ts";
import type { ChangeBatch, SinkTable } from "../../../lib/plugin/types.ts";
import { copyInto } from "./copy_encode.ts";
import { type Connection, rows } from "./connection.ts";
import { columnDefinition, quoteIdent } from "./types.ts";

/** The staging table's column of each change's op (`u`, `d`). */
const OP = "_tablestream_op";
/** The staging table's column of each change's place in its batch. */
const SEQ = "_tablestream_seq";

/**
 * The changes as one batch for the staging table: the rows after each change (a delete's
 * row of nulls but its key, taken from the row before), the op and the place of each.
 */
export function stagedChanges(table: SinkTable, changes: ChangeBatch): arrow.RecordBatch {
  const key = table.schema.fields.findIndex((f) => f.name === table.primaryKey);
  const children = changes.after.data.children.map((child, i) =>
    i === key ? changes.before.data.children[i] : child
  );
  const n = changes.ops.length;
  const op = arrow.vectorFromArray(changes.ops as string[], new arrow.Utf8()).data[0];
  const seq = arrow.makeData({
    type: new arrow.Int32(),
    length: n,
    data: Int32Array.from({ length: n }, (_, i) => i),
  });
  const fields = [
    ...table.schema.fields,
    new arrow.Field(OP, new arrow.Utf8(), false),
    new arrow.Field(SEQ, new arrow.Int32(), false),
  ];
  return columnsBatch(new arrow.Schema(fields), [...children, op, seq], n);
}

/**
 * Applies a change batch to `target` in the open transaction, through the temporary table
 * `stage` (dropped again). Every change must find its row: a missing one means the table is
 * not what the changes were made against, and the transaction fails (nothing commits).
 */
export async function applyChanges(
  db: Connection,
  options: { target: string; stage: string; table: SinkTable; changes: ChangeBatch },
): Promise<void> {
  const { target, stage, table, changes } = options;
  const batch = stagedChanges(table, changes);
  // Every column nullable: a delete's row after is nulls, whatever the table's columns allow.
  const definitions = batch.schema.fields
    .map((f) => columnDefinition(f.name === OP || f.name === SEQ ? f : f.clone({ nullable: true })))
    .join(", ");
  await db.query(`CREATE TEMPORARY TABLE ${stage} (${definitions}) ON COMMIT DROP`);
  await copyInto(db, `pg_temp.${stage}`, batch.schema, [batch]);
  const key = quoteIdent(table.primaryKey!);
  // Each key's last change in the batch: its final state.
  const last = `(SELECT DISTINCT ON (${key}) * FROM pg_temp.${stage}
      ORDER BY ${key}, ${SEQ} DESC)`;
  const [[updates, deletes]] = await rows(
    db,
    `SELECT count(*) FILTER (WHERE ${OP} = 'u'), count(*) FILTER (WHERE ${OP} = 'd')
       FROM ${last} AS l`,
  );
  const set = table.schema.fields
    .filter((f) => f.name !== table.primaryKey)
    .map((f) => `${quoteIdent(f.name)} = l.${quoteIdent(f.name)}`);
  const updated = set.length === 0 ? Number(updates) : (await db.query(
    `UPDATE ${target} AS t SET ${set.join(", ")}
       FROM ${last} AS l WHERE l.${OP} = 'u' AND t.${key} = l.${key}`,
  )).rowCount;
  const deleted = (await db.query(
    `DELETE FROM ${target} AS t USING ${last} AS l WHERE l.${OP} = 'd' AND t.${key} = l.${key}`,
  )).rowCount;
  await db.query(`DROP TABLE pg_temp.${stage}`);
  if (updated !== Number(updates) || deleted !== Number(deletes)) {
    throw new Error(
      `${Number(updates) - (updated ?? 0)} updated and ${Number(deletes) - (deleted ?? 0)} ` +
        `deleted rows of ${changes.ops.length} changes (ticks ${changes.ticks[0]}..` +
        `${changes.ticks.at(-1)}) are not in the table: it is not the table the changes were ` +
        "made against (rows removed or changed by someone else?)",
    );
  }
}
