import { assert, assertEquals } from "../../tests/_assert.ts";
import * as arrow from "apache-arrow";
import { recordBatchOn } from "./batch.ts";

const schema = new arrow.Schema([
  new arrow.Field("id", new arrow.Int64(), true),
  new arrow.Field("name", new arrow.Utf8(), true),
]);

function columns(length = 3) {
  return [
    arrow.vectorFromArray(Array.from({ length }, (_, i) => BigInt(i)), new arrow.Int64()).data[0],
    arrow.vectorFromArray(Array.from({ length }, (_, i) => `n${i}`), new arrow.Utf8()).data[0],
  ];
}

function structOf(children: arrow.Data[], length: number): arrow.Data<arrow.Struct> {
  // Fields of another schema object, as a batch decoded from a worker's IPC has them.
  const fields = schema.fields.map((f) => new arrow.Field(f.name, f.type, true));
  return arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children });
}

Deno.test("recordBatchOn: the batch keeps the schema object and reads as Arrow's", () => {
  const data = structOf(columns(), 3);
  const ours = recordBatchOn(schema, data);
  const arrows = new arrow.RecordBatch(schema, data);
  assert(ours.schema === schema);
  assert(arrows.schema !== schema, "Arrow's constructor copies the schema (why this exists)");
  assert(ours instanceof arrow.RecordBatch);
  assertEquals(ours.numRows, 3);
  assertEquals(ours.numCols, 2);
  assertEquals(ours.metadata.size, 0);
  assertEquals(ours.toArray().map((r) => r.toJSON()), arrows.toArray().map((r) => r.toJSON()));
  assertEquals(ours.getChild("name")?.toArray(), ["n0", "n1", "n2"]);
  assertEquals([...ours.slice(1, 2)].map((r) => r.toJSON()), [{ id: 1n, name: "n1" }]);
  // The same IPC bytes, and a table on the schema takes it without a copy.
  assertEquals(
    arrow.tableToIPC(new arrow.Table(schema, [ours]), "stream"),
    arrow.tableToIPC(new arrow.Table(schema, [arrows]), "stream"),
  );
  assert(new arrow.Table(schema, [ours]).batches[0] === ours);
});

Deno.test("recordBatchOn: a column of another length is padded as Arrow pads it", () => {
  const [id] = columns(2);
  const [, name] = columns(3);
  const data = structOf([id, name], 3);
  const ours = recordBatchOn(schema, data);
  assertEquals(ours.numRows, 3);
  assertEquals(ours.getChild("id")?.toArray().length, 3);
  assertEquals(ours.getChild("id")?.get(2), null);
  assertEquals(
    ours.toArray().map((r) => r.toJSON()),
    new arrow.RecordBatch(schema, data).toArray().map((r) => r.toJSON()),
  );
});
