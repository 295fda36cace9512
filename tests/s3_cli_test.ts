/**
 * The commands over `s3://` against the in-memory fake S3 (tests/_fake_s3.ts), found as a
 * user's would be, through the AWS variables: generate, append, inspect, optimize, run and its
 * resume, a parent table on S3, and the refusals (plain-file formats, other schemes). The
 * interop suite runs the same commands against moto, and delta-rs reads what they wrote.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { cells } from "./_delta.ts";
import { startFakeS3, withAwsEnv } from "./_fake_s3.ts";
import { shopYaml } from "./_shop.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { readTable } from "../lib/delta/read_data.ts";
import { fsFor } from "../lib/delta/storage.ts";
import { createDeltaSink } from "../plugins/sinks/delta.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "./_batches.ts";

const SHOP = shopYaml({
  seed: 3,
  customers: { rows: 40, perMinute: 30, attribute: "email" },
  orders: { rows: 100, perMinute: 120, at: true, quantity: true },
  lookup: "regions",
});

/** Runs `fn` with a fake S3 that the AWS variables point at, and a temporary folder. */
async function withS3(fn: (dir: string, config: string) => Promise<void>): Promise<void> {
  const fake = startFakeS3();
  try {
    await withAwsEnv(fake.endpoint, () =>
      withTempDir(async (dir) => {
        await fn(dir, await writeConfig(dir, SHOP));
      }));
  } finally {
    await fake.close();
  }
}

async function rowsOf(table: string): Promise<string[]> {
  const fs = fsFor(table);
  return cells(await readTable(fs, await readSnapshot(fs, table)), idOf(table));
}

function idOf(table: string): string {
  return table.endsWith("orders") ? "order_id" : "id";
}

async function ok(...args: string[]): Promise<string> {
  const result = await cli(...args);
  assertEquals(result.code, 0, result.stderr);
  return result.stdout;
}

Deno.test("generate, append, inspect and optimize an s3:// output as a local one", async () => {
  await withS3(async (dir, config) => {
    const ref = ["--reference-time", "2026-01-01T00:00:00Z", "--batch-size", "30"];
    await ok("generate", "-c", config, "-o", "s3://lake/shop", ...ref);
    await ok("generate", "-c", config, "-o", `${dir}/local`, ...ref);
    for (const table of ["customers", "orders", "regions"]) {
      assertEquals(await rowsOf(`s3://lake/shop/${table}`), await rowsOf(`${dir}/local/${table}`));
    }
    await ok("generate", "-c", config, "-o", "s3://lake/shop", "--mode", "append", ...ref);
    const text = await ok("inspect", "s3://lake/shop/orders");
    assertStringIncludes(text, "Table:       s3://lake/shop/orders");
    assertStringIncludes(text, "Version:     1");
    assertStringIncludes(text, "2 active, 200 rows");
    const json = JSON.parse(await ok("inspect", "s3://lake/shop/orders", "--json"));
    assertEquals(json.missingFiles, []);
    const before = await rowsOf("s3://lake/shop/orders");
    const compacted = await ok("optimize", "s3://lake/shop/orders");
    assertStringIncludes(compacted, "compacted 2 files (200 rows");
    assertEquals(await rowsOf("s3://lake/shop/orders"), before);
    assertEquals(
      (await readSnapshot(fsFor("s3://lake/shop/orders"), "s3://lake/shop/orders")).files.length,
      1,
    );
    assert((await localFs.list(dir)).every((e) => !e.name.startsWith("s3")), "nothing local");
  });
});

Deno.test("run into s3:// resumes exactly: two runs of 4 ticks equal one of 8, a parent on S3 followed", async () => {
  await withS3(async (dir, config) => {
    const run = (out: string, ...extra: string[]) =>
      ok(
        "run",
        "-c",
        config,
        "-o",
        out,
        "--fast-forward",
        "--start-time",
        "2026-01-01T00:00:00Z",
        "--log-format",
        "json",
        ...extra,
      );
    await run("s3://lake/live", "--ticks", "4");
    await run("s3://lake/live", "--ticks", "4");
    await run(`${dir}/whole`, "--ticks", "8");
    const whole = await rowsOf(`${dir}/whole/orders`);
    assert(whole.length > 100, `orders streamed rows (${whole.length})`);
    for (const table of ["customers", "orders", "regions"]) {
      assertEquals(
        await rowsOf(`s3://lake/live/${table}`),
        await rowsOf(`${dir}/whole/${table}`),
        table,
      );
    }
    // orders alone, its parent read from S3.
    await ok(
      "generate",
      "-c",
      config,
      "-o",
      "s3://lake/kids",
      "--table",
      "customers",
      "--reference-time",
      "2026-01-01",
    );
    await run("s3://lake/kids", "--tables", "orders", "--ticks", "3");
    const orders = await readSnapshot(fsFor("s3://lake/kids/orders"), "s3://lake/kids/orders");
    assert(orders.version >= 0);
  });
});

Deno.test("the Delta sink over s3://: close commits, discard removes uncommitted files; other formats refuse", async () => {
  await withS3(async (dir, config) => {
    const sink = createDeltaSink({ dir: "s3://lake/sink" });
    await sink.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "error" });
    await sink.write("users", sampleBatch(3));
    await sink.close();
    const stored = await sink.inspect!("users");
    assertEquals([stored?.version, stored?.rows], [0, 3]);

    const failing = createDeltaSink({ dir: "s3://lake/sink" });
    await failing.open([{ name: "users", schema: SAMPLE_SCHEMA }], { mode: "append" });
    await failing.write("users", sampleBatch(60_000, 3)); // a streamed data file
    await failing.abort?.();
    const fs = fsFor("s3://lake/sink/users");
    const files = (await fs.list("s3://lake/sink/users")).filter((e) => e.isFile);
    assertEquals(files.length, 1, "only the committed file");

    for (const format of ["parquet", "csv"]) {
      const result = await cli("generate", "-c", config, "-o", "s3://lake/x", "--format", format);
      assertEquals(result.code, 1, result.stderr);
      assertStringIncludes(result.stderr, "writes Delta tables only");
    }
    const gs = await cli("inspect", "gs://bucket/t");
    assertEquals(gs.code, 1);
    assertStringIncludes(gs.stderr, "S3 APIs");
    assert(dir);
  });
});
