/**
 * The tests' own comparison helpers can fail where they must: a read path that returned
 * null for NaN, 0 for -0 or null for an infinity would not pass them.
 */
import * as arrow from "apache-arrow";
import { assert, assertEquals, assertNotEquals } from "./_assert.ts";
import { cells } from "./_delta.ts";
import { digestRows } from "./_digest.ts";

function floats(values: (number | null)[]): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(values, (_, i) => BigInt(i))),
    x: arrow.vectorFromArray(values, new arrow.Float64()),
  });
}

Deno.test("cells and digests tell NaN, the infinities and -0 from null and 0", async () => {
  const exact = [NaN, Infinity, -Infinity, -0, 1.5];
  const lossy: (number | null)[][] = [
    [null, Infinity, -Infinity, -0, 1.5],
    [NaN, null, -Infinity, -0, 1.5],
    [NaN, Infinity, null, -0, 1.5],
    [NaN, Infinity, -Infinity, 0, 1.5],
  ];
  assertEquals(cells(floats(exact)), cells(floats([...exact])));
  assertEquals(await digestRows(floats(exact)), await digestRows(floats([...exact])));
  for (const values of lossy) {
    assertNotEquals(cells(floats(values)), cells(floats(exact)), JSON.stringify(values));
    assert(
      await digestRows(floats(values)) !== await digestRows(floats(exact)),
      `digest of ${values}`,
    );
  }
});
