import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { widenData } from "./type_widening.ts";

/** The values of `data` as plain JS (decimals as their unscaled bigints). */
function values(data: arrow.Data): unknown[] {
  return [...arrow.makeVector(data)].map((v) =>
    v instanceof Uint32Array ? arrow.util.bigNumToBigInt(v as never) : v
  );
}

Deno.test("widenData: integers to wider integers, double and decimal; nulls stay null", () => {
  const ints = arrow.vectorFromArray([1, null, -3], new arrow.Int32()).data[0];
  const longs = widenData(ints, new arrow.Int64())!;
  assertEquals(String(longs.type), "Int64");
  assertEquals(values(longs), [1n, null, -3n]);
  const shorts = arrow.vectorFromArray([-32768, 7], new arrow.Int16()).data[0];
  assertEquals(values(widenData(shorts, new arrow.Int32())!), [-32768, 7]);
  assertEquals(values(widenData(ints, new arrow.Float64())!), [1, null, -3]);
  const decimal = widenData(ints, new arrow.Decimal(2, 12, 128))!;
  assertEquals(String(decimal.type), "Decimal[12e+2]");
  assertEquals(
    [...arrow.makeVector(decimal)].map((v) => v === null ? null : String(v)),
    ["100", null, "-300"],
  );
  // Not a widening: undefined, for the caller's own conversion or error.
  assertEquals(widenData(longs, new arrow.Int32()), undefined);
  assertEquals(widenData(ints, new arrow.Int16()), undefined);
});

Deno.test("widenData: float to double exactly, decimals to more digits and scale", () => {
  const floats = arrow.vectorFromArray([0.1, null, 2.5], new arrow.Float32()).data[0];
  const doubles = widenData(floats, new arrow.Float64())!;
  // The float's own value, not the nearest double to its printed form (as Spark reads it).
  assertEquals(values(doubles), [Math.fround(0.1), null, 2.5]);
  const words = Uint32Array.of(
    12345 >>> 0,
    0,
    0,
    0,
    -250 >>> 0,
    0xffffffff,
    0xffffffff,
    0xffffffff,
  );
  const narrow = arrow.makeData({ type: new arrow.Decimal(2, 5, 128), length: 2, data: words });
  const same = widenData(narrow, new arrow.Decimal(2, 10, 128))!;
  assertEquals([...arrow.makeVector(same)].map(String), ["12345", "-250"]);
  const scaled = widenData(narrow, new arrow.Decimal(4, 12, 128))!;
  assertEquals([...arrow.makeVector(scaled)].map(String), ["1234500", "-25000"]);
  // Fewer integer digits, or a smaller scale: not a widening.
  assertEquals(widenData(narrow, new arrow.Decimal(4, 6, 128)), undefined);
  assertEquals(widenData(narrow, new arrow.Decimal(1, 10, 128)), undefined);
});

Deno.test("widenData: a date to timestamp_ntz is its midnight; not to a UTC timestamp", () => {
  const days = arrow.makeData({
    type: new arrow.DateDay(),
    length: 3,
    nullCount: 1,
    nullBitmap: Uint8Array.of(0b101),
    data: Int32Array.of(0, 0, 18779),
  });
  const ntz = widenData(days, new arrow.TimestampMicrosecond())!;
  assertEquals(values(ntz).map((v) => v === null ? null : Number(v)), [0, null, 1622505600000]);
  assertEquals(
    [...(ntz.values as BigInt64Array)],
    [0n, 0n, 1_622_505_600_000_000n],
  );
  assertEquals(widenData(days, new arrow.TimestampMicrosecond("UTC")), undefined);
});
