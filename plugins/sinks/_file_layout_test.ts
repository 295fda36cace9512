import { assertEquals } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { partFiles, readCsv, readParquetDir } from "../../tests/_read.ts";
import { fileLayout, layoutFileName } from "./_file_layout.ts";
import { createCsvSink } from "./csv.ts";
import { createParquetSink } from "./parquet.ts";

Deno.test("export_file_count wins over export_file_row_count, as in tablefaker", () => {
  assertEquals(fileLayout({ rowCount: 100, exportFileCount: 3 }), {
    rowsPerFile: 34,
    fileCount: 3,
  });
  assertEquals(fileLayout({ rowCount: 100, exportFileCount: 3, exportFileRowCount: 10 }), {
    rowsPerFile: 34,
    fileCount: 3,
  });
  assertEquals(fileLayout({ rowCount: 25, exportFileRowCount: 10, exportFileName: "x" }), {
    rowsPerFile: 10,
    fileCount: 3,
    fileName: "x",
  });
  assertEquals(fileLayout({ rowCount: 25, exportFileCount: 1 }), { fileCount: 1 });
  assertEquals(fileLayout({ rowCount: 0, exportFileRowCount: 10 }), {
    rowsPerFile: 10,
    fileCount: 1,
  });
});

Deno.test("a table split into several files without export_file_name names them after itself", () => {
  // tablefaker names them <export_file_name or table_name>_<n>: customers_1.csv, customers_2.csv.
  assertEquals(fileLayout({ name: "customers", rowCount: 100, exportFileCount: 3 }), {
    rowsPerFile: 34,
    fileCount: 3,
    fileName: "customers",
  });
  assertEquals(fileLayout({ name: "customers", rowCount: 25, exportFileRowCount: 10 }), {
    rowsPerFile: 10,
    fileCount: 3,
    fileName: "customers",
  });
  // One file, or an export_file_name, keeps its name.
  assertEquals(fileLayout({ name: "customers", rowCount: 10, exportFileRowCount: 10 }), {
    rowsPerFile: 10,
    fileCount: 1,
  });
  assertEquals(fileLayout({ name: "customers", rowCount: 10 }), { fileCount: 1 });
  assertEquals(
    fileLayout({ name: "customers", rowCount: 25, exportFileRowCount: 10, exportFileName: "x" })
      .fileName,
    "x",
  );
});

Deno.test("files are named part-NNNNN, or after export_file_name with _1, _2 when several", () => {
  assertEquals(layoutFileName(undefined, 2, ".csv"), "part-00002.csv");
  assertEquals(layoutFileName({ fileCount: 1, fileName: "catalog" }, 0, ".csv"), "catalog.csv");
  assertEquals(layoutFileName({ fileCount: 3, fileName: "list" }, 1, ".csv"), "list_2.csv");
  assertEquals(
    layoutFileName({ rowsPerFile: 5 }, 1, ".parquet", "-ab12"),
    "part-00001-ab12.parquet",
  );
});

const TABLES = [{ name: "users", schema: SAMPLE_SCHEMA }];

Deno.test("a text sink cuts batches into files of the layout's rows, named by the layout", async () => {
  const dir = await Deno.makeTempDir();
  const layout = fileLayout({ rowCount: 12, exportFileCount: 3, exportFileName: "people" });
  const sink = createCsvSink({ dir, layouts: { users: layout } });
  await sink.open(TABLES, { mode: "error" });
  await sink.write("users", sampleBatch(7, 0));
  await sink.write("users", sampleBatch(5, 7));
  await sink.close();
  const files = await partFiles(`${dir}/users`, ".csv");
  assertEquals(files, ["people_1.csv", "people_2.csv", "people_3.csv"]);
  const ids: string[][] = [];
  for (const file of files) {
    const [header, ...rows] = await readCsv(`${dir}/users/${file}`);
    assertEquals(header, SAMPLE_SCHEMA.fields.map((f) => f.name)); // every file has its header
    ids.push(rows.map((row) => row[0]));
  }
  assertEquals(ids, [["0", "1", "2", "3"], ["4", "5", "6", "7"], ["8", "9", "10", "11"]]);
});

Deno.test("the parquet sink honours the layout's rows per file and name", async () => {
  const dir = await Deno.makeTempDir();
  const layout = fileLayout({ rowCount: 10, exportFileRowCount: 4, exportFileName: "chunk" });
  const sink = createParquetSink({ dir, layouts: { users: layout } });
  await sink.open(TABLES, { mode: "error" });
  await sink.write("users", sampleBatch(10, 0));
  await sink.close();
  assertEquals(await partFiles(`${dir}/users`, ".parquet"), [
    "chunk_1.parquet",
    "chunk_2.parquet",
    "chunk_3.parquet",
  ]);
  const table = await readParquetDir(`${dir}/users`);
  assertEquals([...table.getChild("id")!].map(Number), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const single = await Deno.makeTempDir();
  const one = createParquetSink({
    dir: single,
    layouts: { users: fileLayout({ rowCount: 3, exportFileName: "all" }) },
  });
  await one.open(TABLES, { mode: "error" });
  await one.write("users", sampleBatch(3, 0));
  await one.close();
  assertEquals(await partFiles(`${single}/users`, ".parquet"), ["all.parquet"]);
});
