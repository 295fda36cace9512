import * as arrow from "apache-arrow";
import { assert, assertEquals, assertThrows } from "../../tests/_assert.ts";
import type { Add, DomainMetadata } from "./actions.ts";
import { joinPath, localFs } from "./fs.ts";
import { readCommit, readSnapshot } from "./log_reader.ts";
import { countRows } from "./read_data.ts";
import { addActions, assignRowIds, rowIdHighWaterMark } from "./row_tracking.ts";
import { optimize } from "./optimize.ts";
import { DeltaWriter } from "./writer.ts";

function add(path: string, rows: number): Add {
  return {
    path,
    partitionValues: {},
    size: 1,
    modificationTime: 0,
    dataChange: true,
    stats: JSON.stringify({ numRecords: rows }),
  };
}

function domains(mark?: number): Map<string, DomainMetadata> {
  const map = new Map<string, DomainMetadata>();
  if (mark !== undefined) {
    map.set("delta.rowTracking", {
      domain: "delta.rowTracking",
      configuration: JSON.stringify({ rowIdHighWaterMark: mark, domainName: "delta.rowTracking" }),
      removed: false,
    });
  }
  return map;
}

function rows(start: number, n: number): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i))),
  });
}

async function tempTable(): Promise<string> {
  return joinPath(await Deno.makeTempDir({ prefix: "tablestream-rowtracking-" }), "t");
}

Deno.test("row ids follow the high-water mark, a file taking as many as it has rows", () => {
  const assigned = assignRowIds([add("a", 3), add("b", 0), add("c", 5)], domains(41), 7);
  assertEquals(assigned.adds.map((a) => [a.baseRowId, a.defaultRowCommitVersion]), [
    [42, 7],
    [45, 7],
    [45, 7],
  ]);
  const mark = assigned.domain!.domainMetadata!;
  assertEquals(mark.domain, "delta.rowTracking");
  assertEquals(JSON.parse(mark.configuration).rowIdHighWaterMark, 49);
  // A table without the domain starts at row id 0; no files, no new mark.
  assertEquals(assignRowIds([add("a", 2)], domains(), 0).adds[0].baseRowId, 0);
  assertEquals(assignRowIds([], domains(3), 1).domain, undefined);
  assertEquals(rowIdHighWaterMark(domains()), -1);
  assertThrows(
    () => assignRowIds([{ ...add("x", 1), stats: null }], domains(), 0),
    Error,
    "numRecords",
  );
});

Deno.test("row ids only on tables whose protocol has rowTracking, not while suspended", () => {
  const target = {
    protocol: { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ["rowTracking"] },
    domains: domains(),
    version: 3,
  };
  assertEquals(addActions([add("a", 1)], target)[0].add!.baseRowId, 0);
  assertEquals(addActions([add("a", 1)], target).length, 2);
  const plain = addActions([add("a", 1)], {
    ...target,
    protocol: { minReaderVersion: 1, minWriterVersion: 2 },
  });
  assertEquals(plain, [{ add: add("a", 1) }]);
  const suspended = addActions([add("a", 1)], {
    ...target,
    metadata: {
      id: "m",
      format: { provider: "parquet", options: {} },
      schemaString: "{}",
      partitionColumns: [],
      configuration: { "delta.rowTrackingSuspended": "true" },
    },
  });
  assertEquals(suspended, [{ add: add("a", 1) }]);
});

Deno.test("a row-tracking table made by us: row ids unique across commits, races and checkpoints", async () => {
  const path = await tempTable();
  const open = () =>
    DeltaWriter.open(path, {
      schema: rows(0, 1).schema,
      appId: crypto.randomUUID(),
      properties: { "delta.enableRowTracking": "true" },
    });
  const first = await open();
  await first.append(rows(0, 4));
  const created = await readSnapshot(localFs, path);
  assertEquals(created.protocol.writerFeatures, ["domainMetadata", "rowTracking"]);
  const configuration = created.metadata.configuration;
  assert(
    /^_row-id-col-[0-9a-f-]{36}$/.test(
      configuration["delta.rowTracking.materializedRowIdColumnName"],
    ),
  );
  assert(
    configuration["delta.rowTracking.materializedRowCommitVersionColumnName"]
      .startsWith("_row-commit-version-col-"),
  );
  // A second writer commits first: the first one's commit is retried at the next version,
  // with row ids after the winner's and its own version.
  const second = await open();
  await second.append(rows(4, 3));
  const retried = await first.append(rows(7, 2));
  assertEquals(retried.version, 2);
  assertEquals(retried.retries, 1);
  const commit = await readCommit(localFs, path, 2);
  const retriedAdd = commit.find((a) => a.add)!.add!;
  assertEquals([retriedAdd.baseRowId, retriedAdd.defaultRowCommitVersion], [7, 2]);
  for (let i = 0; i < 9; i++) await first.append(rows(9 + i, 1));
  const snapshot = await readSnapshot(localFs, path);
  assertEquals(snapshot.checkpointVersion, 10);
  assertEquals(countRows(snapshot), 18);
  const ids = snapshot.files.map((f) => [f.baseRowId!, f.defaultRowCommitVersion!]);
  assertEquals(ids.map(([id]) => id), [0, 4, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assertEquals(ids.map(([, v]) => v), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assertEquals(rowIdHighWaterMark(new Map(snapshot.domains!.map((d) => [d.domain, d]))), 17);

  // optimize rewrites with fresh row ids, and says the stable ones were not kept.
  const result = await optimize(path);
  const optimized = await readSnapshot(localFs, path);
  assertEquals(optimized.files.map((f) => f.baseRowId), [18]);
  const info = (await readCommit(localFs, path, result.version!))[0].commitInfo!;
  assertEquals(info.tags, { "delta.rowTracking.preserved": "false" });
  const removes = (await readCommit(localFs, path, result.version!)).flatMap((a) =>
    a.remove ? [a.remove.baseRowId] : []
  );
  assertEquals(removes, [0, 4, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
});

Deno.test("rows changed in place: removes carry the old row ids, the new file gets fresh ones", async () => {
  const path = await tempTable();
  const writer = await DeltaWriter.open(path, {
    schema: rows(0, 1).schema,
    appId: "app",
    properties: { "delta.enableRowTracking": "true" },
  });
  const first = await writer.append(rows(0, 3));
  await writer.append(rows(3, 2));
  // Rewrite the first file (as copy-on-write does), handing the add as the write returned it.
  const rewritten = await writer.writeFiles(rows(0, 2));
  const result = await writer.commitFiles(rewritten, "append", { removes: first.added });
  const actions = await readCommit(localFs, path, result.version);
  const remove = actions.find((a) => a.remove)!.remove!;
  assertEquals([remove.baseRowId, remove.defaultRowCommitVersion], [0, 0]);
  const added = actions.find((a) => a.add)!.add!;
  assertEquals([added.baseRowId, added.defaultRowCommitVersion], [5, 2]);
  assertEquals(actions[0].commitInfo!.tags, { "delta.rowTracking.preserved": "false" });
  // A plain append copies no rows: its stable ids are all fresh, so preserved.
  const plain = await writer.append(rows(10, 1));
  const info = (await readCommit(localFs, path, plain.version))[0].commitInfo!;
  assertEquals(info.tags, { "delta.rowTracking.preserved": "true" });
});
