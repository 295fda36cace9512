import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { encodeParquet, parquetBatches, type ParquetSource } from "./mod.ts";
import { flatType } from "./ffi.ts";

/** A table with a column of every flat type tablestream writes, nulls included. */
function everyType(rows: number): arrow.Table {
  const pick = <T>(f: (i: number) => T) =>
    Array.from({ length: rows }, (_, i) => (i % 7 === 3 ? null : f(i)));
  const decimals = new Uint32Array(rows * 4);
  for (let i = 0; i < rows; i++) decimals[i * 4] = i * 101;
  return new arrow.Table({
    i8: arrow.vectorFromArray(pick((i) => (i % 200) - 100), new arrow.Int8()),
    i16: arrow.vectorFromArray(pick((i) => i - 30_000), new arrow.Int16()),
    i32: arrow.vectorFromArray(pick((i) => i * 7919), new arrow.Int32()),
    i64: arrow.vectorFromArray(pick((i) => BigInt(i) * 10_000_000_000n), new arrow.Int64()),
    f32: arrow.vectorFromArray(pick((i) => i / 4), new arrow.Float32()),
    f64: arrow.vectorFromArray(pick((i) => i / 3), new arrow.Float64()),
    flag: arrow.vectorFromArray(pick((i) => i % 3 === 0), new arrow.Bool()),
    name: arrow.vectorFromArray(pick((i) => `name ${i} ü`), new arrow.Utf8()),
    day: arrow.vectorFromArray(pick((i) => new Date(i * 86_400_000)), new arrow.DateDay()),
    at: arrow.makeVector(
      arrow.makeData({
        type: new arrow.TimestampMicrosecond("UTC"),
        length: rows,
        data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 1_000_001n),
      }),
    ),
    wall: arrow.makeVector(
      arrow.makeData({
        type: new arrow.TimestampMicrosecond(),
        length: rows,
        data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 3n),
      }),
    ),
    amount: arrow.makeVector(
      arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: rows, data: decimals }),
    ),
  });
}

/** Every cell of a table as text, column by column, with each column's type. */
function cells(table: arrow.Table): Record<string, { type: string; values: string[] }> {
  return Object.fromEntries(
    table.schema.fields.map((field) => {
      const column = table.getChild(field.name)!;
      return [field.name, {
        type: String(field.type),
        values: Array.from({ length: column.length }, (_, i) => String(column.get(i))),
      }];
    }),
  );
}

/** What Arrow JS reads from parquet-wasm's IPC stream of the whole file. */
function throughIpc(bytes: Uint8Array): arrow.Table {
  return arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream());
}

async function collect(batches: AsyncIterable<arrow.RecordBatch>, copy = false) {
  const out: arrow.RecordBatch[] = [];
  for await (const batch of batches) {
    // A reused batch is valid until the next one: keep a copy of it, as readers must.
    out.push(
      copy ? arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table([batch]))).batches[0] : batch,
    );
  }
  return new arrow.Table(out);
}

Deno.test("batches read through the C Data Interface are what the IPC stream gives, types included", async () => {
  // 70,000 rows: two batches, the last one short.
  const bytes = encodeParquet(everyType(70_000));
  const ipc = throughIpc(bytes);
  const expected = cells(ipc);
  const owned = await collect(parquetBatches(bytes));
  assertEquals(owned.batches.length, 2);
  assertEquals(cells(owned), expected);
  for (const field of owned.schema.fields) {
    const ipcField = ipc.schema.fields.find((f) => f.name === field.name)!;
    assert(arrow.util.compareTypes(field.type, ipcField.type), field.name);
    assertEquals(field.nullable, ipcField.nullable, field.name);
  }
  // Into one reused buffer: the same values, read before the next batch.
  assertEquals(
    cells(await collect(parquetBatches(bytes, undefined, { reuse: true }), true)),
    expected,
  );
});

Deno.test("reused batches share one buffer, so a reader must copy what it keeps", async () => {
  const bytes = encodeParquet(everyType(150_000));
  const buffers: ArrayBufferLike[] = [];
  for await (const batch of parquetBatches(bytes, ["i64"], { reuse: true })) {
    buffers.push(batch.getChild("i64")!.data[0].values.buffer);
  }
  // The first batch sizes the buffer; the next ones are read into it.
  assertEquals(buffers.length, 3);
  assert(buffers[1] === buffers[0] || buffers[1] === buffers[2]);
  assert(buffers[2] === buffers[1]);
});

Deno.test("nested columns are read through IPC, beside flat ones", async () => {
  const table = new arrow.Table({
    id: arrow.vectorFromArray([1, 2, 3], new arrow.Int32()),
    tags: arrow.vectorFromArray(
      [["a"], [], ["b", "c"]],
      new arrow.List(new arrow.Field("item", new arrow.Utf8(), true)),
    ),
  });
  const read = await collect(parquetBatches(encodeParquet(table)));
  assertEquals(read.getChild("id")!.toJSON(), [1, 2, 3]);
  assertEquals(read.getChild("tags")!.toJSON().map((v) => v ? [...v] : v), [["a"], [], [
    "b",
    "c",
  ]]);
});

Deno.test("format strings map to the types Arrow JS's IPC reader makes", () => {
  assertEquals(String(flatType("tsu:UTC")), "Timestamp<MICROSECOND, UTC>");
  assertEquals(String(flatType("tsn:")), "Timestamp<NANOSECOND>");
  const decimal = flatType("d:10,2") as arrow.Decimal;
  assertEquals([decimal.precision, decimal.scale, decimal.bitWidth], [10, 2, 128]);
  assertEquals(flatType("d:10,2,64"), undefined);
  assertEquals(flatType("+l"), undefined);
  assertEquals(flatType("tts"), undefined);
});

Deno.test("one column of a file: its bytes and the footer are read, not the others'", async () => {
  const rows = 100_000;
  const table = new arrow.Table({
    id: arrow.vectorFromArray(Array.from({ length: rows }, (_, i) => i), new arrow.Int32()),
    text: arrow.vectorFromArray(
      Array.from({ length: rows }, (_, i) => `a long text that takes room ${i * 7919}`),
      new arrow.Utf8(),
    ),
  });
  const bytes = encodeParquet(table, "none");
  let read = 0;
  const source: ParquetSource = {
    size: bytes.length,
    read(offset, length) {
      read += length;
      return Promise.resolve(bytes.slice(offset, offset + length));
    },
  };
  const back = await collect(parquetBatches(source, ["id"]));
  assertEquals(back.getChild("id")!.get(rows - 1), rows - 1);
  assertEquals(back.schema.fields.map((f) => f.name), ["id"]);
  // The text column is most of the file; ids are 400 kB at most, unencoded.
  assert(read < 600_000 && bytes.length > 3_000_000, `read ${read} of ${bytes.length} bytes`);
});
