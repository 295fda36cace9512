import * as arrow from "apache-arrow";
import { assertEquals, assertRejects } from "../../tests/_assert.ts";
import { batchOf, column } from "../../tests/_batches.ts";
import { createStdoutSink } from "./stdout.ts";

/** A writer that takes at most 7 bytes a call, to prove partial writes are completed. */
function collector() {
  const chunks: Uint8Array[] = [];
  return {
    writer: {
      write(p: Uint8Array) {
        const n = Math.min(7, p.length);
        chunks.push(p.slice(0, n));
        return Promise.resolve(n);
      },
    },
    text: () => new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))),
  };
}

const batch = batchOf({
  id: column(new arrow.Int64(), [1n, 2n]),
  name: column(new arrow.Utf8(), ["Ada, Countess", null]),
});
const users = { name: "users", schema: batch.schema };

Deno.test("stdout sink prints JSON lines as batches arrive", async () => {
  const out = collector();
  const sink = createStdoutSink({ format: "jsonl", writer: out.writer });
  await sink.open([users], { mode: "error" });
  await sink.write("users", batch);
  assertEquals(out.text(), '{"id":1,"name":"Ada, Countess"}\n{"id":2,"name":null}\n');
  await sink.close();
});

Deno.test("stdout sink tags JSON lines with the table when there are several", async () => {
  const out = collector();
  const sink = createStdoutSink({ format: "jsonl", writer: out.writer });
  await sink.open([users, { name: "more", schema: batch.schema }], { mode: "error" });
  await sink.write("more", batch.slice(0, 1));
  await sink.close();
  assertEquals(out.text(), '{"_table":"more","id":1,"name":"Ada, Countess"}\n');
});

Deno.test("stdout sink prints CSV with its header, even without rows", async () => {
  const out = collector();
  const sink = createStdoutSink({ format: "csv", writer: out.writer });
  await sink.open([users], { mode: "error" });
  assertEquals(out.text(), "id,name\n");
  await sink.write("users", batch);
  await sink.close();
  assertEquals(out.text(), 'id,name\n1,"Ada, Countess"\n2,\n');
});

Deno.test("stdout sink refuses CSV for several tables", async () => {
  const sink = createStdoutSink({ format: "csv", writer: collector().writer });
  await assertRejects(
    () => sink.open([users, { name: "more", schema: batch.schema }], { mode: "error" }),
    Error,
    "exactly one table",
  );
});
