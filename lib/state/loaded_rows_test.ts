import * as arrow from "apache-arrow";
import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { PyDate } from "../expr/datetime_values.ts";
import { columnTypeOfArrow, LoadedColumn, LoadedRows } from "./loaded_rows.ts";

Deno.test("loaded rows are ordered by key and read as engine values", () => {
  const data = new arrow.Table({
    id: arrow.vectorFromArray([30n, 10n, 20n], new arrow.Int64()),
    name: arrow.vectorFromArray(["c", "a", null], new arrow.Utf8()),
    day: arrow.vectorFromArray(
      [new Date(86_400_000 * 3), new Date(0), new Date(86_400_000)],
      new arrow.DateDay(),
    ),
    at: arrow.makeVector(
      new arrow.Data(new arrow.TimestampMicrosecond("UTC"), 0, 3, 0, [
        undefined,
        BigInt64Array.of(3_000_123n, 1_000_999n, 2_000_000n),
      ]),
    ),
  });
  const rows = new LoadedRows("t", data, "id");
  assertEquals(rows.count, 3);
  assertEquals([0, 1, 2].map((i) => rows.value("id", i)), [10, 20, 30]);
  assertEquals([0, 1, 2].map((i) => rows.value("name", i)), ["a", null, "c"]);
  assertEquals(rows.value("day", 2), new PyDate(3));
  assertEquals(rows.value("at", 0), new Date(1_000)); // 1,000,999 µs: whole ms, like generated times
  assertEquals(rows.maxInteger("id"), 30);
  assertEquals(rows.maxInteger("name"), undefined);
  assertEquals(rows.columnType("id"), "int64");
  assertThrows(() => rows.value("other", 0), Error, 'read without column "other"');
});

Deno.test("decimals read back as their value, not their unscaled integer", () => {
  const words = (values: bigint[]) => {
    const out = new Uint32Array(values.length * 4);
    values.forEach((v, i) => {
      const bits = BigInt.asUintN(128, v);
      for (let w = 0; w < 4; w++) out[i * 4 + w] = Number((bits >> BigInt(32 * w)) & 0xffffffffn);
    });
    return out;
  };
  const data = new arrow.Table({
    id: arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()),
    amount: arrow.makeVector(
      arrow.makeData({
        type: new arrow.Decimal(2, 10, 128),
        length: 3,
        data: words([83950556n, -1999n, 0n]),
      }),
    ),
  });
  const rows = new LoadedRows("t", data, "id");
  assertEquals([0, 1, 2].map((i) => rows.value("amount", i)), [839505.56, -19.99, 0]);
});

Deno.test("Arrow types map to the engine's column types", () => {
  assertEquals(columnTypeOfArrow(new arrow.Int8()), "int8");
  assertEquals(columnTypeOfArrow(new arrow.Int32()), "int32");
  assertEquals(columnTypeOfArrow(new arrow.Float32()), "float32");
  assertEquals(columnTypeOfArrow(new arrow.Float64()), "float64");
  assertEquals(columnTypeOfArrow(new arrow.Bool()), "bool");
  assertEquals(columnTypeOfArrow(new arrow.TimestampMillisecond()), "timestamp");
  assertEquals(columnTypeOfArrow(new arrow.Decimal(2, 10, 128)), "float64");
  assertEquals(columnTypeOfArrow(new arrow.Binary()), "string");
});

Deno.test("an even run of keys is kept as first and step, across chunks; others as read", () => {
  const chunk = (values: bigint[]) =>
    arrow.makeData({
      type: new arrow.Int64(),
      length: values.length,
      nullCount: 0,
      data: BigInt64Array.from(values),
    });
  const ids = new LoadedColumn(new arrow.Int64());
  ids.append(chunk([5n, 6n, 7n]));
  ids.append(chunk([8n]));
  ids.append(chunk([9n, 10n]));
  assertEquals(ids.length, 6);
  assertEquals(ids.increasing, true, "one run");
  assertEquals([0, 3, 5].map((i) => ids.get(i)), [5, 8, 10]);
  // A break in the run starts a new chunk; values stay exact either way.
  ids.append(chunk([3n, 1n, 2n]));
  assertEquals(ids.increasing, false);
  assertEquals([5, 6, 7, 8].map((i) => Number(ids.get(i))), [10, 3, 1, 2]);

  const rows = new LoadedRows("t", new Map([["id", ids]]), "id");
  assertEquals([0, 1, 2, 8].map((i) => rows.value("id", i)), [1, 2, 3, 10]);
  assertEquals(rows.maxInteger("id"), 10);
  // Sent to a worker and rebuilt: the same values in the same order.
  const received = LoadedRows.received(structuredClone(rows.transfer()));
  assertEquals(
    Array.from({ length: 9 }, (_, i) => received.value("id", i)),
    Array.from({ length: 9 }, (_, i) => rows.value("id", i)),
  );
});

Deno.test("rows load batch by batch as they load from a table", async () => {
  const data = new arrow.Table({
    id: arrow.vectorFromArray([1n, 2n, 3n, 4n], new arrow.Int64()),
    name: arrow.vectorFromArray(["a", "b", null, "d"], new arrow.Utf8()),
  });
  async function* batches() {
    yield* data.slice(0, 2).batches;
    yield* data.slice(2).batches;
  }
  const streamed = await LoadedRows.fromBatches("t", data.schema, batches(), "id");
  const whole = new LoadedRows("t", data, "id");
  for (let i = 0; i < 4; i++) {
    assertEquals(streamed.value("name", i), whole.value("name", i));
    assertEquals(streamed.value("id", i), whole.value("id", i));
  }
});

Deno.test("rows loaded from batches that reuse one buffer keep their own copy", async () => {
  // Keys no even run describes, so the chunks are kept as vectors.
  const shared = new BigInt64Array(3);
  const schema = new arrow.Schema([new arrow.Field("id", new arrow.Int64(), false)]);
  async function* reused() {
    for (const keys of [[5n, 1n, 9n], [4n, 8n, 2n]]) {
      shared.set(keys);
      const data = arrow.makeData({ type: new arrow.Int64(), length: 3, data: shared });
      yield new arrow.RecordBatch(
        schema,
        arrow.makeData({
          type: new arrow.Struct(schema.fields),
          length: 3,
          nullCount: 0,
          children: [data],
        }),
      );
    }
    shared.fill(0n); // what a reader would find if it had kept views
  }
  const rows = await LoadedRows.fromBatches("t", schema, reused(), "id");
  assertEquals([0, 1, 2, 3, 4, 5].map((i) => rows.value("id", i)), [1, 2, 4, 5, 8, 9]);
});
