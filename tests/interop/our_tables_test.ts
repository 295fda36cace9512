/**
 * Our tables, read by the engines our users run: delta-rs, Polars and Spark read what
 * `generate` and `run` write, and every one of them sees the same rows as our own reader and as
 * the command that wrote them.
 */
import { assertEquals } from "../_assert.ts";
import { cli, withTempDir } from "../_cli.ts";
import { assertSameRows, type Described, ENGINES, interopTest, type Peer } from "./_peer.ts";
import { readOutputTable } from "../_read.ts";
import { encodeParquet } from "../../lib/parquet/mod.ts";
import { DeltaWriter } from "../../lib/delta/writer.ts";

const FIXTURES = new URL("../fixtures/interop/", import.meta.url).pathname;

/** Runs the CLI and fails with its output when it does not exit 0. */
async function ok(...args: string[]): Promise<string> {
  const result = await cli(...args);
  if (result.code !== 0) {
    throw new Error(`tablestream ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  }
  return result.stdout;
}

interopTest(
  "files our workers encoded read the same in delta-rs, Polars and Spark",
  async (peer) => {
    await withTempDir(async (dir) => {
      // Enough rows for a pool, and for each of its two workers to encode a file of its own.
      const text = await Deno.readTextFile(`${FIXTURES}all_types.yaml`);
      await Deno.writeTextFile(
        `${dir}/config.yaml`,
        text.replace("row_count: 500", "row_count: 120000"),
      );
      const common = ["--config", `${dir}/config.yaml`];
      await ok("generate", ...common, "--output", `${dir}/workers`, "--workers", "2");
      await ok("generate", ...common, "--output", `${dir}/one`, "--workers", "1");
      const table = `${dir}/workers/all_types`;
      const files = [...Deno.readDirSync(table)].filter((e) => e.name.endsWith(".parquet"));
      assertEquals(files.length, 2);
      const ours = await peer.ours(`${dir}/one/all_types`);
      assertEquals(ours.count, 120000);
      assertSameRows(await peer.ours(table), ours, "our reader");
      for (const engine of ENGINES) assertSameRows(await peer.read(engine, table), ours, engine);
    });
  },
);

/** The Delta schema of a table, as our log declares it: name, type, nullable. */
async function declaredFields(peer: Peer, path: string): Promise<unknown[]> {
  return await peer.py(
    "import glob\n" +
      "first = sorted(glob.glob(args['path'] + '/_delta_log/*.json'))[0]\n" +
      "for line in open(first):\n" +
      "    action = json.loads(line)\n" +
      "    if 'metaData' in action:\n" +
      "        result = [[f['name'], f['type'], f['nullable']] for f in\n" +
      "                  json.loads(action['metaData']['schemaString'])['fields']]",
    { path },
  );
}

interopTest("every type we write reads the same in delta-rs, Polars and Spark", async (peer) => {
  await withTempDir(async (dir) => {
    const config = `${FIXTURES}all_types.yaml`;
    await ok("generate", "--config", config, "--output", `${dir}/delta`);
    await ok("generate", "--config", config, "--output", `${dir}/parquet`, "--format", "parquet");
    const table = `${dir}/delta/all_types`;
    const ours = await peer.ours(table);
    assertEquals(ours.count, 500);
    // The generating command's rows, written apart as plain Parquet and read by pyarrow.
    assertSameRows(await peer.read("parquet", `${dir}/parquet/all_types`), ours, "Parquet");
    for (const engine of ENGINES) {
      assertSameRows(await peer.read(engine, table), ours, engine);
    }
    // Each engine reports the schema we declared.
    const declared = await declaredFields(peer, table);
    const seen = await peer.py<Record<string, unknown[]>>(
      "from deltalake import DeltaTable\n" +
        "rs = json.loads(DeltaTable(args['path']).schema().to_json())['fields']\n" +
        "sp = spark().read.format('delta').load(args['path']).schema.jsonValue()['fields']\n" +
        "result = {\n" +
        "  'delta-rs': [[f['name'], f['type'], f['nullable']] for f in rs],\n" +
        "  'spark': [[f['name'], f['type'], f['nullable']] for f in sp],\n" +
        "  'polars': [[n, str(t)] for n, t in pl.read_delta(args['path']).schema.items()],\n" +
        "}",
      { path: table },
    );
    assertEquals(seen["delta-rs"], declared, "delta-rs schema");
    assertEquals(seen["spark"], declared, "Spark schema");
    assertEquals(
      seen["polars"],
      (declared as [string, string][]).map(([name, type]) => [name, polarsType(type)]),
      "Polars schema",
    );
  });
});

interopTest(
  "small files, written without parquet-wasm, read the same in pyarrow, delta-rs, Polars and Spark",
  async (peer) => {
    await withTempDir(async (dir) => {
      const config = `${FIXTURES}small_types.yaml`;
      await ok("generate", "--config", config, "--output", `${dir}/delta`);
      const table = `${dir}/delta/small_types`;
      const ours = await peer.ours(table);
      assertEquals(ours.count, 200);
      for (const engine of ENGINES) {
        assertSameRows(await peer.read(engine, table), ours, engine);
      }
      // The same rows in each codec, written here as the sinks write them, read by pyarrow
      // (its own snappy and zstd), with each column's statistics against what pyarrow computes.
      const rows = await readOutputTable(table);
      const files: Record<string, string> = {};
      for (const codec of ["snappy", "zstd", "none"] as const) {
        files[codec] = `${dir}/${codec}.parquet`;
        await Deno.writeFile(files[codec], encodeParquet(rows, codec));
      }
      const seen = await filesSeen(peer, files);
      for (const [codec, file] of Object.entries(seen)) {
        assertEquals(file.created_by, "tablestream", `${codec}: written without parquet-wasm`);
        assertSameRows(file.rows, ours, `pyarrow, ${codec}`);
        for (const [name, column] of Object.entries(file.columns)) {
          const what = `${codec}, ${name}`;
          assertEquals(column.codec, codec === "none" ? "UNCOMPRESSED" : codec.toUpperCase(), what);
          const float = name === "f32" || name === "f64";
          // Floats carry no statistics (as arrow-rs writes them here); every other column its
          // null count, and bounds pyarrow finds right.
          assertEquals(column.nulls, float ? null : column.null_rows, what);
          assertEquals(column.bounds_right, float ? null : [true, true], what);
        }
      }
    });
  },
);

interopTest(
  "larger numeric files, written without parquet-wasm, read the same in pyarrow, delta-rs, Polars and Spark",
  async (peer) => {
    await withTempDir(async (dir) => {
      await ok("generate", "--config", `${FIXTURES}numeric_types.yaml`, "--output", dir);
      const ours = await peer.ours(`${dir}/numeric_types`);
      assertEquals(ours.count, 60000);
      // The same rows appended to a Delta table by our writer, which encodes them here.
      const rows = await readOutputTable(`${dir}/numeric_types`);
      const direct = `${dir}/direct`;
      const writer = await DeltaWriter.open(direct, { schema: rows.schema, appId: "interop" });
      await writer.append(rows);
      for (const engine of ENGINES) {
        assertSameRows(await peer.read(engine, direct), ours, engine);
      }
      const [data] = [...Deno.readDirSync(direct)].filter((e) => e.name.endsWith(".parquet"));
      const files: Record<string, string> = { snappy: `${direct}/${data.name}` };
      files.none = `${dir}/none.parquet`;
      await Deno.writeFile(files.none, encodeParquet(rows, "none"));
      for (const [codec, file] of Object.entries(await filesSeen(peer, files))) {
        assertEquals(file.created_by, "tablestream", `${codec}: written without parquet-wasm`);
        assertSameRows(file.rows, ours, `pyarrow, ${codec}`);
        for (const [name, column] of Object.entries(file.columns)) {
          const what = `${codec}, ${name}`;
          assertEquals(column.codec, codec === "none" ? "UNCOMPRESSED" : "SNAPPY", what);
          const float = name === "f32" || name === "f64";
          const encoding = float || name === "flag" ? "PLAIN" : "DELTA_BINARY_PACKED";
          assertEquals(column.encodings.includes(encoding), true, `${what}: ${column.encodings}`);
          assertEquals(column.nulls, float ? null : column.null_rows, what);
          assertEquals(column.bounds_right, float ? null : [true, true], what);
        }
      }
    });
  },
);

/**
 * What pyarrow sees of Parquet files (by codec): who wrote each, its rows, and each column's
 * codec, encodings, null count, and whether its bounds are the column's min and max.
 */
function filesSeen(peer: Peer, files: Record<string, string>) {
  return peer.py<Record<string, FileSeen>>(
    "out = {}\n" +
      "for codec, path in args['files'].items():\n" +
      "  f = pq.ParquetFile(path)\n" +
      "  md = f.metadata\n" +
      "  t = f.read()\n" +
      "  columns = {}\n" +
      "  for i in range(md.num_columns):\n" +
      "    chunk = md.row_group(0).column(i)\n" +
      "    name = chunk.path_in_schema\n" +
      "    s = chunk.statistics\n" +
      "    col = t.column(name)\n" +
      "    if pa.types.is_timestamp(col.type): col = col.cast(pa.int64())\n" +
      "    if pa.types.is_date32(col.type): col = col.cast(pa.int32())\n" +
      "    mm = pc.min_max(col)\n" +
      "    lo, hi = mm['min'].as_py(), mm['max'].as_py()\n" +
      "    if isinstance(lo, str): lo, hi = lo.encode(), hi.encode()\n" +
      "    columns[name] = {\n" +
      "      'codec': chunk.compression,\n" +
      "      'encodings': list(chunk.encodings),\n" +
      "      'nulls': s.null_count if s is not None else None,\n" +
      "      'null_rows': t.column(name).null_count,\n" +
      "      'bounds_right': None if s is None or not s.has_min_max else\n" +
      "        [s.min_raw == lo, s.max_raw == hi],\n" +
      "    }\n" +
      "  out[codec] = {'created_by': md.created_by, 'rows': described(t), 'columns': columns}\n" +
      "result = out",
    { files },
  );
}

/** What pyarrow saw of one file. */
interface FileSeen {
  created_by: string;
  rows: Described;
  columns: Record<
    string,
    {
      codec: string;
      encodings: string[];
      nulls: number | null;
      null_rows: number;
      bounds_right: boolean[] | null;
    }
  >;
}

/** The Polars data type a Delta type reads as. */
function polarsType(delta: string): string {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(delta);
  if (decimal) return `Decimal(precision=${decimal[1]}, scale=${decimal[2]})`;
  return {
    long: "Int64",
    integer: "Int32",
    short: "Int16",
    byte: "Int8",
    double: "Float64",
    float: "Float32",
    string: "String",
    boolean: "Boolean",
    date: "Date",
    timestamp: "Datetime(time_unit='us', time_zone='UTC')",
    binary: "Binary",
  }[delta] ?? delta;
}
