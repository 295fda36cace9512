/**
 * The shards tests' config and helpers: tables with a zipf foreign key, `copy_from_fk`, an
 * `is_unique` key, nulls, `datetime.now()`, a table that never changes and one replaced every
 * tick; and a digest of a Delta table's rows in key order, to compare the union of N shards
 * with one process's output.
 *
 * @module
 */
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { readTable } from "../lib/delta/read_data.ts";
import { cells } from "./_delta.ts";

/** The tables of {@link SHARD_CONFIG} and their keys, parents first. */
export const SHARD_TABLES: Record<string, string> = {
  customers: "id",
  profiles: "id",
  orders: "order_id",
  countries: "code",
  prices: "id",
};

/** The config of the shards tests (its reference time fixed, as shards of `generate` need). */
export const SHARD_CONFIG = `version: 1
config:
  seed: 7
  reference_time: "2026-01-01T00:00:00Z"
  tick_interval: 10s
tables:
  - table_name: customers
    row_count: 300
    cadence: { rows_per_minute: 30 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: email, data: fake.email(), null_percentage: 0.1 }
      - { column_name: since, data: datetime.now() }
  - table_name: profiles
    row_count: 120
    cadence: { rows_per_minute: 3 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id", is_unique=True)
      - column_name: email
        data: copy_from_fk("customer_id", "customers", "email")
  - table_name: orders
    row_count: 1000
    cadence: { rows_per_minute: 700 }
    columns:
      - { column_name: order_id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "id", distribution="zipf", param=1.2)
      - column_name: customer_email
        data: copy_from_fk("customer_id", "customers", "email")
      - { column_name: amount, data: "round(random.uniform(1, 500), 2)" }
      - { column_name: at, data: datetime.now() }
  - table_name: countries
    row_count: 5
    update_policy: disabled
    columns:
      - { column_name: code, data: row_id, is_primary_key: true }
      - { column_name: name, data: fake.country() }
  - table_name: prices
    row_count: 4
    update_policy: replace
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: price, data: "random.randint(1, 1000)" }
      - column_name: country
        data: foreign_key("countries", "code")
`;

/** SHA-256 (24 hex digits) of a Delta table's rows in key order, and its row count. */
export async function tableDigest(
  path: string,
  key: string,
): Promise<{ rows: number; digest: string }> {
  const table = await readTable(localFs, await readSnapshot(localFs, path));
  const text = cells(table, key).join("\n");
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const digest = [...new Uint8Array(hash).slice(0, 12)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  return { rows: table.numRows, digest };
}

/** Every table's digest under `dir`. */
export async function outputDigests(
  dir: string,
  tables: Record<string, string> = SHARD_TABLES,
): Promise<Record<string, { rows: number; digest: string }>> {
  const out: Record<string, { rows: number; digest: string }> = {};
  for (const [name, key] of Object.entries(tables)) {
    out[name] = await tableDigest(`${dir}/${name}`, key);
  }
  return out;
}
