/**
 * The byte writers of text formats (csv_bytes.ts, json_bytes.ts) against the text path they
 * stand in for (cell_text.ts): the same bytes, for every engine type, slices and awkward text.
 */
import type * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { awkwardBatch, sampleBatch } from "../../tests/_batches.ts";
import { csvLines, jsonlLines } from "./cell_text.ts";
import { csvBytes } from "./csv_bytes.ts";
import { jsonlBytes } from "./json_bytes.ts";

const encoder = new TextEncoder();

const FORMATS: [string, (b: arrow.RecordBatch) => Uint8Array, (b: arrow.RecordBatch) => string][] =
  [
    ["CSV", csvBytes, csvLines],
    ["JSON lines", jsonlBytes, (batch) => jsonlLines(batch)],
  ];

for (const [name, bytes, text] of FORMATS) {
  const assertSame = (batch: arrow.RecordBatch, what: string) =>
    assertEquals(bytes(batch), encoder.encode(text(batch)), `${name}: ${what}`);

  Deno.test(`${name} bytes: every engine type, nulls, and every slice of a batch`, () => {
    const batch = sampleBatch(23, -7);
    assertSame(batch, "whole");
    for (let from = 0; from < batch.numRows; from += 3) {
      for (let to = from; to <= batch.numRows; to += 4) {
        assertSame(batch.slice(from, to), `rows ${from}..${to}`);
      }
    }
  });

  Deno.test(`${name} bytes: text to quote or escape, integers of every size, floats, decimals`, () => {
    const batch = awkwardBatch(400);
    assertSame(batch, "awkward");
    assertSame(batch.slice(37, 211), "sliced");
    assertSame(batch.slice(0, 0), "empty");
  });
}
