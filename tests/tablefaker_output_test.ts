/**
 * What a tablefaker user finds in the files `generate` writes, where tablefaker 1.11.1 writes
 * the same (found by tests/interop/tablefaker_test.ts, which runs both; these pin it without
 * Python): split files named `<export_file_name or table>_<n>`, CSV booleans and floats as
 * Python prints them, JSON floats that read back as floats.
 */
import { assert, assertEquals } from "./_assert.ts";
import { cli, withTempDir } from "./_cli.ts";
import { partFiles, readCsv } from "./_read.ts";

const CONFIG = new URL("./fixtures/tablefaker/side_by_side.yaml", import.meta.url).pathname;

async function generate(out: string, format: string): Promise<void> {
  const result = await cli("generate", "-c", CONFIG, "-o", out, "-f", format);
  assertEquals(result.code, 0, result.stderr);
}

/** A CSV table's rows as objects, over all its files in order. */
async function csvRows(dir: string): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  for (const file of await partFiles(dir, ".csv")) {
    const [header, ...records] = await readCsv(`${dir}/${file}`);
    rows.push(...records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))));
  }
  return rows;
}

Deno.test("split tables name their files as tablefaker does, in every file format", async () => {
  await withTempDir(async (dir) => {
    for (const format of ["csv", "json", "parquet"]) {
      await generate(`${dir}/${format}`, format);
      const files = async (table: string) => await partFiles(`${dir}/${format}/${table}`, "");
      // export_file_count: 3 without a name: the table's name, _1 to _3.
      assertEquals(await files("customers"), [1, 2, 3].map((n) => `customers_${n}.${format}`));
      // export_file_row_count: 100 of 250 rows: three files, after the table.
      assertEquals(await files("orders"), [1, 2, 3].map((n) => `orders_${n}.${format}`));
      assertEquals(await files("refunds"), [`refund_list.${format}`]);
      assertEquals(await files("events"), [`event_log_1.${format}`, `event_log_2.${format}`]);
    }
    const sizes = [];
    for (const file of await partFiles(`${dir}/csv/orders`, ".csv")) {
      sizes.push((await readCsv(`${dir}/csv/orders/${file}`)).length - 1);
    }
    assertEquals(sizes, [100, 100, 50]);
  });
});

Deno.test("CSV spells booleans and floats as Python prints them, as tablefaker's CSV", async () => {
  await withTempDir(async (dir) => {
    await generate(dir, "csv");
    const customers = await csvRows(`${dir}/customers`);
    const orders = await csvRows(`${dir}/orders`);
    assertEquals(customers.length, 100);
    for (const row of customers) {
      assert(["True", "False"].includes(row.vip), `vip ${row.vip}`);
      // random.choice([100.0, 250.0, 12.5, 3000.0]): whole floats keep their ".0".
      assert(["100.0", "250.0", "12.5", "3000.0"].includes(row.credit), `credit ${row.credit}`);
      // Below 1e-4 Python's repr switches to an exponent of at least two digits.
      assert(/^\d(\.\d+)?e-(0[5-9]|1\d)$/.test(row.tiny), `tiny ${row.tiny}`);
      // A float32 is numpy's text: positional below 1e6, an exponent from there.
      const funding = Number(row.funding);
      const form = funding >= 1e6 ? /^\d(\.\d+)?e\+06$/ : /^\d+\.\d+$/;
      assert(form.test(row.funding), `funding ${row.funding}`);
      assert(/^\d+$/.test(row.visits), `visits ${row.visits}`);
    }
    assert(customers.some((row) => row.credit.endsWith(".0")));
    assert(customers.some((row) => Number(row.funding) >= 1e6));
    for (const row of orders) assert(["True", "False"].includes(row.paid), `paid ${row.paid}`);
  });
});

Deno.test("JSON floats read back as floats: whole ones keep their .0", async () => {
  await withTempDir(async (dir) => {
    await generate(dir, "json");
    let whole = 0;
    for (const file of await partFiles(`${dir}/customers`, ".json")) {
      const text = await Deno.readTextFile(`${dir}/customers/${file}`);
      for (const [, credit] of text.matchAll(/"credit":([^,}]+)/g)) {
        assert(/^\d+\.\d+$/.test(credit), `credit ${credit}`);
        if (credit.endsWith(".0")) whole++;
      }
    }
    assert(whole > 0, "no whole credit was drawn");
  });
});
