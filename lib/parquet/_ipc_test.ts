import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { tableToIPCStream } from "./_ipc.ts";

Deno.test("an IPC stream with the schema's message copied is Arrow's stream, byte for byte", () => {
  // The first call encodes the schema's message, the later ones copy it.
  for (const rows of [10, 1, 700]) {
    const table = new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(rows, 0), sampleBatch(3, rows)]);
    assertEquals(tableToIPCStream(table).slice(), arrow.tableToIPC(table, "stream"));
  }
  const empty = new arrow.Table(SAMPLE_SCHEMA);
  assertEquals(tableToIPCStream(empty).slice(), arrow.tableToIPC(empty, "stream"));
});

Deno.test("an IPC stream of a dictionary column repeats its dictionary in every stream", () => {
  const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
  const first = new arrow.Table({ status: arrow.vectorFromArray(["a", "b", "a"], type) });
  const again = new arrow.Table(first.schema, [
    new arrow.RecordBatch(first.schema, first.batches[0].data),
  ]);
  assertEquals(tableToIPCStream(first).slice(), arrow.tableToIPC(first, "stream"));
  assertEquals(tableToIPCStream(again).slice(), arrow.tableToIPC(again, "stream"));
});

Deno.test("a stream reuses the buffer of the stream before it when it fits", () => {
  const large = new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(2_000, 0)]);
  const small = new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(10, 0)]);
  const first = tableToIPCStream(large);
  const second = tableToIPCStream(small);
  // Within one job the weakly held buffer cannot have been collected.
  assertEquals(second.buffer, first.buffer);
  assertEquals(second.slice(), arrow.tableToIPC(small, "stream"));
});

Deno.test("a stream too large to share gets a buffer of its own and leaves the shared one", () => {
  const small = new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(10, 0)]);
  const large = new arrow.Table({ id: arrow.makeVector(new BigInt64Array(2_200_000)) });
  const first = tableToIPCStream(small);
  const own = tableToIPCStream(large);
  assertEquals(own.byteLength > 16 << 20, true);
  assertEquals(own.buffer === first.buffer, false);
  assertEquals(own.slice(), arrow.tableToIPC(large, "stream"));
  assertEquals(tableToIPCStream(small).buffer, first.buffer);
});
