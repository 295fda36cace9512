import * as arrow from "apache-arrow";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { commitFileName } from "./actions.ts";
import { joinPath, localFs } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { readTable } from "./read_data.ts";
import { DeltaWriter } from "./writer.ts";
import { parquetSchema } from "../parquet/mod.ts";
import { columnMetadata } from "./features.ts";
import {
  assignColumnMapping,
  COLUMN_ID,
  PARQUET_FIELD_ID,
  PHYSICAL_NAME,
} from "./column_mapping.ts";
import { decodePath } from "./actions.ts";
import { optimize } from "./optimize.ts";

/** Rows with a nested struct, a list and a partition column, as a config never makes them. */
function nestedRows(start: number): arrow.Table {
  const ids = [start, start + 1, start + 2];
  const info = arrow.vectorFromArray(
    ids.map((i) => i === start + 1 ? null : { city: `c${i}`, zip: i * 10 }),
    new arrow.Struct([
      new arrow.Field("city", new arrow.Utf8(), true),
      new arrow.Field("zip", new arrow.Int32(), true),
    ]),
  );
  return new arrow.Table({
    id: arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()),
    name: arrow.vectorFromArray(ids.map((i) => i % 2 ? `n${i}` : null), new arrow.Utf8()),
    info,
    tags: arrow.vectorFromArray(
      ids.map((i) => [`a${i}`, "b"]),
      new arrow.List(new arrow.Field("element", new arrow.Utf8(), true)),
    ),
    part: arrow.vectorFromArray(ids.map((i) => `p${i % 2}`), new arrow.Utf8()),
  });
}

