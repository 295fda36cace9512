/**
 * The fault tests' config and readers: a sensor-and-orders config with every imperfection,
 * rows read back from Delta, and the counts its commits recorded.
 *
 * @module
 */
import type * as arrow from "apache-arrow";
import { localFs } from "../lib/delta/fs.ts";
import { latestVersion, readCommit, readSnapshot } from "../lib/delta/log_reader.ts";
import { readTable } from "../lib/delta/read_data.ts";
import { type FaultCounts, noFaults } from "../lib/engine/faults.ts";
import { exactJson } from "./_delta.ts";

/** 2026-01-01T00:00:00Z. */
export const START = Date.UTC(2026, 0, 1);
/** 120 ticks of 10 s at 5,000 rows a minute: 100,000 orders. */
export const TICKS = 120;
export const ROWS_PER_MINUTE = 5000;
export const ORDERS = TICKS * 10 * ROWS_PER_MINUTE / 60;

/** Customers that never grow, and orders with every imperfection. */
export const FAULTS_CONFIG = `version: 1
config:
  seed: 11
  tick_interval: 10s
tables:
  - table_name: customers
    row_count: 500
    cadence: { enabled: false }
    columns:
      - { column_name: customer_id, data: row_id, is_primary_key: true }
  - table_name: orders
    row_count: 0
    cadence: { rows_per_minute: ${ROWS_PER_MINUTE} }
    duplicates: { fraction: 0.04, max_delay: 1m, change: status }
    columns:
      - { column_name: order_id, data: row_id, is_primary_key: true }
      - column_name: customer_id
        data: foreign_key("customers", "customer_id")
        orphans: 0.02
      - column_name: status
        data: random.choice(["new", "paid", "shipped", "returned"])
      - column_name: note
        data: fake.word()
        bad_values: { fraction: 0.03, kinds: [null] }
      - column_name: arrived_at
        data: datetime.now()
      - column_name: event_at
        event_time: { late_fraction: 0.1, max_delay: 2m }
`;

/** A Delta table's rows as plain objects. */
export async function rowsOf(path: string): Promise<Record<string, unknown>[]> {
  const table: arrow.Table = await readTable(localFs, await readSnapshot(localFs, path));
  return table.toArray().map((r) => r.toJSON());
}

/** The sum of every commit's injected counts, from `commitInfo.operationMetrics`. */
export async function committedCounts(path: string): Promise<FaultCounts> {
  const sum = noFaults();
  const last = (await latestVersion(localFs, path))!;
  const names: Record<string, keyof FaultCounts> = {
    numInjectedLate: "late",
    numInjectedDuplicate: "duplicate",
    numInjectedBadValue: "bad_value",
    numInjectedOrphan: "orphan",
  };
  for (let v = 0; v <= last; v++) {
    const info = (await readCommit(localFs, path, v)).find((a) => a.commitInfo)?.commitInfo;
    const metrics = (info?.operationMetrics ?? {}) as Record<string, string>;
    for (const [name, kind] of Object.entries(names)) sum[kind] += Number(metrics[name] ?? 0);
  }
  return sum;
}

/** The rows as sorted text: equal for equal multisets of rows. */
export function rowsText(rows: Record<string, unknown>[]): string {
  return rows.map((r) =>
    JSON.stringify(r, (k, v) => typeof v === "bigint" ? `${v}n` : exactJson(k, v))
  )
    .sort().join("\n");
}
