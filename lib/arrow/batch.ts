/**
 * Record batches on a schema object that already exists. Arrow's `new RecordBatch(schema,
 * data)` never keeps the schema it is given: it rebuilds it (`Schema.assign`), a copy of
 * every field with its metadata maps merged anew, even when nothing changes. A live run
 * builds a few batches per table and commit (the engine's, the sink's, the writer's), and
 * those copies were 28% of all it allocated while idle; they also made every batch's schema
 * a stranger to its table's, so each check that a batch is on the table's schema failed and
 * took the slow path that copies again.
 *
 * @module
 */
import * as arrow from "apache-arrow";

/** What Arrow's constructor sets on a record batch (apache-arrow 21's own fields). */
interface BatchFields {
  schema: arrow.Schema;
  data: arrow.Data<arrow.Struct>;
  _metadata: Map<string, string>;
}

/**
 * A record batch of `data`'s columns on `schema` itself (`batch.schema === schema`), as
 * `new arrow.RecordBatch(schema, data)` makes it but without copying the schema. When a
 * column is shorter or longer than the batch, or the counts of columns and fields differ,
 * Arrow's constructor makes it, which pads such a column with nulls and makes its field
 * nullable.
 *
 * @example
 * ```ts
 * const batch = recordBatchOn(schema, data);
 * batch.schema === schema; // true
 * ```
 */
export function recordBatchOn(
  schema: arrow.Schema,
  data: arrow.Data<arrow.Struct>,
): arrow.RecordBatch {
  return columnsBatch(schema, data.children, data.length);
}

/**
 * A record batch of `columns` (one per field, each `length` long) on `schema` itself: what
 * {@link recordBatchOn} makes, for columns not yet in a struct.
 */
export function columnsBatch(
  schema: arrow.Schema,
  columns: readonly arrow.Data[],
  length = columns[0]?.length ?? 0,
): arrow.RecordBatch {
  // What Arrow's constructor stores: a struct of the schema's own fields over the columns.
  const data = arrow.makeData({
    type: new arrow.Struct(schema.fields),
    length,
    nullCount: 0,
    children: [...columns],
  });
  if (columns.length !== schema.fields.length || columns.some((c) => c.length !== length)) {
    return new arrow.RecordBatch(schema, data);
  }
  const batch = Object.create(arrow.RecordBatch.prototype) as arrow.RecordBatch & BatchFields;
  batch.schema = schema;
  batch.data = data;
  batch._metadata = new Map();
  return batch;
}
