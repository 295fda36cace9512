/**
 * delta-rs on our tables: `history()` lists our log; the statistics `get_add_actions` reads
 * from our log equal those recomputed from each data file; `vacuum` lists exactly the removed
 * files (never an active one); and a table `run` wrote, compacted by delta-rs's
 * `optimize.compact()`, is resumed by `run` and ends with an uninterrupted run's rows.
 */
import { assert, assertEquals } from "../_assert.ts";
import { withTempDir } from "../_cli.ts";
import { assertSameRows, ENGINES, interopTest, type Peer } from "./_peer.ts";
import {
  activeFiles,
  FIXTURES,
  ok,
  once,
  RUN_TABLES,
  RUN_TICKS,
  runArgs,
  sharedTempDir,
  streamedRows,
} from "./_ours.ts";
import { decodePath } from "../../lib/delta/actions.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readCommit, readSnapshot } from "../../lib/delta/log_reader.ts";

const tempDir = sharedTempDir();

/** The streaming fixture run to the end, then compacted by `tablestream optimize`. */
const streamed = once(async () => {
  const output = `${await tempDir()}/streamed`;
  await ok(...runArgs(output, RUN_TICKS));
  await ok("optimize", `${output}/orders`);
  return output;
});

interopTest("delta-rs's history() lists our log's commits", async (peer) => {
  const table = `${await streamed()}/orders`;
  const { version } = await readSnapshot(localFs, table);
  const history = await peer.py<Record<string, unknown>[]>(
    "keys = ['version', 'timestamp', 'operation', 'operationParameters', 'readVersion',\n" +
      "        'isBlindAppend', 'operationMetrics', 'engineInfo', 'txnId']\n" +
      "result = [{k: h.get(k) for k in keys} for h in DeltaTable(args['path']).history()]",
    { path: table },
  );
  const ours = [];
  for (let v = version; v >= 0; v--) {
    const info = (await readCommit(localFs, table, v)).find((a) => a.commitInfo)!.commitInfo!;
    ours.push({
      version: v,
      timestamp: info.timestamp,
      operation: info.operation,
      operationParameters: info.operationParameters,
      readVersion: info.readVersion ?? null,
      isBlindAppend: info.isBlindAppend,
      operationMetrics: info.operationMetrics,
      engineInfo: info.engineInfo,
      txnId: info.txnId,
    });
  }
  assertEquals(history, ours);
});

/**
 * Recomputes each active file's statistics from its data (read with pyarrow) by the
 * protocol's rules as our writer applies them (timestamps truncated to milliseconds, strings
 * cut to 32 characters, the max then followed by U+10FFFF, no bounds for a float column with
 * NaN or an infinity in the file, nor for booleans and binary), and compares them with what
 * delta-rs's `get_add_actions` read.
 */
const STATS_CHECK = `
import math, urllib.parse

def truncated_ms(value):
    return value.replace(microsecond=value.microsecond // 1000 * 1000)

def bounds(column):
    kind = column.type
    if pa.types.is_boolean(kind) or pa.types.is_binary(kind):
        return None, None
    values = [v for v in column.to_pylist() if v is not None]
    if pa.types.is_floating(kind) and not all(math.isfinite(v) for v in values):
        return None, None
    if not values:
        return None, None
    low, high = min(values), max(values)
    if pa.types.is_timestamp(kind):
        return truncated_ms(low), truncated_ms(high)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        if len(low) > 32:
            low = low[:32]
        if len(high) > 32:
            high = high[:32] + '\\U0010FFFF'
    return low, high

table = DeltaTable(args['path'])
partitions = set(table.metadata().partition_columns)
checked = 0
mismatches = []
for add in pa.table(table.get_add_actions(flatten=True)).to_pylist():
    path = os.path.join(args['path'], urllib.parse.unquote(add['path']))
    data = pq.ParquetFile(path).read()
    if add['num_records'] != data.num_rows:
        mismatches.append(f"{add['path']}: num_records {add['num_records']} != {data.num_rows}")
    for name in data.column_names:
        if name in partitions:
            continue
        column = data.column(name)
        low, high = bounds(column)
        expected = {'null_count': column.null_count, 'min': low, 'max': high}
        for stat, value in expected.items():
            seen = add.get(f'{stat}.{name}')
            checked += 1
            if seen != value:
                mismatches.append(f"{add['path']} {name}: {stat} {seen!r} != {value!r}")
result = {'checked': checked, 'mismatches': mismatches}
`;

