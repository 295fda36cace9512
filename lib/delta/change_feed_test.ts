import * as arrow from "apache-arrow";
import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { joinPath, localFs } from "./fs.ts";
import { optimize } from "./optimize.ts";
import { DeltaWriter } from "./writer.ts";
import { readChangeFeed } from "./change_feed.ts";

function ids(start: number, rows: number): arrow.Table {
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from({ length: rows }, (_, i) => BigInt(start + i))),
  });
}

/** The feed as [version, kind, id] sorted. */
async function feed(path: string, options = {}): Promise<[number, string, number][]> {
  const table = await readChangeFeed(localFs, path, options);
  return table.toArray().map((r) => {
    const row = r.toJSON();
    return [Number(row._commit_version), row._change_type, Number(row.id)] as [
      number,
      string,
      number,
    ];
  }).sort((a, b) => a[0] - b[0] || a[2] - b[2]);
}

Deno.test("readChangeFeed: commits without cdc files give their adds as inserts, removes as deletes; a compaction nothing", async () => {
  const path = joinPath(await Deno.makeTempDir({ prefix: "tablestream-cdf-" }), "t");
  const writer = await DeltaWriter.open(path, { schema: ids(0, 1).schema, appId: "a" });
  await writer.append(ids(0, 2)); // v0
  await writer.append(ids(2, 1)); // v1
  await optimize(path); // v2: dataChange false
  const again = await DeltaWriter.open(path, { schema: ids(0, 1).schema, appId: "a" });
  await again.overwrite(ids(10, 1)); // v3
  assertEquals(await feed(path), [
    [0, "insert", 0],
    [0, "insert", 1],
    [1, "insert", 2],
    [3, "delete", 0],
    [3, "delete", 1],
    [3, "delete", 2],
    [3, "insert", 10],
  ]);
  assertEquals(await feed(path, { startingVersion: 1, endingVersion: 1 }), [[1, "insert", 2]]);
  const table = await readChangeFeed(localFs, path, { startingVersion: 3 });
  assertEquals(table.schema.fields.map((f) => `${f.name}: ${f.type}`), [
    "id: Int64",
    "_change_type: Utf8",
    "_commit_version: Int64",
    "_commit_timestamp: Timestamp<MICROSECOND, UTC>",
  ]);
  const error = await assertRejects(() => readChangeFeed(localFs, path, { startingVersion: 9 }));
  assertStringIncludes(error.message, "its versions are 0 to 3");
});
