import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { tableToIPCStream } from "./_ipc.ts";

Deno.test("an IPC stream with the schema's message copied is Arrow's stream, byte for byte", () => {
  // The first call encodes the schema's message, the later ones copy it.
  for (const rows of [10, 1, 700]) {
    const table = new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(rows, 0), sampleBatch(3, rows)]);
    assertEquals(tableToIPCStream(table), arrow.tableToIPC(table, "stream"));
  }
  const empty = new arrow.Table(SAMPLE_SCHEMA);
  assertEquals(tableToIPCStream(empty), arrow.tableToIPC(empty, "stream"));
});

Deno.test("an IPC stream of a dictionary column repeats its dictionary in every stream", () => {
  const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
  const first = new arrow.Table({ status: arrow.vectorFromArray(["a", "b", "a"], type) });
  const again = new arrow.Table(first.schema, [
    new arrow.RecordBatch(first.schema, first.batches[0].data),
  ]);
  assertEquals(tableToIPCStream(first), arrow.tableToIPC(first, "stream"));
  assertEquals(tableToIPCStream(again), arrow.tableToIPC(again, "stream"));
});
