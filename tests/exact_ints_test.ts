/**
 * Python's ints end to end: `generate` writes ints beyond 2^53 exactly (int64 over its whole
 * range, decimal(38), text), and they read back, digit for digit, from JSON lines, CSV and
 * Parquet, through foreign keys and copies too.
 */
import * as arrow from "apache-arrow";
import { assert, assertEquals } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { partFiles, readCsv, readParquetDir } from "./_read.ts";

const CONFIG = `
version: 1
config:
  seed: 17
tables:
  - table_name: big
    row_count: 400
    columns:
      - column_name: id
        data: 2**62 + row_id
        is_primary_key: true
      - column_name: r
        data: random.randint(-9000000000000000000, 9000000000000000000)
        type: int64
      - column_name: literal
        data: 9000000000000000001
      - column_name: d
        data: 10**37 + row_id
        parquet_type: decimal128(38,0)
      - column_name: text
        data: f"{2**64 + row_id:,}"
  - table_name: kids
    row_count: 300
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: big_id
        data: foreign_key("big", "id")
      - column_name: big_r
        data: copy_from_fk("big_id", "big", "r")
`;

const TWO_62 = 2n ** 62n;

/** JSON lines with every number read exactly: ints as bigints (big ones are strings in JSON). */
async function readExactJsonl(dir: string): Promise<Record<string, unknown>[]> {
  const [name] = await partFiles(dir, ".jsonl");
  const text = await Deno.readTextFile(`${dir}/${name}`);
  const exact = (_key: string, value: unknown, context?: { source?: string }) =>
    typeof value === "number" && /^-?\d+$/.test(context?.source ?? "")
      ? BigInt(context!.source!)
      : typeof value === "string" && /^-?\d{16,}$/.test(value)
      ? BigInt(value)
      : value;
  return text.trim().split("\n").map((line) =>
    JSON.parse(line, exact as (key: string, value: unknown) => unknown)
  );
}

/** A table's rows with every int as a bigint and decimals as their digits. */
function exactRows(table: arrow.Table): Record<string, unknown>[] {
  return table.toArray().map((row) => {
    const out: Record<string, unknown> = {};
    for (const field of table.schema.fields) {
      const value = row[field.name];
      out[field.name] = arrow.DataType.isDecimal(field.type)
        ? decimalInt(value as Uint32Array)
        : typeof value === "bigint" || typeof value === "number"
        ? BigInt(value)
        : value;
    }
    return out;
  });
}

/** An unscaled decimal128 (four little-endian 32-bit words, two's complement) as a bigint. */
function decimalInt(words: Uint32Array): bigint {
  let n = 0n;
  for (let i = 3; i >= 0; i--) n = (n << 32n) | BigInt(words[i]);
  return BigInt.asIntN(128, n);
}

Deno.test("generate writes ints beyond 2^53 exactly, and they read back exactly", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    for (const format of ["jsonl", "parquet", "csv"]) {
      const result = await cli(
        "generate",
        "--config",
        config,
        "--output",
        `${dir}/${format}`,
        "--format",
        format,
      );
      assertEquals(result.code, 0, result.stderr);
    }
    const jsonl = await readExactJsonl(`${dir}/jsonl/big`);
    const parquet = exactRows(await readParquetDir(`${dir}/parquet/big`));
    assertEquals(jsonl.length, 400);
    jsonl.forEach((row, i) => {
      const rowId = BigInt(i + 1);
      assertEquals(row.id, TWO_62 + rowId); // the low digits survive
      assertEquals(row.literal, 9000000000000000001n);
      assertEquals(row.d, 10n ** 37n + rowId);
      assertEquals(row.text, (2n ** 64n + rowId).toLocaleString("en-US"));
      assertEquals(parquet[i], row, `row ${i + 1} reads the same from Parquet`);
    });
    const r = jsonl.map((row) => row.r as bigint);
    assert(r.every((v) => v >= -9000000000000000000n && v <= 9000000000000000000n));
    // A double's rounding would make every value even (and most end in zeros).
    const odd = r.filter((v) => v % 2n !== 0n).length;
    assert(odd > 150 && odd < 250, `${odd} odd values of 400`);
    assert(r.some((v) => v < -(2n ** 62n)) && r.some((v) => v > 2n ** 62n));
    const csv = await readCsv(`${dir}/csv/big/${(await partFiles(`${dir}/csv/big`, ".csv"))[0]}`);
    assertEquals(csv[1].slice(0, 4), [
      String(TWO_62 + 1n),
      String(r[0]),
      "9000000000000000001",
      String(10n ** 37n + 1n),
    ]);
    // Children point at the parents' exact keys and copy their exact values.
    const parents = new Map(jsonl.map((row) => [row.id, row.r]));
    const kids = await readExactJsonl(`${dir}/jsonl/kids`);
    assertEquals(kids.length, 300);
    for (const kid of kids) {
      assert(parents.has(kid.big_id), `${kid.big_id} is a key of big`);
      assertEquals(kid.big_r, parents.get(kid.big_id));
    }
  });
});

Deno.test("an int past its column's range fails at its line, saying what to declare", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      "version: 1\ntables:\n  - table_name: t\n    row_count: 3\n    columns:\n" +
        "      - column_name: n\n        data: 2**63 + row_id\n",
    );
    const result = await cli(
      "generate",
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--format",
      "csv",
    );
    assertEquals(result.code, 1);
    assert(result.stderr.includes(":7:15: error"), result.stderr);
    assert(result.stderr.includes('column "n", row 1'), result.stderr);
    assert(result.stderr.includes("9223372036854775809"), result.stderr);
    assert(result.stderr.includes("declare `type: string`"), result.stderr);
  });
});

Deno.test("an int past 4,300 digits is refused at its position, when checked and when run", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      "version: 1\ntables:\n  - table_name: t\n    row_count: 3\n    columns:\n" +
        "      - column_name: a\n        data: 10**10**10\n" +
        "      - column_name: b\n        data: str(row_id ** 100000)\n",
    );
    const started = Date.now();
    const checked = await cli("validate", "--config", config);
    assertEquals(checked.code, 2);
    assert(checked.stderr.includes(":7:15: error[too-large]"), checked.stderr);
    assert(checked.stderr.includes("ints are limited to 4,300 digits"), checked.stderr);
    assert(!checked.stderr.includes(":9:"), "b is only known when it runs");
    await Deno.writeTextFile(config, (await Deno.readTextFile(config)).replace("10**10**10", "1"));
    const run = await cli(
      "generate",
      "--config",
      config,
      "--output",
      `${dir}/out`,
      "--format",
      "csv",
    );
    assertEquals(run.code, 1);
    assert(run.stderr.includes(":9:15: error[too-large]"), run.stderr);
    assert(run.stderr.includes('column "b", row 2'), run.stderr);
    assert(Date.now() - started < 20_000, "refusing an int does not compute it");
  });
});
