import { assertEquals } from "../../tests/_assert.ts";
import { DeletedRows } from "./deleted_rows.ts";

Deno.test("deleted rows: membership, order, and which were deleted by a tick", () => {
  const rows = new DeletedRows();
  // Enough to grow the bitmap and the log several times.
  for (let i = 0; i < 5000; i++) rows.add(i * 7 + 3, Math.floor(i / 10) + 1);
  assertEquals(rows.count, 5000);
  assertEquals([rows.has(3), rows.has(4), rows.has(7 * 4999 + 3), rows.has(10 ** 6)], [
    true,
    false,
    true,
    false,
  ]);
  assertEquals(rows.nth(2), 17);
  // Row 7 * 55 + 3 is the 56th delete, made by tick 6.
  const row = 7 * 55 + 3;
  assertEquals([rows.deletedBy(row, 5), rows.deletedBy(row, 6), rows.deletedBy(row, 600)], [
    false,
    true,
    true,
  ]);
  assertEquals(rows.deletedBy(4, 600), false);
});
