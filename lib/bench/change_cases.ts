/**
 * `changes`: updates applied to a 1,000,000-row Delta table by the Delta sink (copy-on-write,
 * with its change data feed), 1% of the rows per commit: changes per second when the updated
 * rows are spread uniformly over the table, and when they cluster on recent rows (the newest
 * tenth, denser towards the newest), as a table of orders changes. The table is in files of
 * 100,000 rows: a uniform commit rewrites every file, a clustered one the newest few. The
 * ratio (clustered over uniform) is the target; `files_rewritten_*` say why. Beside them, the
 * clustered commits on the table as one file of 1,000,000 rows: the cost of large files.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import { columnsBatch } from "../arrow/batch.ts";
import type { BenchCase } from "./case.ts";
import { createDeltaSink } from "../../plugins/sinks/delta.ts";
import type { ChangeBatch, Sink } from "../plugin/types.ts";
import { localFs } from "../delta/fs.ts";
import { readCommit } from "../delta/log_reader.ts";

const ROWS = 1_000_000;
const FILE_ROWS = 100_000;
/** Rows updated per commit: 1% of the table. */
const UPDATES = ROWS / 100;
const STATUSES = ["placed", "paid", "shipped", "delivered"];

const SCHEMA = new arrow.Schema([
  new arrow.Field("id", new arrow.Int64(), true),
  new arrow.Field("amount", new arrow.Float64(), true),
  new arrow.Field("status", new arrow.Utf8(), true),
  new arrow.Field("version", new arrow.Int32(), true),
]);

/** The rows `ids` at `versions` (a pure function of both, so before and after are known). */
function rowsOf(ids: readonly number[], versions: readonly number[]): arrow.RecordBatch {
  const n = ids.length;
  const children = [
    arrow.makeData({ type: new arrow.Int64(), length: n, data: BigInt64Array.from(ids, BigInt) }),
    arrow.makeData({
      type: new arrow.Float64(),
      length: n,
      data: Float64Array.from(ids, (id, i) => (id % 1000) + versions[i] / 4),
    }),
    arrow.vectorFromArray(versions.map((v) => STATUSES[v % 4]), new arrow.Utf8()).data[0],
    arrow.makeData({ type: new arrow.Int32(), length: n, data: Int32Array.from(versions) }),
  ];
  return columnsBatch(SCHEMA, children, n);
}

/** A small deterministic generator (mulberry32): the same picks every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `UPDATES` distinct ids: uniform over the table, or among the newest tenth, denser newer. */
function pick(next: () => number, clustered: boolean): number[] {
  const ids = new Set<number>();
  while (ids.size < UPDATES) {
    const u = next();
    ids.add(clustered ? ROWS - 1 - Math.floor(ROWS / 10 * u * u) : Math.floor(ROWS * u));
  }
  return [...ids];
}

/** Updates of `ids` from their versions in `versions` (which it advances). */
function updates(tick: number, ids: number[], versions: Map<number, number>): ChangeBatch {
  const before = ids.map((id) => versions.get(id) ?? 0);
  const after = before.map((v) => v + 1);
  ids.forEach((id, i) => versions.set(id, after[i]));
  return {
    ops: ids.map(() => "u"),
    ticks: ids.map(() => tick),
    timesMs: ids.map(() => tick * 1000),
    versions: after,
    before: rowsOf(ids, before),
    after: rowsOf(ids, after),
  };
}

/** Writes the table: `ROWS` rows, one commit. */
async function writeTable(sink: Sink): Promise<void> {
  for (let start = 0; start < ROWS; start += FILE_ROWS) {
    const ids = Array.from({ length: FILE_ROWS }, (_, i) => start + i);
    await sink.write("orders", rowsOf(ids, ids.map(() => 0)));
  }
  await sink.flush({ tick: 0 });
}

/**
 * Commits of 1% updates to a table in files of `fileRows`: changes and seconds, and the files
 * each commit rewrote.
 */
async function updateCommits(clustered: boolean, commits: number, fileRows = FILE_ROWS) {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-changes-" });
  try {
    const sink = createDeltaSink({ dir, targetFileRows: fileRows });
    await sink.open([{ name: "orders", schema: SCHEMA, primaryKey: "id", changes: true }], {
      mode: "error",
    });
    await writeTable(sink);
    const versions = new Map<number, number>();
    const next = random(clustered ? 2 : 1);
    let seconds = 0;
    let rewritten = 0;
    for (let tick = 1; tick <= commits; tick++) {
      const batch = updates(tick, pick(next, clustered), versions);
      const started = performance.now();
      await sink.writeChanges!("orders", batch);
      await sink.flush({ tick });
      seconds += (performance.now() - started) / 1000;
      const actions = await readCommit(localFs, `${dir}/orders`, tick);
      rewritten += actions.filter((a) => a.remove).length;
    }
    await sink.close();
    return { rows: commits * UPDATES, seconds, filesRewritten: rewritten / commits };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** See the module's notes. */
export const changes: BenchCase = {
  name: "changes",
  summary: "Delta copy-on-write: 1% updates/commit of 1M rows, clustered on recent vs uniform",
  target: { op: ">=", value: 3, unit: "x clustered/uniform changes/s" },
  runs: { full: 3, quick: 1 },
  async run(quick) {
    const commits = quick ? 2 : 4;
    const uniform = await updateCommits(false, commits);
    const clustered = await updateCommits(true, commits);
    // The other side of the trade-off: one file of the whole table, rewritten every commit.
    const whole = await updateCommits(true, commits, ROWS);
    return {
      rows: clustered.rows,
      seconds: clustered.seconds,
      ratio: (clustered.rows / clustered.seconds) / (uniform.rows / uniform.seconds),
      baseline: { rows: uniform.rows, seconds: uniform.seconds },
      extra: {
        uniform_changes_per_s: uniform.rows / uniform.seconds,
        clustered_changes_per_s: clustered.rows / clustered.seconds,
        clustered_one_file_changes_per_s: whole.rows / whole.seconds,
        files_rewritten_uniform: uniform.filesRewritten,
        files_rewritten_clustered: clustered.filesRewritten,
        seconds_per_commit_uniform: uniform.seconds / commits,
        seconds_per_commit_clustered: clustered.seconds / commits,
      },
    };
  },
};
