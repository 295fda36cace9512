import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { batchOf, column, sampleBatch } from "../../tests/_batches.ts";
import { csvLines } from "./cell_text.ts";
import { csvBytes } from "./csv_bytes.ts";

const encoder = new TextEncoder();

/** csvBytes must be csvLines' text, byte for byte. */
function assertSameAsLines(batch: arrow.RecordBatch, what: string): void {
  assertEquals(csvBytes(batch), encoder.encode(csvLines(batch)), what);
}

Deno.test("CSV bytes: every engine type, nulls, and every slice of a batch", () => {
  const batch = sampleBatch(23, -7);
  assertSameAsLines(batch, "whole");
  for (let from = 0; from < batch.numRows; from += 3) {
    for (let to = from; to <= batch.numRows; to += 4) {
      assertSameAsLines(batch.slice(from, to), `rows ${from}..${to}`);
    }
  }
});

Deno.test("CSV bytes: text that needs quotes, any character, and integers of every size", () => {
  const pieces = ["a", ",", '"', "\r", "\n", "é", "名", "😀", " ", "x y", '""', "\u0000", "\uffff"];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const texts = Array.from({ length: 400 }, (_, i) => {
    if (i % 11 === 0) return null;
    let text = "";
    for (let k = next() % 6; k > 0; k--) text += pieces[next() % pieces.length];
    return text;
  });
  const ints = texts.map((_, i) => i % 13 === 0 ? null : (next() - 2 ** 30) * (i % 3 ? 1 : 4));
  const longs = texts.map((_, i) =>
    i % 7 === 0 ? null : BigInt(next()) ** BigInt(1 + (i % 3)) * (i % 2 ? -1n : 1n)
  );
  const batch = batchOf({
    text: column(new arrow.Utf8(), texts),
    int32: column(new arrow.Int32(), ints.map((v) => v === null ? null : v | 0)),
    int16: column(new arrow.Int16(), ints.map((v) => v === null ? null : (v << 16) >> 16)),
    int64: column(new arrow.Int64(), longs),
    edges: column(
      new arrow.Int64(),
      texts.map((_, i) =>
        [2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)][
          i % 6
        ]
      ),
    ),
  });
  assertSameAsLines(batch, "mixed");
  assertSameAsLines(batch.slice(37, 211), "sliced");
});

Deno.test("CSV bytes: decimals and an empty batch", () => {
  // Decimal128(10, 2) as four little-endian 32-bit words per value: 1999 (19.99), -5 (-0.05).
  const words = new Uint32Array([1999, 0, 0, 0, 0xfffffffb, 0xffffffff, 0xffffffff, 0xffffffff]);
  const decimals = arrow.makeData({
    type: new arrow.Decimal(2, 10, 128),
    length: 2,
    nullCount: 0,
    data: words,
  });
  const batch = batchOf({ amount: decimals, id: column(new arrow.Int32(), [1, 2]) });
  assertSameAsLines(batch, "decimals");
  assertEquals(new TextDecoder().decode(csvBytes(batch)), "19.99,1\n-0.05,2\n");
  assertSameAsLines(batch.slice(0, 0), "empty");
});
