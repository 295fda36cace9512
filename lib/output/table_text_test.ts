import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { batchOf, column, sampleBatch } from "../../tests/_batches.ts";
import { formatTable } from "./table_text.ts";

Deno.test("formatTable aligns a batch: numbers right, NULL for nulls", () => {
  const batch = batchOf({
    id: column(new arrow.Int64(), [1n, 20n, 300n]),
    name: column(new arrow.Utf8(), ["Ada", null, "Grace Hopper"]),
    score: column(new arrow.Float64(), [1.5, -2, null]),
    ok: column(new arrow.Bool(), [true, false, null]),
  });
  assertEquals(
    formatTable(batch),
    [
      " id | name         | score | ok",
      "----+--------------+-------+------",
      "  1 | Ada          |   1.5 | true",
      " 20 | NULL         |    -2 | false",
      "300 | Grace Hopper |  NULL | NULL",
      "",
    ].join("\n"),
  );
});

Deno.test("formatTable spells dates and timestamps as the CSV sink does", () => {
  const text = formatTable(sampleBatch(2).slice(1));
  const [header, , row] = text.split("\n");
  assertEquals(header.split("|").map((s) => s.trim()).slice(-2), ["day", "at"]);
  assertEquals(row.split("|").map((s) => s.trim()).slice(-2), [
    "2024-01-03",
    "2024-01-02T03:04:05.123457Z",
  ]);
});

Deno.test("formatTable truncates long cells with an ellipsis", () => {
  const rows = [{ word: "abcdefghijklmnopqrstuvwxyz", n: 1 }];
  assertEquals(
    formatTable(rows, { maxColumnWidth: 10 }),
    "word       | n\n-----------+--\nabcdefghi… | 1\n",
  );
});

Deno.test("formatTable shrinks the widest columns to fit maxWidth", () => {
  const rows = [{ a: "x".repeat(30), b: "y".repeat(10), c: 7 }];
  const text = formatTable(rows, { maxWidth: 30 });
  for (const line of text.trimEnd().split("\n")) assertEquals([...line].length <= 30, true, line);
  assertEquals(text.split("\n")[2], `${"x".repeat(12)}… | ${"y".repeat(10)} | 7`);
});

Deno.test("formatTable takes plain rows, with missing keys as NULL", () => {
  const rows = [{ id: 1, tag: "a\tb" }, { id: 22n, extra: new Date(0) }];
  assertEquals(
    formatTable(rows),
    [
      "id | tag  | extra",
      "---+------+-------------------------",
      " 1 | a\\tb | NULL",
      "22 | NULL | 1970-01-01T00:00:00.000Z",
      "",
    ].join("\n"),
  );
});

Deno.test("formatTable shows a header for a table without rows", () => {
  const batch = batchOf({ id: column(new arrow.Int32(), []) });
  assertEquals(formatTable(batch), "id\n--\n");
  assertEquals(formatTable([]), "(no columns)\n");
});
