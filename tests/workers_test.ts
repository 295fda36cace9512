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

/**
 * Runs `write` into a fresh output folder for each worker count and checks that `tables`
 * hold the same rows every time; `write` returns what the run printed (stdout + stderr).
 */
async function assertSameRowsFor(
  counts: string[],
  tables: string[],
  write: (config: string, out: string, workers: string) => Promise<string>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const results: Record<string, string>[] = [];
    for (const workers of counts) {
      const out = `${dir}/out${workers}`;
      const printed = await write(config, out, workers);
      // The workers were really used (or not): each run says how it generated.
      const used = workers === "1"
        ? !/(\d+ workers\)|Generating in \d+ workers)/.test(printed)
        : printed.includes(`${workers} workers`);
      assertEquals(used, true, printed);
      results.push(await digests(out, tables));
    }
    for (const result of results.slice(1)) assertEquals(result, results[0]);
  });
}

/** Runs the CLI, failing the test on a non-zero exit; what it printed. */
async function ok(...args: string[]): Promise<string> {
  const run = await cli(...args);
  assertEquals(run.code, 0, run.stderr);
  return run.stdout + run.stderr;
}

Deno.test("generate writes the same rows with 1, 2 and 3 workers", async () => {
  await assertSameRowsFor(["1", "2", "3"], ["customers", "orders"], (config, out, workers) =>
    ok(
      ..."generate --reference-time 2026-01-01 --batch-size 7000".split(" "),
      ...["-c", config, "-o", out, "--workers", workers],
    ));
});

Deno.test("run --fast-forward writes the same rows with 1, 2 and 3 workers", async () => {
  await assertSameRowsFor(["1", "2", "3"], ["orders"], async (config, out, workers) => {
    // customers comes from generate: read back as stored, its rows sent to the workers.
    await ok(
      ..."generate --table customers --reference-time 2026-01-01 --workers 1".split(" "),
      ...["-c", config, "-o", out],
    );
    return await ok(
      ..."run --tables orders --fast-forward --start-time 2026-01-01T00:00:00Z".split(" "),
      ..."--ticks 30 --commit-rows 25000 --log-format json".split(" "),
      ...["-c", config, "-o", out, "--workers", workers],
    );
  });
});

Deno.test("run --fast-forward with workers equals one thread, streaming parents", async () => {
  await assertSameRowsFor(["1", "2"], ["customers", "orders"], (config, out, workers) =>
    ok(
      ..."run --fast-forward --start-time 2026-01-01T00:00:00Z --ticks 40".split(" "),
      ..."--commit-rows 30000 --log-format json".split(" "),
      ...["-c", config, "-o", out, "--workers", workers],
    ));
});

Deno.test("a cell that fails in a worker fails the run as it would in one thread", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      `version: 1
tables:
  - table_name: t
    row_count: 60000
    columns:
      - column_name: id
        data: row_id
      - column_name: ratio
        data: 1 / (row_id - 45000)
`,
    );
    const messages: string[] = [];
    for (const workers of ["1", "2"]) {
      const run = await cli(
        "generate",
        "-c",
        config,
        "-o",
        `${dir}/out${workers}`,
        "--workers",
        workers,
      );
      assertEquals(run.code, 1, run.stderr);
      const left = await Deno.stat(`${dir}/out${workers}`).then(() => true, () => false);
      assertEquals(left, false, "the failed run leaves no table");
      messages.push(run.stderr.split("\n").find((l) => l.includes("row 45000")) ?? run.stderr);
    }
    assertEquals(messages[1], messages[0]);
    assertEquals(messages[0].includes('column "ratio", row 45000'), true, messages[0]);
  });
});
