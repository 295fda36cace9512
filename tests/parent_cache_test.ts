/**
 * Parent columns kept whole (`config.parent_cache_mb`, lib/engine/column_cache.ts) change no
 * value: children copying and reading parent columns write the same rows with the cache, with
 * a budget too small for every column, and without it.
 */
import { assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";

const CONFIG = (cacheMb: number | undefined) => `
version: 1
config:
  seed: 4
${cacheMb === undefined ? "" : `  parent_cache_mb: ${cacheMb}`}
tables:
  - table_name: customers
    row_count: 9000
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email() }
      - { column_name: city, data: fake.city() }
      - column_name: vip
        data: random.random() < 0.1
        null_percentage: 0.2
  - table_name: orders
    row_count: 30000
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf", param=1.1)
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
      - column_name: city
        data: copy_from_fk("customer_id", "customers", "city")
      - column_name: vip
        data: copy_from_fk("customer_id", "customers", "vip")
      - column_name: buyer
        data: foreign_key("customers", "id")
      - column_name: buyer_email
        data: copy_from_fk("buyer", "customers", "email")
`;

async function rows(dir: string, name: string, cacheMb: number | undefined): Promise<string> {
  const config = await writeConfig(dir, CONFIG(cacheMb), `${name}.yaml`);
  const out = `${dir}/${name}`;
  const result = await cli(
    "generate",
    "-c",
    config,
    "-o",
    out,
    "--format",
    "csv",
    "--workers",
    "1",
  );
  assertEquals(result.code, 0, result.stderr);
  return await Deno.readTextFile(`${out}/orders/part-00000.csv`);
}

Deno.test("copy_from_fk writes the same rows with parent columns kept whole, partly or not at all", async () => {
  await withTempDir(async (dir) => {
    const kept = await rows(dir, "default", undefined);
    assertStringIncludes(kept, "@");
    // 1 MiB keeps one of the three parent columns (9,000 rows at 64 bytes a value each).
    assertEquals(await rows(dir, "partly", 1), kept);
    assertEquals(await rows(dir, "none", 0), kept);
  });
});

Deno.test("parent_cache_mb must be a non-negative integer", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG(-1));
    const result = await cli("validate", "-c", config);
    assertEquals(result.code, 2);
    assertStringIncludes(
      result.stderr + result.stdout,
      "`parent_cache_mb` must be a non-negative integer",
    );
  });
});
