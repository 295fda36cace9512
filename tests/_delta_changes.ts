/**
 * Test helpers for changes of existing rows: a small table (`id`, `region`, `name`, `version`)
 * whose rows are built with explicit Arrow types, change batches of it, and a replay kept
 * independently of the sink: the state rows and change feed rows every commit should leave.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import type { ChangeBatch, Sink } from "../lib/plugin/types.ts";
import { batchOf, column } from "./_batches.ts";

/** The test table's columns. */
export const CHANGE_TYPES = {
  id: new arrow.Int64(),
  region: new arrow.Utf8(),
  name: new arrow.Utf8(),
  version: new arrow.Int32(),
} as const;

/** The test table's schema. */
export const CHANGE_SCHEMA = new arrow.Schema(
  Object.entries(CHANGE_TYPES).map(([name, type]) => new arrow.Field(name, type, true)),
);

/** A row of the test table; `name` is null for every id divisible by 7 (nulls round-trip). */
export interface Row {
  id: number;
  region: string;
  name: string | null;
  version: number;
}

/** The row `id` at `version`, in `region` (EU by default). */
export function row(id: number, version = 0, region = "EU"): Row {
  return { id, region, name: id % 7 === 0 ? null : `name ${id} v${version}`, version };
}

/** A record batch of rows (null: a row of nulls), on {@link CHANGE_SCHEMA}. */
export function rowsBatch(rows: readonly (Row | null)[]): arrow.RecordBatch {
  const batch = batchOf({
    id: column(CHANGE_TYPES.id, rows.map((r) => r && BigInt(r.id))),
    region: column(CHANGE_TYPES.region, rows.map((r) => r && r.region)),
    name: column(CHANGE_TYPES.name, rows.map((r) => r && r.name)),
    version: column(CHANGE_TYPES.version, rows.map((r) => r && r.version)),
  });
  return new arrow.RecordBatch(CHANGE_SCHEMA, batch.data);
}

/** One change: an update to `after`, or a delete (`after` absent). */
export interface Change {
  before: Row;
  after?: Row;
}

/** A feed row as the tests compare them: the version, the kind and the row. */
export type FeedRow = [number, string, Row];

/**
 * The state and feed a table must hold, replayed from the inserts and changes given to the
 * sink, commit by commit, without the sink's code.
 */
export class Replay {
  readonly state = new Map<number, Row>();
  readonly feed: FeedRow[] = [];
  /** The commit being made: its inserts and changes, in order. */
  #commit: { type: string; row: Row }[] = [];
  /** The version the next commit gets. */
  version = 0;

  /** Inserts rows through `sink` and into the replay. */
  async insert(sink: Sink, table: string, rows: readonly Row[]): Promise<void> {
    await sink.write(table, rowsBatch(rows));
    for (const r of rows) {
      this.state.set(r.id, r);
      this.#commit.push({ type: "insert", row: r });
    }
  }

  /** Changes rows (all of one tick) through `sink` and in the replay. */
  async change(sink: Sink, table: string, tick: number, changes: readonly Change[]) {
    await sink.writeChanges!(table, changeBatch(tick, changes));
    for (const { before, after } of changes) {
      if (!this.state.has(before.id)) {
        throw new Error(`The test changes a missing row ${before.id}`);
      }
      if (after) {
        this.state.set(after.id, after);
        this.#commit.push({ type: "update_preimage", row: before });
        this.#commit.push({ type: "update_postimage", row: after });
      } else {
        this.state.delete(before.id);
        this.#commit.push({ type: "delete", row: before });
      }
    }
  }

  /** Notes that the next commit replaces every row (an overwrite): each is deleted. */
  replaceAll(): void {
    for (const r of this.state.values()) this.#commit.push({ type: "delete", row: r });
    this.state.clear();
  }

  /** Flushes `sink` (one commit) and records the commit's feed rows. */
  async flush(sink: Sink, tick?: number): Promise<void> {
    await sink.flush(tick === undefined ? undefined : { tick });
    // A commit with changes has them all in its cdc files; one with only inserts its adds.
    for (const { type, row } of this.#commit) this.feed.push([this.version, type, row]);
    this.#commit = [];
    this.version++;
  }

  /** The state's rows, by id. */
  rows(): Row[] {
    return [...this.state.values()].sort((a, b) => a.id - b.id);
  }

  /** The feed's rows, sorted as {@link sortFeed} does. */
  feedRows(): FeedRow[] {
    return sortFeed(this.feed);
  }
}

/** The current value of the row `before`, updated to its next version. */
export function next(before: Row, region = before.region): Change {
  return { before, after: row(before.id, before.version + 1, region) };
}

/** A change batch of one tick. */
export function changeBatch(tick: number, changes: readonly Change[]): ChangeBatch {
  const after = rowsBatch(changes.map((c) => c.after ?? null));
  return {
    ops: changes.map((c) => c.after ? "u" : "d"),
    ticks: changes.map(() => tick),
    timesMs: changes.map(() => 1_700_000_000_000 + tick * 1000),
    versions: changes.map((c) => c.after?.version ?? c.before.version),
    before: rowsBatch(changes.map((c) => c.before)),
    after,
  };
}

/** Rows of an Arrow table (or engine's JSON) as test rows. */
export function toRow(value: Record<string, unknown>): Row {
  return {
    id: Number(value.id),
    region: value.region as string,
    name: (value.name ?? null) as string | null,
    version: Number(value.version),
  };
}

/** Rows sorted by id. */
export function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => a.id - b.id);
}

/** Feed rows in one order whatever the reader's: by version, id, kind, row version. */
export function sortFeed(rows: readonly FeedRow[]): FeedRow[] {
  const kinds = ["insert", "update_preimage", "update_postimage", "delete"];
  return [...rows].sort((a, b) =>
    a[0] - b[0] || a[2].id - b[2].id || a[2].version - b[2].version ||
    kinds.indexOf(a[1]) - kinds.indexOf(b[1])
  );
}
