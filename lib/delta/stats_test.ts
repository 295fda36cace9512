import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { fileStats } from "./stats.ts";

/** The exact bounds of int64 values, by BigInt comparison. */
function exactBounds(values: bigint[]): { min: bigint; max: bigint } {
  return values.reduce(
    (b, v) => ({ min: v < b.min ? v : b.min, max: v > b.max ? v : b.max }),
    { min: values[0], max: values[0] },
  );
}

/** `values` as an int64 column of chunks of `size` rows. */
function int64Column(values: bigint[], size: number): arrow.Table {
  const batches: arrow.RecordBatch[] = [];
  for (let at = 0; at < values.length; at += size) {
    const chunk = BigInt64Array.from(values.slice(at, at + size));
    batches.push(
      new arrow.RecordBatch({ v: arrow.makeData({ type: new arrow.Int64(), data: chunk }) }),
    );
  }
  return new arrow.Table(batches);
}

Deno.test("int64 bounds are exact across high words, signs and chunks", () => {
  const cases: bigint[][] = [
    // Values that differ only in their low word, with the low word's top bit set.
    [0x80000000n, 0x7fffffffn, 0xffffffffn, 1n],
    // Negative values: the high word -1, low words compared unsigned.
    [-1n, -0x80000000n, -0x80000001n, -2n],
    // Across the 2^32 boundary both ways, and the edges of the safe-integer range.
    [0x100000000n, 0xffffffffn, -0x100000000n, -0xffffffffn, 5n],
    [2n ** 52n - 1n, -(2n ** 52n), 0n, 7n],
    [42n],
  ];
  for (const values of cases) {
    for (const size of [1, 2, values.length]) {
      const stats = fileStats(int64Column(values, size));
      const { min, max } = exactBounds(values);
      assertEquals([stats.minValues.v, stats.maxValues.v], [min, max], `${values} by ${size}`);
    }
  }
});

Deno.test("int64 bounds beyond 2^52 and in a column with nulls stay exact", () => {
  const values = [2n ** 60n + 1n, 2n ** 60n, -(2n ** 62n), 3n];
  const stats = fileStats(int64Column(values, 2));
  assertEquals([stats.minValues.v, stats.maxValues.v], [-(2n ** 62n), 2n ** 60n + 1n]);
  const withNull = new arrow.Table({
    v: arrow.vectorFromArray([5n, null, -9n, 2n ** 53n + 1n], new arrow.Int64()),
  });
  const nulls = fileStats(withNull);
  assertEquals([nulls.minValues.v, nulls.maxValues.v, nulls.nullCount.v], [-9n, 2n ** 53n + 1n, 1]);
});

Deno.test("an int64 column of only nulls or no rows has no bounds", () => {
  const empty = fileStats(int64Column([], 1));
  assertEquals(["v" in empty.minValues, "v" in empty.maxValues], [false, false]);
  const nulls = fileStats(
    new arrow.Table({ v: arrow.vectorFromArray([null, null], new arrow.Int64()) }),
  );
  assertEquals(["v" in nulls.minValues, nulls.nullCount.v], [false, 2]);
});
