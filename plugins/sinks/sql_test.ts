import * as arrow from "apache-arrow";
import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { batchOf, column, SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { readSqlFiles } from "../../tests/_read.ts";
import { ColumnBuilder } from "../../lib/engine/column_builder.ts";
import { createSqlSink, insertStatements, ROWS_PER_STATEMENT, sqlIdentifier } from "./sql.ts";

Deno.test("sql sink writes INSERT statements a database runs back to the same values", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createSqlSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.write("users", sampleBatch(6));
  await sink.close();
  const rows = await readSqlFiles([`${dir}/users/part-00000.sql`], "users", SAMPLE_SCHEMA);
  assertEquals(rows.length, 6);
  // Every fifth sample row is null but for its id.
  const nulls = Object.fromEntries(SAMPLE_SCHEMA.fields.map((f) => [f.name, null]));
  assertEquals(rows[0], { ...nulls, id: 0n });
  assertEquals(rows[2], {
    id: 2n,
    tiny: -98,
    small: -2,
    n: 2000,
    ratio: Math.fround(2.1),
    score: 2 / 3,
    name: 'name 2, "quoted"',
    active: true,
    day: "2024-01-04",
    at: "2024-01-02 03:04:05.123458",
  });
});

Deno.test("sql literals: quotes doubled, NULL, TRUE/FALSE, decimals exact, odd names quoted", async () => {
  const price = new ColumnBuilder("decimal(10,2)", 3);
  for (const v of [19.9, null, -0.5]) price.append(v);
  const batch = batchOf({
    'say "hi"': column(new arrow.Utf8(), ["it's", null, "a;b"]),
    order: column(new arrow.Bool(), [true, false, null]),
    price: price.finish(),
    x: column(new arrow.Float64(), [1.5, NaN, Infinity]),
  });
  const text = insertStatements("order", batch);
  assertEquals(
    text,
    `INSERT INTO "order" ("say ""hi""", "order", "price", "x") VALUES\n` +
      "('it''s', TRUE, 19.90, 1.5),\n(NULL, FALSE, NULL, NULL),\n('a;b', NULL, -0.50, NULL);\n",
  );
  assertEquals(sqlIdentifier('a"b'), '"a""b"');
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/t.sql`, text);
  const rows = await readSqlFiles([`${dir}/t.sql`], "order", batch.schema);
  assertEquals(rows.map((r) => [r['say "hi"'], r.order, r.price]), [
    ["it's", true, 19.9],
    [null, false, null],
    ["a;b", null, -0.5],
  ]);
});

Deno.test("sql statements hold at most 1000 rows each", async () => {
  const text = insertStatements("users", sampleBatch(2 * ROWS_PER_STATEMENT + 5));
  assertEquals(text.match(/^INSERT INTO/gm)?.length, 3);
  assertStringIncludes(text, ");\nINSERT INTO");
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/t.sql`, text);
  assertEquals((await readSqlFiles([`${dir}/t.sql`], "users", SAMPLE_SCHEMA)).length, 2005);
});

Deno.test("sql sink writes an empty file for a table without rows", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createSqlSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.close();
  assertEquals(await Deno.readTextFile(`${dir}/users/part-00000.sql`), "");
});
