/**
 * `--workers N` changes where rows are generated, never which: `generate` and
 * `run --fast-forward` write the same rows for N = 1, 2 and 3, foreign keys, copies, a
 * parent read back from storage and a streaming timeline included.
 */
import { assertEquals } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { digestRows } from "./_digest.ts";
import { readOutputTable } from "./_read.ts";

const CONFIG = `
version: 1
config:
  locale: en_US
  seed: 21
  tick_interval: 10s
tables:
  - table_name: customers
    row_count: 3000
    cadence:
      rows_per_minute: 600
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: email
        data: fake.email()
        null_percentage: 0.1
      - column_name: tier
        data: random.choice(["gold", "silver"])
  - table_name: orders
    row_count: 60000
    cadence:
      rows_per_minute: 6000
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf", param=1.1)
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
      - column_name: amount
        data: round(random.uniform(1, 500), 2)
      - column_name: at
        data: datetime.now()
`;

/** Every table under `dir` by its digest. */
async function digests(dir: string, tables: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    out[table] = await digestRows(await readOutputTable(`${dir}/${table}`));
  }
  return out;
}

Deno.test("generate writes the same rows with 1, 2 and 3 workers", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const results: Record<string, string>[] = [];
    for (const workers of ["1", "2", "3"]) {
      const out = `${dir}/out${workers}`;
      const run = await cli(
        "generate",
        "-c",
        config,
        "-o",
        out,
        "--reference-time",
        "2026-01-01",
        "--workers",
        workers,
        "--batch-size",
        "7000",
      );
      assertEquals(run.code, 0, run.stderr);
      const used = workers === "1" ? "in one thread" : `${workers} workers`;
      assertEquals(run.stdout.includes(`(${used})`), true, run.stdout);
      results.push(await digests(out, ["customers", "orders"]));
    }
    assertEquals(results[1], results[0]);
    assertEquals(results[2], results[0]);
  });
});

Deno.test("run --fast-forward writes the same rows with 1, 2 and 3 workers", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const results: Record<string, string>[] = [];
    for (const workers of ["1", "2", "3"]) {
      const out = `${dir}/out${workers}`;
      // customers comes from generate: read back as stored (its rows go to workers as IPC).
      const parent = await cli(
        "generate",
        "-c",
        config,
        "-o",
        out,
        "--table",
        "customers",
        "--reference-time",
        "2026-01-01",
        "--workers",
        "1",
      );
      assertEquals(parent.code, 0, parent.stderr);
      const run = await cli(
        "run",
        "-c",
        config,
        "-o",
        out,
        "--tables",
        "orders",
        "--fast-forward",
        "--start-time",
        "2026-01-01T00:00:00Z",
        "--ticks",
        "30",
        "--commit-rows",
        "25000",
        "--workers",
        workers,
        "--log-format",
        "json",
      );
      assertEquals(run.code, 0, run.stderr);
      assertEquals(run.stderr.includes(`Generating in ${workers} workers`), workers !== "1");
      results.push(await digests(out, ["orders"]));
    }
    assertEquals(results[1], results[0]);
    assertEquals(results[2], results[0]);
  });
});

Deno.test("run --fast-forward with workers equals the same run in one thread, streaming parents", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const results: Record<string, string>[] = [];
    for (const workers of ["1", "2"]) {
      const out = `${dir}/out${workers}`;
      const run = await cli(
        "run",
        "-c",
        config,
        "-o",
        out,
        "--fast-forward",
        "--start-time",
        "2026-01-01T00:00:00Z",
        "--ticks",
        "40",
        "--commit-rows",
        "30000",
        "--workers",
        workers,
        "--log-format",
        "json",
      );
      assertEquals(run.code, 0, run.stderr);
      assertEquals(run.stderr.includes(`Generating in ${workers} workers`), workers !== "1");
      results.push(await digests(out, ["customers", "orders"]));
    }
    assertEquals(results[1], results[0]);
  });
});
