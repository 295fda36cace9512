/**
 * What every file sink (Parquet, CSV, JSON lines) promises about its table folders: refusing
 * a non-empty folder, replacing one only once the new data is complete, and leaving the old
 * table intact when a run fails or never closes.
 */
import { exists } from "./_table_dir.ts";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import * as arrow from "apache-arrow";
import type { Sink } from "../../lib/plugin/types.ts";
import { batchOf, column, SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import {
  partFiles,
  readCsv,
  readJsonArray,
  readJsonl,
  readParquetDir,
  readSqlFiles,
} from "../../tests/_read.ts";
import { createCsvSink } from "./csv.ts";
import { createJsonSink } from "./json.ts";
import { createJsonlSink } from "./jsonl.ts";
import { createParquetSink } from "./parquet.ts";
import { createSqlSink } from "./sql.ts";

interface FileSinkCase {
  name: string;
  extension: string;
  create(dir: string): Sink;
  /** The ids of a table folder, in file then row order. */
  ids(tableDir: string): Promise<string[]>;
}

/** The ids of the records of every file of a table folder, in file order. */
async function idsOf(
  tableDir: string,
  extension: string,
  read: (path: string) => Promise<Record<string, unknown>[]>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const name of await partFiles(tableDir, extension)) {
    ids.push(...(await read(`${tableDir}/${name}`)).map((row) => String(row.id)));
  }
  return ids;
}

const CASES: FileSinkCase[] = [
  {
    name: "parquet",
    extension: ".parquet",
    create: (dir) => createParquetSink({ dir }),
    async ids(tableDir) {
      const table = await readParquetDir(tableDir);
      return [...table.getChild("id")!].map(String);
    },
  },
  {
    name: "csv",
    extension: ".csv",
    create: (dir) => createCsvSink({ dir }),
    async ids(tableDir) {
      const ids: string[] = [];
      for (const name of await partFiles(tableDir, ".csv")) {
        const [header, ...rows] = await readCsv(`${tableDir}/${name}`);
        ids.push(...rows.map((row) => row[header.indexOf("id")]));
      }
      return ids;
    },
  },
  {
    name: "jsonl",
    extension: ".jsonl",
    create: (dir) => createJsonlSink({ dir }),
    ids: (tableDir) => idsOf(tableDir, ".jsonl", readJsonl),
  },
  {
    name: "json",
    extension: ".json",
    create: (dir) => createJsonSink({ dir }),
    ids: (tableDir) => idsOf(tableDir, ".json", readJsonArray),
  },
  {
    name: "sql",
    extension: ".sql",
    create: (dir) => createSqlSink({ dir }),
    async ids(tableDir) {
      const files = (await partFiles(tableDir, ".sql")).map((name) => `${tableDir}/${name}`);
      return (await readSqlFiles(files, "users", SAMPLE_SCHEMA)).map((row) => String(row.id));
    },
  },
];

const TABLES = [{ name: "users", schema: SAMPLE_SCHEMA }];
const range = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => String(start + i));

/** Everything under `dir`, hidden entries included, as sorted relative paths. */
async function tree(dir: string, prefix = ""): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    paths.push(prefix + entry.name);
    if (entry.isDirectory) {
      paths.push(...await tree(`${dir}/${entry.name}`, `${prefix}${entry.name}/`));
    }
  }
  return paths.sort();
}

async function writeTable(c: FileSinkCase, dir: string, start: number, end: number) {
  const sink = c.create(dir);
  await sink.open(TABLES, { mode: "overwrite" });
  await sink.write("users", sampleBatch(end - start, start));
  await sink.close();
}