/** Asserts that delta-rs reads, for every file of `path`, the stats its data gives. */
async function assertStatsOfData(peer: Peer, path: string): Promise<void> {
  const { checked, mismatches } = await peer.py<{ checked: number; mismatches: string[] }>(
    STATS_CHECK,
    { path },
  );
  assertEquals(mismatches, [], `statistics of ${path}`);
  assert(checked >= (await activeFiles(path)).length * 3, `${path}: ${checked} values checked`);
}

interopTest("delta-rs reads our statistics as those of each file's data", async (peer) => {
  await withTempDir(async (dir) => {
    await ok("generate", "--config", `${FIXTURES}all_types.yaml`, "--output", dir);
    await ok("generate", "--config", `${FIXTURES}partitioned.yaml`, "--output", dir);
    await ok("generate", "--config", `${FIXTURES}floats.yaml`, "--output", dir);
    for (const table of ["all_types", "by_date", "by_text", "by_number", "by_time", "floats"]) {
      await assertStatsOfData(peer, `${dir}/${table}`);
    }
  });
  for (const table of RUN_TABLES) await assertStatsOfData(peer, `${await streamed()}/${table}`);
});

interopTest(
  "delta-rs's vacuum lists exactly our removed files, never an active one",
  async (peer) => {
    for (const table of ["orders", "statuses"]) {
      const path = `${await streamed()}/${table}`;
      const snapshot = await readSnapshot(localFs, path);
      assert(snapshot.tombstones.length > 0, `${table} has removed files`);
      const listed = await peer.py<{ recent: string[]; all: string[] }>(
        "table = DeltaTable(args['path'])\n" +
          "result = {\n" +
          "  'recent': table.vacuum(dry_run=True),\n" +
          // full: also every file in the folders that no version references.
          "  'all': table.vacuum(retention_hours=0, enforce_retention_duration=False,\n" +
          "                      dry_run=True, full=True),\n" +
          "}",
        { path },
      );
      // Files removed within the retention period (7 days) stay for readers of older versions.
      assertEquals(listed.recent, [], `${table}: vacuum within the retention period`);
      const removed = snapshot.tombstones.map((r) => decodePath(r.path)).sort();
      // delta-rs lists paths as they are on disk.
      assertEquals(listed.all.sort(), removed, table);
    }
  },
);

interopTest(
  "a run table compacted by delta-rs is resumed by run with an uninterrupted run's rows",
  async (peer) => {
    const output = `${await tempDir()}/compacted`;
    await ok(...runArgs(output, 40));
    const before = new Map<string, number>();
    for (const table of RUN_TABLES) {
      before.set(table, (await activeFiles(`${output}/${table}`)).length);
    }
    const compacted = await peer.py<Record<string, number>>(
      "result = {t: DeltaTable(os.path.join(args['output'], t)).optimize.compact()['numFilesRemoved']\n" +
        "          for t in args['tables']}",
      { output, tables: RUN_TABLES },
    );
    assert(compacted.orders > 0 && compacted.customers > 0, JSON.stringify(compacted));
    assert((await activeFiles(`${output}/orders`)).length < before.get("orders")!);
    const partial = await streamedRows(40);
    for (const table of RUN_TABLES) {
      const expected = await peer.describe(partial.rows(table));
      assertSameRows(await peer.ours(`${output}/${table}`), expected, `ours, compacted ${table}`);
    }

    await ok(...runArgs(output, RUN_TICKS));
    const whole = await streamedRows(RUN_TICKS);
    for (const table of RUN_TABLES) {
      const expected = await peer.describe(whole.rows(table));
      const path = `${output}/${table}`;
      assertSameRows(await peer.ours(path), expected, `ours, resumed ${table}`);
      for (const engine of ENGINES) {
        assertSameRows(await peer.read(engine, path), expected, `${engine}, resumed ${table}`);
      }
    }
    // The resumed run committed after delta-rs's compaction (and checkpointed its files).
    const snapshot = await readSnapshot(localFs, `${output}/orders`);
    let compaction = -1;
    for (let v = 0; v <= snapshot.version; v++) {
      const info = (await readCommit(localFs, `${output}/orders`, v)).find((a) => a.commitInfo);
      if (info?.commitInfo?.operation === "OPTIMIZE") compaction = v;
    }
    assert(compaction > 0 && snapshot.version > compaction, `compacted at ${compaction}`);
  },
);
