import { assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { deltaFixtureTest } from "../../tests/_external.ts";
import { cli, withTempDir, writeConfig } from "../../tests/_cli.ts";
import { commitFileName, serializeCommit } from "../delta/actions.ts";
import { type DeltaFs, joinPath, localFs } from "../delta/fs.ts";
import { readSnapshot } from "../delta/log_reader.ts";
import { countRows, countRowsFromFiles, readTable } from "../delta/read_data.ts";
import { UnsupportedTableFeature } from "../delta/snapshot.ts";

const EVENTS = `
version: 1
config: { seed: 4, reference_time: "2026-01-01T00:00:00Z" }
tables:
  - table_name: events
    row_count: 250
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: kind, data: "random.choice(['a', 'b'])" }
`;

/** Removes `stats` from every add of the table's JSON commits, as some writers leave them. */
async function stripStats(table: string): Promise<void> {
  const log = joinPath(table, "_delta_log");
  for await (const entry of Deno.readDir(log)) {
    if (!entry.name.endsWith(".json")) continue;
    const path = joinPath(log, entry.name);
    const lines = (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l));
    for (const action of lines) if (action.add) delete action.add.stats;
    await Deno.writeTextFile(path, serializeCommit(lines));
  }
}

Deno.test("inspect counts the rows of files without stats from their Parquet footers", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, EVENTS);
    const out = `${dir}/out`;
    assertEquals((await cli("generate", "-c", config, "-o", out, "--batch-size", "100")).code, 0);
    const args = ["generate", "-c", config, "-o", out, "--mode", "append"];
    assertEquals((await cli(...args)).code, 0);
    const table = `${out}/events`;
    await stripStats(table);
    const snapshot = await readSnapshot(localFs, table);
    assertEquals(countRows(snapshot), undefined, "the log no longer knows");

    const text = await cli("inspect", table);
    assertEquals(text.code, 0, text.stderr);
    assertStringIncludes(
      text.stdout,
      "2 active, 500 rows, 2 files without stats counted from Parquet footers",
    );
    const json = JSON.parse((await cli("inspect", table, "--json")).stdout);
    assertEquals([json.rows, json.filesWithoutStats], [500, 2]);

    // Only the files' last bytes are read.
    const tails: number[] = [];
    const footersOnly: DeltaFs = {
      ...localFs,
      readFile: () => Promise.reject(new Error("a whole data file was read")),
      readTail: (path, length) => {
        tails.push(length);
        return localFs.readTail!(path, length);
      },
    };
    assertEquals(await countRowsFromFiles(footersOnly, snapshot), { rows: 500, fromFooters: 2 });
    assertEquals(tails.length, 2);

    // Appending needs the row count too: now it is known, and ids continue.
    const appended = await cli(...args);
    assertEquals(appended.code, 0, appended.stderr);
    const ids = (await readTable(localFs, await readSnapshot(localFs, table), { columns: ["id"] }))
      .getChild("id")!;
    assertEquals(
      Array.from(ids, Number).sort((a, b) => a - b),
      Array.from({ length: 750 }, (_, i) => i + 1),
    );
  });
});

Deno.test("inspect describes a table it cannot read: protocol, features, why not", async () => {
  await withTempDir(async (dir) => {
    const table = `${dir}/t`;
    await Deno.mkdir(`${table}/_delta_log`, { recursive: true });
    const schemaString = JSON.stringify({
      type: "struct",
      fields: [{ name: "id", type: "long", nullable: true, metadata: {} }],
    });
    await Deno.writeTextFile(
      `${table}/_delta_log/${commitFileName(0)}`,
      serializeCommit([
        { commitInfo: { operation: "CREATE TABLE", timestamp: 0 } },
        {
          protocol: {
            minReaderVersion: 3,
            minWriterVersion: 7,
            readerFeatures: ["variantType"],
            writerFeatures: ["variantType", "appendOnly"],
          },
        },
        {
          metaData: {
            id: "x",
            format: { provider: "parquet", options: {} },
            schemaString,
            partitionColumns: [],
            configuration: { "delta.checkpointPolicy": "v2", "delta.appendOnly": "true" },
          },
        },
      ]),
    );
    const text = await cli("inspect", table);
    assertEquals(text.code, 0, text.stderr);
    for (
      const part of [
        "Protocol:    reader 3, writer 7",
        "Features:    reader: variantType",
        "             writer: variantType, appendOnly",
        "tablestream: cannot read it: it needs the reader feature variantType",
        "  delta.appendOnly = true",
        "  delta.checkpointPolicy = v2",
        "0 active, 0 rows",
      ]
    ) assertStringIncludes(text.stdout, part);
    const json = JSON.parse((await cli("inspect", table, "--json")).stdout);
    assertStringIncludes(json.tablestream.readRefusal, "variantType");
    assertEquals(json.features, {
      reader: ["variantType"],
      writer: ["variantType", "appendOnly"],
    });
    assertEquals(json.properties["delta.appendOnly"], "true");
    // Reading its rows is still refused.
    await assertRejects(
      () => readSnapshot(localFs, table),
      UnsupportedTableFeature,
      "variantType",
    );
  });
});

deltaFixtureTest(
  "inspect: rs-simple_table has no stats; its 3 rows come from footers",
  async (fixture) => {
    const table = fixture("rs-simple_table");
    const text = await cli("inspect", table);
    assertEquals(text.code, 0, text.stderr);
    assertStringIncludes(
      text.stdout,
      "5 active, 3 rows, 5 files without stats counted from Parquet footers",
    );
    assertStringIncludes(
      text.stdout,
      "writer: appendOnly, invariants (implied by writer version 2)",
    );
    // The footers agree with the rows the files hold.
    const rows = await readTable(localFs, await readSnapshot(localFs, table));
    assertEquals(rows.numRows, 3);
  },
);

deltaFixtureTest(
  "inspect: a table with deletion vectors counts only the rows left",
  async (fixture) => {
    const text = await cli("inspect", fixture("rs-table-with-dv-small"));
    assertEquals(text.code, 0, text.stderr);
    assertStringIncludes(text.stdout, "1 active, 8 rows, 2 more deleted by deletion vectors");
    assertStringIncludes(text.stdout, "Features:    reader: deletionVectors");
    assertStringIncludes(text.stdout, "tablestream: reads it; can append to it");
    assertStringIncludes(text.stdout, "  delta.enableDeletionVectors = true");
  },
);