for (const c of CASES) {
  Deno.test(`${c.name} sink writes a table folder read back in order`, async () => {
    const dir = await Deno.makeTempDir();
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "error" });
    await sink.write("users", sampleBatch(7, 0));
    await sink.write("users", sampleBatch(5, 7));
    await sink.close();
    assertEquals(await c.ids(`${dir}/users`), range(0, 12));
    const files = await tree(dir);
    assert(files.every((path) => !path.includes(".tmp-")), `temporary files left: ${files}`);
  });

  Deno.test(`${c.name} sink refuses a non-empty table folder in mode error`, async () => {
    const dir = await Deno.makeTempDir();
    await Deno.mkdir(`${dir}/users`);
    await Deno.writeTextFile(`${dir}/users/keep.txt`, "mine");
    const sink = c.create(dir);
    const error = await assertRejects(() => sink.open(TABLES, { mode: "error" }), Error);
    assert(error.message.includes(`${dir}/users`), error.message);
    assert(error.message.includes("--mode overwrite"), error.message);
    assertEquals(await tree(dir), ["users", "users/keep.txt"]);
  });

  Deno.test(`${c.name} sink accepts an empty table folder in mode error`, async () => {
    const dir = await Deno.makeTempDir();
    await Deno.mkdir(`${dir}/users`);
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "error" });
    await sink.write("users", sampleBatch(3));
    await sink.close();
    assertEquals(await c.ids(`${dir}/users`), range(0, 3));
  });

  Deno.test(`${c.name} sink checks every table before touching any`, async () => {
    const dir = await Deno.makeTempDir();
    await Deno.mkdir(`${dir}/b`);
    await Deno.writeTextFile(`${dir}/b/x`, "");
    const sink = c.create(dir);
    const tables = [{ name: "a", schema: SAMPLE_SCHEMA }, { name: "b", schema: SAMPLE_SCHEMA }];
    await assertRejects(() => sink.open(tables, { mode: "error" }), Error, "not empty");
    assertEquals(await tree(dir), ["b", "b/x"]);
  });

  Deno.test(`${c.name} sink in mode overwrite replaces the old table at close`, async () => {
    const dir = await Deno.makeTempDir();
    await writeTable(c, dir, 100, 110);
    await Deno.writeTextFile(`${dir}/users/stale${c.extension}.txt`, "old");
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "overwrite" });
    await sink.write("users", sampleBatch(4, 0));
    await sink.flush();
    // Flushed, yet the old table stays in place until the new one is complete.
    assertEquals(await c.ids(`${dir}/users`), range(100, 110));
    await sink.write("users", sampleBatch(2, 4));
    await sink.close();
    assertEquals(await c.ids(`${dir}/users`), range(0, 6));
    const left = await tree(dir);
    assert(!left.some((path) => path.includes("stale")), `old files kept: ${left}`);
    assert(left.every((path) => path.startsWith("users")), `staging left behind: ${left}`);
  });

  Deno.test(`${c.name} sink failing mid-write leaves the old table intact`, async () => {
    const dir = await Deno.makeTempDir();
    await writeTable(c, dir, 100, 110);
    const before = await tree(dir);
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "overwrite" });
    await sink.write("users", sampleBatch(4, 0));
    await sink.flush();
    const wrong = batchOf({ id: column(new arrow.Utf8(), ["x"]) });
    await assertRejects(() => sink.write("users", wrong), Error, "does not match its schema");
    await assertRejects(() => sink.write("users", sampleBatch(1, 4)), Error, "failed earlier");
    await assertRejects(() => sink.flush(), Error, "failed earlier");
    const closing = await assertRejects(() => sink.close(), Error, "failed");
    assert(closing.cause instanceof Error && closing.cause.message.includes("schema"));
    assertEquals(await c.ids(`${dir}/users`), range(100, 110));
    assertEquals(await tree(dir), before);
  });

  Deno.test(`${c.name} sink never closed leaves the old table intact`, async () => {
    const dir = await Deno.makeTempDir();
    await writeTable(c, dir, 100, 103);
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "overwrite" });
    await sink.write("users", sampleBatch(4, 0));
    await sink.flush();
    await sink.write("users", sampleBatch(4, 4));
    // The run dies here: no close.
    assertEquals(await c.ids(`${dir}/users`), range(100, 103));
  });

  Deno.test(`${c.name} sink writes each flush as a new whole file, the table whole at close`, async () => {
    const dir = await Deno.makeTempDir();
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "error" });
    await sink.write("users", sampleBatch(3, 0));
    await sink.flush();
    await sink.flush(); // nothing new: no empty file
    await sink.write("users", sampleBatch(2, 3));
    // Nothing of the table is visible before close: it appears whole or not at all.
    assertEquals(await exists(`${dir}/users`), false);
    await sink.close();
    assertEquals((await partFiles(`${dir}/users`, c.extension)).length, 2);
    assertEquals(await c.ids(`${dir}/users`), range(0, 5));
    assertEquals((await tree(dir)).filter((p) => p.includes(".staging-")), [], "no staging left");
  });

  Deno.test(`${c.name} sink writes one file for a table without rows`, async () => {
    const dir = await Deno.makeTempDir();
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "error" });
    await sink.write("users", sampleBatch(0));
    await sink.close();
    assertEquals((await partFiles(`${dir}/users`, c.extension)).length, 1);
    assertEquals(await c.ids(`${dir}/users`), []);
  });

  Deno.test(`${c.name} sink refuses unknown tables and calls out of order`, async () => {
    const dir = await Deno.makeTempDir();
    const sink = c.create(dir);
    await assertRejects(() => sink.write("users", sampleBatch(1)), Error, "not open");
    await sink.open(TABLES, { mode: "error" });
    await assertRejects(
      () => sink.write("orders", sampleBatch(1)),
      Error,
      `Cannot write to table "orders"`,
    );
  });

  Deno.test(`${c.name} sink open honours an aborted signal`, async () => {
    const dir = await Deno.makeTempDir();
    const sink = c.create(dir);
    const signal = AbortSignal.abort(new Error("stop"));
    await assertRejects(() => sink.open(TABLES, { mode: "error", signal }), Error, "stop");
    assertEquals(await tree(dir), []);
  });
}

for (const c of CASES) {
  Deno.test(`${c.name} sink abort drops the staged replacement`, async () => {
    const dir = await Deno.makeTempDir();
    await writeTable(c, dir, 100, 103);
    const before = await tree(dir);
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "overwrite" });
    await sink.write("users", sampleBatch(4, 0));
    await sink.flush();
    await sink.write("users", sampleBatch(4, 4));
    await sink.abort!();
    assertEquals(await tree(dir), before);
    assertEquals(await c.ids(`${dir}/users`), range(100, 103));
    await sink.close(); // after abort: nothing left to do
    await assertRejects(() => sink.write("users", sampleBatch(1)), Error, "closed");
  });

  Deno.test(`${c.name} sink abort leaves no table and no file behind`, async () => {
    const dir = await Deno.makeTempDir();
    const sink = c.create(dir);
    await sink.open(TABLES, { mode: "error" });
    await sink.write("users", sampleBatch(3, 0));
    await sink.flush();
    await sink.write("users", sampleBatch(3, 3));
    await sink.abort!();
    assertEquals(await tree(dir), [], "nothing of the run is left");
  });
}
