import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { batchOf, column } from "../../tests/_batches.ts";
import { csvBytes } from "./csv_bytes.ts";

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
