import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { awkwardBatch, batchOf, column } from "../../tests/_batches.ts";
import { jsonlBytes } from "./json_bytes.ts";

Deno.test("JSON lines bytes: every line reads back as JSON to the row's text", () => {
  const batch = awkwardBatch(400);
  const lines = new TextDecoder().decode(jsonlBytes(batch)).split("\n").slice(0, -1);
  assertEquals(lines.length, 400);
  const texts = batch.getChild("text")!.toArray() as (string | null)[];
  lines.forEach((line, i) => assertEquals(JSON.parse(line).text, texts[i], `row ${i}`));
});

Deno.test("JSON lines bytes: keys in column order, a key named __proto__ kept", () => {
  const batch = batchOf({
    ["__proto__"]: column(new arrow.Int32(), [1, null]),
    'a"b': column(new arrow.Utf8(), ["x\\y", null]),
  });
  assertEquals(
    new TextDecoder().decode(jsonlBytes(batch)),
    '{"__proto__":1,"a\\"b":"x\\\\y"}\n{"__proto__":null,"a\\"b":null}\n',
  );
});
