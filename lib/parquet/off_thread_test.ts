import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch, unwritableBatch } from "../../tests/_batches.ts";
import { encodeParquet, encodeParquetWasm, ParquetStream } from "./mod.ts";
import { OffThreadParquetStream } from "./off_thread.ts";
import { staticNpmPackages } from "../../tests/_module_graph.ts";

const batches = (sizes: number[]) => {
  let at = 0;
  return sizes.map((n) => {
    const batch = sampleBatch(n, at);
    at += n;
    return batch;
  });
};

Deno.test("a file encoded in the worker is the file this thread encodes, for every codec", async () => {
  const parts = batches([700, 1, 2000, 5000]);
  const table = new arrow.Table(SAMPLE_SCHEMA, parts);
  for (const compression of ["snappy", "zstd", "none"] as const) {
    const here = new ParquetStream(compression, SAMPLE_SCHEMA);
    const there = new OffThreadParquetStream(compression, SAMPLE_SCHEMA);
    for (const batch of parts) {
      await here.write(batch);
      await there.write(batch);
    }
    const bytes = await there.finish();
    assertEquals(bytes, await here.finish(), compression);
    assertEquals(bytes, encodeParquetWasm(table, compression), compression);
  }
});

Deno.test("files encoded in the worker at the same time stay apart, and the batches sent stay usable", async () => {
  const a = batches([3000, 3000, 10]), b = batches([1, 4000]);
  const first = new OffThreadParquetStream("snappy", SAMPLE_SCHEMA);
  const second = new OffThreadParquetStream("zstd", SAMPLE_SCHEMA);
  await first.write(a[0]);
  await second.write(b[0]);
  await first.write(a[1]);
  await second.write(b[1]);
  await first.write(a[2]);
  const [one, two] = await Promise.all([first.finish(), second.finish()]);
  assertEquals(one, encodeParquetWasm(new arrow.Table(SAMPLE_SCHEMA, a), "snappy"));
  assertEquals(two, encodeParquetWasm(new arrow.Table(SAMPLE_SCHEMA, b), "zstd"));
  // The IPC sent is a copy: the batches keep their buffers (a Delta writer reads their stats).
  assertEquals(a[0].getChild("id")!.get(2999), 2999n);
});

Deno.test("a file without batches, an abandoned file and a finished one leave no worker running", async () => {
  const empty = new OffThreadParquetStream("zstd", SAMPLE_SCHEMA);
  const schemaOnly = encodeParquet(new arrow.Table(SAMPLE_SCHEMA), "zstd");
  assertEquals(await empty.finish(), schemaOnly);
  assertEquals(await new ParquetStream("zstd", SAMPLE_SCHEMA).finish(), schemaOnly);
  const dropped = new OffThreadParquetStream("snappy", SAMPLE_SCHEMA);
  await dropped.write(sampleBatch(100));
  dropped.abort();
  await assertRejects(() => dropped.write(sampleBatch(1)), Error, "abandoned");
  await assertRejects(() => dropped.finish(), Error, "abandoned");
  // A later file starts the worker again. (Deno's test sanitizers fail a test that leaves a
  // worker running.)
  const again = new OffThreadParquetStream("snappy", SAMPLE_SCHEMA);
  await again.write(sampleBatch(10));
  assert((await again.finish()).length > 0);
});

Deno.test("a process that encoded in the worker exits when its files are done", async () => {
  const script = `
    import { OffThreadParquetStream } from "${new URL("./off_thread.ts", import.meta.url).href}";
    import { sampleBatch, SAMPLE_SCHEMA } from "${
    new URL("../../tests/_batches.ts", import.meta.url).href
  }";
    const file = new OffThreadParquetStream("snappy", SAMPLE_SCHEMA);
    await file.write(sampleBatch(1000));
    console.log((await file.finish()).length);
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../../deno.json", import.meta.url).pathname, script],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
  assert(Number(new TextDecoder().decode(out.stdout)) > 0);
});

Deno.test("the encoder worker loads parquet-wasm and no other package", async () => {
  const entry = new URL("./encoder_worker.ts", import.meta.url).pathname;
  // Arrow JS alone took 45 ms of its 90 ms start; it gets IPC bytes and needs none.
  assertEquals([...await staticNpmPackages(entry)], ["parquet-wasm"]);
});

Deno.test("a file the worker cannot encode fails, and the worker goes on with the next", async () => {
  const file = new OffThreadParquetStream("snappy", unwritableBatch().schema);
  const failure = await (async () => {
    try {
      for (let i = 0; i < 3; i++) await file.write(unwritableBatch());
      await file.finish();
    } catch (error) {
      return error as Error;
    }
    return undefined;
  })();
  assert(failure instanceof Error, "the file failed");
  assertEquals(failure.message, "The Parquet encoder failed: its file holds 0 of 3 rows");
  file.abort(); // as a sink's discard does: nothing left running (the sanitizers check)
  const next = new OffThreadParquetStream("snappy", SAMPLE_SCHEMA);
  await next.write(sampleBatch(5));
  assertEquals(
    await next.finish(),
    encodeParquetWasm(new arrow.Table(SAMPLE_SCHEMA, [sampleBatch(5)]), "snappy"),
  );
});

Deno.test("an abandoned file's batches in flight are released: other files are not kept waiting", async () => {
  // 60 MB of IPC sent for a file dropped at once, more than may be in flight (32 MB): unless
  // the worker counts the batches it dropped as taken, every writer would wait for ever.
  const big = arrow.tableFromArrays({ x: new Float64Array(2_500_000) }).batches[0];
  // A file being written meanwhile keeps the worker running.
  const keeper = new OffThreadParquetStream("snappy", SAMPLE_SCHEMA);
  await keeper.write(sampleBatch(10));
  const dropped = new OffThreadParquetStream("snappy", big.schema);
  const writes = [0, 1, 2].map(() => dropped.write(big).catch(() => {}));
  dropped.abort();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("writers kept waiting")), 20_000);
  });
  try {
    await Promise.race([Promise.all(writes), stuck]);
    const next = new OffThreadParquetStream("snappy", big.schema);
    await Promise.race([next.write(big), stuck]);
    assert(((await Promise.race([next.finish(), stuck])) as Uint8Array).length > 0);
    assert(((await Promise.race([keeper.finish(), stuck])) as Uint8Array).length > 0);
  } finally {
    clearTimeout(timer);
  }
});
