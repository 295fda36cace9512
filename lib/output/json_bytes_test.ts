import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { awkwardBatch, batchOf, column, sampleBatch } from "../../tests/_batches.ts";
import { jsonlLines } from "./cell_text.ts";
import { jsonlBytes } from "./json_bytes.ts";

const encoder = new TextEncoder();

/** jsonlBytes must be jsonlLines' text, byte for byte. */
function assertSameAsLines(batch: arrow.RecordBatch, what: string): void {
  assertEquals(jsonlBytes(batch), encoder.encode(jsonlLines(batch)), what);
}

Deno.test("JSON lines bytes: every engine type, nulls, and every slice of a batch", () => {
  const batch = sampleBatch(23, -7);
  assertSameAsLines(batch, "whole");
  for (let from = 0; from < batch.numRows; from += 3) {
    for (let to = from; to <= batch.numRows; to += 4) {
      assertSameAsLines(batch.slice(from, to), `rows ${from}..${to}`);
    }
  }
});

Deno.test("JSON lines bytes: text to escape, integers beyond 2^53, floats and decimals", () => {
  const batch = awkwardBatch(400);
  assertSameAsLines(batch, "awkward");
  assertSameAsLines(batch.slice(37, 211), "sliced");
  assertSameAsLines(batch.slice(0, 0), "empty");
  // Every line is JSON that reads back to the row's values.
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
