import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { awkwardBatch, batchOf, column, sampleBatch } from "../../tests/_batches.ts";
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

Deno.test("CSV bytes: text that needs quotes, any character, integers, floats and decimals", () => {
  const batch = awkwardBatch(400);
  assertSameAsLines(batch, "awkward");
  assertSameAsLines(batch.slice(37, 211), "sliced");
  assertSameAsLines(batch.slice(0, 0), "empty");
});

Deno.test("CSV bytes: quoting and spelling as RFC 4180 and Python have them", () => {
  const batch = batchOf({
    text: column(new arrow.Utf8(), ['say "hi", then go', "plain", null, "two\nlines"]),
    n: column(new arrow.Int64(), [2n ** 60n, -3n, null, 0n]),
    f: column(new arrow.Float64(), [80, 1e-5, null, NaN]),
  });
  assertEquals(
    new TextDecoder().decode(csvBytes(batch)),
    '"say ""hi"", then go",1152921504606846976,80.0\nplain,-3,1e-05\n,,\n"two\nlines",0,NaN\n',
  );
});
