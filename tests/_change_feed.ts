/**
 * A Delta change data feed as the change-stream tests compare it, whoever read it (our reader,
 * Spark, delta-rs): rows of plain values with `_change_type` and `version` (the commit), and
 * the table such a feed replays to.
 *
 * @module
 */
import { plainRows } from "./_server.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readChangeFeed } from "../lib/delta/change_feed.ts";

/**
 * The YAML of an `orders` table whose rows change, as the kill tests stream it: 120 inserts,
 * 60 updates (a status that only moves forward, `placed -> paid -> shipped -> delivered`, and
 * its time) and 12 deletes a minute, zipf picks.
 */
export function changingOrders(rowCount: number): string {
  return `  - table_name: orders
    row_count: ${rowCount}
    cadence: { rows_per_minute: 120 }
    changes:
      updates_per_minute: 60
      update_columns: [status, updated_at]
      deletes_per_minute: 12
      pick: { distribution: zipf, param: 1.1 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: amount, data: "round(random.uniform(5, 500), 2)" }
      - column_name: status
        data: |
          if version == 0:
              return "placed"
          return {"placed": "paid", "paid": "shipped", "shipped": "delivered"}.get(previous, previous)
      - { column_name: updated_at, data: datetime.now() }
`;
}

/** A row of a feed or a table, of plain values. */
export type Row = Record<string, unknown>;

/** A value as the comparisons spell it: dates as ms since the epoch, 64-bit integers as numbers. */
export function spelled(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "bigint") return Number(value);
  return value;
}

/** A row with its values {@link spelled} and its columns in name order. */
export function spelledRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).sort(([a], [b]) => a < b ? -1 : 1).map(([k, v]) => [k, spelled(v)]),
  );
}

/**
 * Feed rows of any reader as compared: `_commit_version` as `version`, `_commit_timestamp`
 * left out (the time of the write, not of the data), values {@link spelled}.
 */
export function feedRows(rows: readonly Row[]): Row[] {
  return rows.map((row) => {
    const { _commit_version: version, _commit_timestamp: _, ...rest } = row;
    return { ...spelledRow(rest), version: Number(version) };
  });
}

/** Our reader's feed of a table from version 0, as {@link feedRows}. */
export async function ourFeed(path: string): Promise<Row[]> {
  return feedRows(plainRows(await readChangeFeed(localFs, path)));
}

/** The rows of a feed as sorted text, with (`withCommits`) or without their commit versions. */
export function feedText(rows: readonly Row[], withCommits = true): string[] {
  return rows.map(({ version, ...rest }) =>
    JSON.stringify(withCommits ? { ...rest, version } : rest)
  )
    .sort();
}

/** The rows of a feed as sorted text without their commit (which differ across kills). */
export function withoutCommits(rows: readonly Row[]): string[] {
  return feedText(rows, false);
}

/**
 * The table a feed replays to, by `id`: commit by commit, inserts and post-images set a key's
 * row, deletes remove it; a row's changes within one commit are ordered by `updated_at`
 * (engines promise no order of a commit's change rows).
 */
export function replayFeed(rows: readonly Row[]): Row[] {
  const order = (row: Row) =>
    [Number(row.version), Number(row.updated_at), row._change_type === "delete" ? 1 : 0] as const;
  const sorted = rows.filter((row) => row._change_type !== "update_preimage").sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  const state = new Map<unknown, Row>();
  for (const { _change_type: type, version: _, ...row } of sorted) {
    if (type === "delete") state.delete(row.id);
    else state.set(row.id, row);
  }
  return [...state.values()].sort((a, b) => Number(a.id) - Number(b.id));
}