/** An Arrow table's rows as plain JSON text, sorted (bigints as strings). */
function rowsOf(table: arrow.Table): string[] {
  return table.toArray().map((r) =>
    JSON.stringify(r.toJSON(), (_k, v) => typeof v === "bigint" ? String(v) : v)
  ).sort();
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-cm-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

for (const mode of ["name", "id"]) {
  Deno.test(`a new table with column mapping mode ${mode}: physical names and field ids in files, stats and partition values; logical rows back`, async () => {
    await withDir(async (dir) => {
      const path = joinPath(dir, "t");
      const first = nestedRows(1);
      const open = () =>
        DeltaWriter.open(path, {
          schema: first.schema,
          appId: "cm",
          partitionBy: ["part"],
          properties: { "delta.columnMapping.mode": mode },
        });
      await (await open()).append(first);
      await (await open()).append(nestedRows(11));

      const snapshot = await readSnapshot(localFs, path);
      assertEquals(snapshot.protocol, { minReaderVersion: 2, minWriterVersion: 5 });
      assertEquals(snapshot.metadata.configuration, {
        "delta.columnMapping.mode": mode,
        "delta.columnMapping.maxColumnId": "7",
      });
      const columns = columnMetadata(snapshot.metadata.schemaString);
      // Every field, nested ones too, by id from 1 in schema order, named col-<uuid>.
      assertEquals(columns.map((c) => [c.path, c.metadata[COLUMN_ID]]), [
        ["id", 1],
        ["name", 2],
        ["info", 3],
        ["info.city", 4],
        ["info.zip", 5],
        ["tags", 6],
        ["part", 7],
      ]);
      const physical = new Map(columns.map((c) => [c.path, c.metadata[PHYSICAL_NAME] as string]));
      for (const name of physical.values()) assert(/^col-[0-9a-f-]{36}$/.test(name), name);

      // Files: physical names and field ids, nested ones too; no partition column.
      const add = snapshot.files[0];
      const file = await parquetSchema(await Deno.readFile(joinPath(path, decodePath(add.path))));
      assertEquals(
        file.fields.map((f) => [f.name, f.metadata.get(PARQUET_FIELD_ID)]),
        [["id", "1"], ["name", "2"], ["info", "3"], ["tags", "6"]].map((
          [n, id],
        ) => [physical.get(n), id]),
      );
      const nested = (file.fields[2].type as arrow.Struct).children;
      assertEquals(nested.map((f) => [f.name, f.metadata.get(PARQUET_FIELD_ID)]), [
        [physical.get("info.city"), "4"],
        [physical.get("info.zip"), "5"],
      ]);
      // Stats, partition values and folders by physical name.
      const stats = JSON.parse(add.stats!);
      assertEquals(
        Object.keys(stats.nullCount).sort(),
        [
          physical.get("id"),
          physical.get("info"),
          physical.get("name"),
          physical.get("tags"),
        ].sort(),
      );
      assertEquals(
        Object.keys(stats.minValues[physical.get("info")!]).sort(),
        [
          physical.get("info.city"),
          physical.get("info.zip"),
        ].sort(),
      );
      assertEquals(Object.keys(add.partitionValues), [physical.get("part")]);
      assert(add.path.startsWith(`${physical.get("part")}=p`), add.path);

      // Read back by logical name, as written.
      const read = await readTable(localFs, snapshot);
      assertEquals(read.schema.fields.map((f) => f.name), ["id", "name", "info", "tags", "part"]);
      assertEquals(rowsOf(read), [...rowsOf(first), ...rowsOf(nestedRows(11))].sort());
      const some = await readTable(localFs, snapshot, { columns: ["info", "part"] });
      assertEquals(some.getChild("info")!.get(0)!.toJSON().city !== undefined, true);
    });
  });
}

Deno.test("column mapping mode id finds columns by field id, whatever the file's names", async () => {
  await withDir(async (dir) => {
    const path = joinPath(dir, "t");
    const rows = nestedRows(1).select(["id", "name", "info"]);
    const writer = await DeltaWriter.open(path, {
      schema: rows.schema,
      appId: "cm",
      properties: { "delta.columnMapping.mode": "id" },
    });
    await writer.append(rows);
    // The log now names other physical names (as a table converted from Iceberg may):
    // only the field ids still match the files.
    const log = joinPath(path, "_delta_log", commitFileName(0));
    // (The schemaString is JSON inside JSON: its quotes are escaped.)
    const before = await Deno.readTextFile(log);
    const text = before.replace(
      /(\\"delta\.columnMapping\.physicalName\\":\\")col-[0-9a-f-]+/g,
      (_m, key) => `${key}other-${crypto.randomUUID()}`,
    );
    assertEquals(text.match(/other-/g)?.length, 5);
    await Deno.writeTextFile(log, text);
    const read = await readTable(localFs, await readSnapshot(localFs, path));
    assertEquals(rowsOf(read), rowsOf(rows));
    // In mode name the same log finds nothing by name: nulls (a column added later).
    await Deno.writeTextFile(
      log,
      text.replace('"delta.columnMapping.mode":"id"', '"delta.columnMapping.mode":"name"'),
    );
    const byName = await readTable(localFs, await readSnapshot(localFs, path));
    assertEquals(byName.getChild("name")!.nullCount, 3);
  });
});

Deno.test("appends to a mapped table match the config's columns by logical name; a schema change is refused", async () => {
  await withDir(async (dir) => {
    const path = joinPath(dir, "t");
    const rows = nestedRows(1).select(["id", "name", "part"]);
    await (await DeltaWriter.open(path, {
      schema: rows.schema,
      appId: "cm",
      properties: { "delta.columnMapping.mode": "name" },
    })).append(rows);
    // Rename "name" to "label" as Spark does: the logical name changes, the physical one stays.
    const log = joinPath(path, "_delta_log", commitFileName(0));
    await Deno.writeTextFile(
      log,
      (await Deno.readTextFile(log)).replace('\\"name\\":\\"name\\"', '\\"name\\":\\"label\\"'),
    );
    const renamed = new arrow.Table({
      id: rows.getChild("id")!,
      label: rows.getChild("name")!,
      part: rows.getChild("part")!,
    });
    const writer = await DeltaWriter.open(path, { schema: renamed.schema, appId: "cm" });
    assertEquals(writer.schemaDifference(), undefined);
    assertEquals(writer.takesEncodedFiles, false);
    await writer.append(renamed);
    const snapshot = await readSnapshot(localFs, path);
    assertEquals(snapshot.metadata.configuration["delta.columnMapping.maxColumnId"], "3");
    const read = await readTable(localFs, snapshot);
    assertEquals(read.schema.fields.map((f) => f.name), ["id", "label", "part"]);
    assertEquals(rowsOf(read), [...rowsOf(renamed), ...rowsOf(renamed)].sort());
    // An overwrite with other columns would need physical names anew: refused, unchanged.
    const other = new arrow.Table({ x: arrow.vectorFromArray([1], new arrow.Int32()) });
    const replacing = await DeltaWriter.open(path, { schema: other.schema, appId: "cm" });
    await assertRejects(() => replacing.overwrite(other), Error, "uses column mapping");
    assertEquals((await readSnapshot(localFs, path)).version, 1);
  });
});

Deno.test("assignColumnMapping: ids depth first from 1, physical names col-<uuid>, metadata kept", () => {
  const schemaString = JSON.stringify({
    type: "struct",
    fields: [
      { name: "a", type: "long", nullable: true, metadata: { comment: "x" } },
      {
        name: "m",
        type: {
          type: "map",
          keyType: "string",
          valueType: {
            type: "struct",
            fields: [{ name: "v", type: "integer", nullable: true, metadata: {} }],
          },
          valueContainsNull: true,
        },
        nullable: true,
        metadata: {},
      },
    ],
  });
  const { schemaString: mapped, maxColumnId } = assignColumnMapping(schemaString);
  assertEquals(maxColumnId, 3);
  const columns = columnMetadata(mapped);
  assertEquals(columns.map((c) => [c.path, c.metadata[COLUMN_ID]]), [
    ["a", 1],
    ["m", 2],
    ["m.value.v", 3],
  ]);
  assertEquals(columns[0].metadata.comment, "x");
});

Deno.test("optimize rewrites a mapped table's small files under physical names, rows unchanged", async () => {
  await withDir(async (dir) => {
    const path = joinPath(dir, "t");
    for (const start of [1, 11, 21]) {
      await (await DeltaWriter.open(path, {
        schema: nestedRows(start).schema,
        appId: "cm",
        properties: { "delta.columnMapping.mode": "id" },
      })).append(nestedRows(start));
    }
    const before = await readSnapshot(localFs, path);
    const result = await optimize(path);
    assertEquals(result.filesRemoved, before.files.length);
    const after = await readSnapshot(localFs, path);
    assertEquals(after.metadata.schemaString, before.metadata.schemaString);
    assertEquals(rowsOf(await readTable(localFs, after)), rowsOf(await readTable(localFs, before)));
    const physical = columnMetadata(after.metadata.schemaString).find((c) => c.path === "id")!
      .metadata[PHYSICAL_NAME];
    for (const add of after.files) {
      const file = await parquetSchema(await Deno.readFile(joinPath(path, decodePath(add.path))));
      assertEquals(file.fields[0].name, physical);
      assertEquals(file.fields[0].metadata.get(PARQUET_FIELD_ID), "1");
    }
  });
});
