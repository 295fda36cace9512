import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { batchOf, column, SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { readCsv } from "../../tests/_read.ts";
import { createCsvSink } from "./csv.ts";

Deno.test("csv sink writes a header and every engine type as text", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createCsvSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.write("users", sampleBatch(6));
  await sink.close();
  const [header, ...rows] = await readCsv(`${dir}/users/part-00000.csv`);
  assertEquals(header, SAMPLE_SCHEMA.fields.map((f) => f.name));
  assertEquals(rows.length, 6);
  assertEquals(rows[0], ["0", "", "", "", "", "", "", "", "", ""]);
  assertEquals(rows[1], [
    "1",
    "-99",
    "-1",
    "1000",
    "1.1",
    "0.3333333333333333",
    'name 1, "quoted"',
    "False",
    "2024-01-03",
    "2024-01-02T03:04:05.123457Z",
  ]);
  const text = await Deno.readTextFile(`${dir}/users/part-00000.csv`);
  assertEquals(
    text.split("\n")[2],
    '1,-99,-1,1000,1.1,0.3333333333333333,"name 1, ""quoted""",False,2024-01-03,2024-01-02T03:04:05.123457Z',
  );
});

Deno.test("csv sink quotes commas, quotes and line breaks so they read back", async () => {
  const tricky = [
    "plain",
    "comma, inside",
    'a "quote"',
    '"',
    "line\nbreak",
    "crlf\r\nbreak",
    "lone\rcr",
    " padded ",
    "",
    "ünïcödé ✓",
    null,
  ];
  const batch = batchOf({
    text: column(new arrow.Utf8(), tricky),
    n: column(new arrow.Int32(), tricky.map((_, i) => i)),
  });
  const dir = await Deno.makeTempDir();
  const sink = createCsvSink({ dir });
  await sink.open([{ name: "t", schema: batch.schema }], { mode: "error" });
  await sink.write("t", batch);
  await sink.close();
  const [header, ...rows] = await readCsv(`${dir}/t/part-00000.csv`);
  assertEquals(header, ["text", "n"]);
  assertEquals(rows.map((row) => row[0]), tricky.map((t) => t ?? ""));
  assertEquals(rows.map((row) => row[1]), tricky.map((_, i) => String(i)));
});

Deno.test("csv sink writes a header-only file for a table without rows", async () => {
  const dir = await Deno.makeTempDir();
  const sink = createCsvSink({ dir });
  await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
  await sink.close();
  assertEquals(
    await Deno.readTextFile(`${dir}/users/part-00000.csv`),
    "id,tiny,small,n,ratio,score,name,active,day,at\n",
  );
});
