import * as arrow from "apache-arrow";
import { assertEquals, assertRejects, assertThrows } from "../../tests/_assert.ts";
import { type Action, commitFileName, serializeCommit } from "./actions.ts";
import { commit, ConcurrentModificationError, TableState } from "./commit.ts";
import { checkClusterBy, clusteringColumns, conflictingDomain } from "./domains.ts";
import { joinPath, localFs } from "./fs.ts";
import { readCommit, readSnapshot } from "./log_reader.ts";
import { DeltaWriter } from "./writer.ts";

function rows(start: number, n: number): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(start + i))),
  });
}

const domain = (name: string, configuration = "{}", removed = false): Action => ({
  domainMetadata: { domain: name, configuration, removed },
});

Deno.test("two commits writing one domain conflict, unless it is derived again on retry", () => {
  const ours = [domain("delta.clustering"), domain("delta.rowTracking")];
  assertEquals(conflictingDomain(ours, [domain("app.x")], new Set()), undefined);
  assertEquals(
    conflictingDomain(ours, [domain("delta.clustering")], new Set()),
    "delta.clustering",
  );
  const recomputed = new Set(["delta.rowTracking"]);
  assertEquals(conflictingDomain(ours, [domain("delta.rowTracking")], recomputed), undefined);
});

Deno.test("clustering columns as Spark writes them (path parts) and as the protocol's example", () => {
  const spark = new Map([[
    "delta.clustering",
    domain(
      "delta.clustering",
      '{"clusteringColumns":[["id"],["a","b"]],"domainName":"delta.clustering"}',
    )
      .domainMetadata!,
  ]]);
  assertEquals(clusteringColumns(spark), ["id", "a.b"]);
  const protocol = new Map([[
    "delta.clustering",
    domain("delta.clustering", '{"clusteringColumns":["col-1"]}').domainMetadata!,
  ]]);
  assertEquals(clusteringColumns(protocol), ["col-1"]);
  assertEquals(clusteringColumns(new Map()), []);
  assertThrows(() => checkClusterBy("t", ["day"], ["id"]), Error, "both partitioned");
  assertThrows(() => checkClusterBy("t", [], ["id", "id"]), Error, "twice");
});

Deno.test("a clustered table: the domain at creation, kept by commits and checkpoints; removed domains dropped", async () => {
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-domains-" }), "t");
  const writer = await DeltaWriter.open(path, {
    schema: rows(0, 1).schema,
    appId: "app",
    clusterBy: ["id"],
  });
  await writer.append(rows(0, 2));
  const created = await readSnapshot(localFs, path);
  assertEquals(created.protocol, {
    minReaderVersion: 1,
    minWriterVersion: 7,
    writerFeatures: ["clustering", "domainMetadata"],
  });
  assertEquals(clusteringColumns(new Map(created.domains!.map((d) => [d.domain, d]))), ["id"]);
  // Another engine adds a user domain, then removes it and adds another.
  const log = joinPath(path, "_delta_log");
  await Deno.writeTextFile(
    joinPath(log, commitFileName(1)),
    serializeCommit([domain("app.gone"), domain("app.kept", '{"v":1}')]),
  );
  await Deno.writeTextFile(
    joinPath(log, commitFileName(2)),
    serializeCommit([domain("app.gone", "{}", true), domain("app.kept", '{"v":2}')]),
  );
  const more = await DeltaWriter.open(path, { schema: rows(0, 1).schema, appId: "app" });
  for (let i = 0; i < 8; i++) await more.append(rows(2 + i, 1));
  for (let v = 0; v < 10; v++) await Deno.remove(joinPath(log, commitFileName(v)));
  const read = await readSnapshot(localFs, path);
  assertEquals(read.checkpointVersion, 10);
  assertEquals(
    read.domains!.map((d) => [d.domain, d.configuration]).sort(),
    [["app.kept", '{"v":2}'], ["delta.clustering", created.domains![0].configuration]],
  );
});

Deno.test("a commit that writes a domain another writer changed meanwhile fails", async () => {
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-domains-" }), "t");
  await (await DeltaWriter.open(path, { schema: rows(0, 1).schema, appId: "a" })).append(
    rows(0, 1),
  );
  const request = (name: string) => ({
    operation: "SET DOMAIN",
    isBlindAppend: false,
    prepare: () => [domain(name, '{"by":"us"}')],
  });
  // Both writers read version 0; the other one commits a domain first.
  const stale = await stateAt(path);
  await commit(localFs, await stateAt(path), request("app.x"));
  await assertRejects(
    () => commit(localFs, stale, request("app.x")),
    ConcurrentModificationError,
    'version 1 changed the metadata domain "app.x"',
  );
  // Another domain is no conflict: the commit lands after the winner's.
  const result = await commit(localFs, stale, request("app.y"));
  assertEquals(result.version, 2);
  assertEquals((await readCommit(localFs, path, 2)).at(-1), domain("app.y", '{"by":"us"}'));
});

/** The commit state of the table as it is now. */
async function stateAt(path: string): Promise<TableState> {
  const snapshot = await readSnapshot(localFs, path);
  const state = new TableState(path);
  state.apply({ protocol: snapshot.protocol });
  state.apply({ metaData: snapshot.metadata });
  for (const add of snapshot.files) state.apply({ add });
  state.version = snapshot.version;
  return state;
}
