import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { deltaFixtureTest } from "../../tests/_external.ts";
import { joinPath, localFs } from "./fs.ts";
import { readSnapshot } from "./log_reader.ts";
import { countRows, parseTimestampMicros, readTable, readTableBatches } from "./read_data.ts";
import { arrowToDeltaSchema } from "./schema.ts";
import { commitFileName } from "./actions.ts";
import { DeltaWriter } from "./writer.ts";
import { readParquetColumns } from "../parquet/mod.ts";

async function read(fixture: (name: string) => string, name: string, columns?: string[]) {
  const snapshot = await readSnapshot(localFs, fixture(name));
  return { snapshot, table: await readTable(localFs, snapshot, { columns }) };
}

/** Plain values of a column (bigints stay bigints). */
function values(table: arrow.Table, name: string): unknown[] {
  return Array.from(table.getChild(name)!);
}

/** Rows as objects of the given columns, sorted by the first one. */
function rows(table: arrow.Table, names: string[], format: Record<string, (i: number) => unknown>) {
  const out = [];
  for (let i = 0; i < table.numRows; i++) {
    out.push(Object.fromEntries(names.map((n) => [n, format[n](i)])));
  }
  return out.sort((a, b) => Number(a[names[0]]) - Number(b[names[0]]));
}

/** Exact raw values of a 64-bit column (timestamp micros), null for nulls. */
function raw64(table: arrow.Table, name: string): (bigint | null)[] {
  const out: (bigint | null)[] = [];
  for (const data of table.getChild(name)!.data) {
    const buffer = data.values as BigInt64Array;
    for (let i = 0; i < data.length; i++) {
      out.push(data.getValid(i) ? buffer[data.offset + i] : null);
    }
  }
  return out;
}

/** Micros since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
function iso(micros: bigint | null): string | null {
  if (micros === null) return null;
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const frac = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  return new Date(Number(ms)).toISOString().slice(0, 19) + "." +
    String(frac).padStart(6, "0") + "Z";
}

/** Exact decimal strings of a Decimal128 column. */
function decimals(table: arrow.Table, name: string): (string | null)[] {
  const out: (string | null)[] = [];
  for (const data of table.getChild(name)!.data) {
    const scale = (data.type as arrow.Decimal).scale;
    const words = data.values as Uint32Array;
    for (let i = 0; i < data.length; i++) {
      if (!data.getValid(i)) {
        out.push(null);
        continue;
      }
      let v = 0n;
      for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(words[(data.offset + i) * 4 + w]);
      v = BigInt.asIntN(128, v);
      const digits = (v < 0n ? -v : v).toString().padStart(scale + 1, "0");
      const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
      out.push((v < 0n ? "-" : "") + text);
    }
  }
  return out;
}

deltaFixtureTest(
  "rs-simple_table: ids {5, 7, 9} from 5 files, some empty; no stats",
  async (fixture) => {
    const { snapshot, table } = await read(fixture, "rs-simple_table");
    assertEquals(String(table.schema), "Schema<{ 0: id: Int64 }>");
    assertEquals((values(table, "id") as bigint[]).sort(), [5n, 7n, 9n]);
    assertEquals(countRows(snapshot), undefined);
  },
);

deltaFixtureTest(
  "rs-simple_table_with_checkpoint: 11 rows from the checkpoint's files",
  async (fixture) => {
    const { table } = await read(fixture, "rs-simple_table_with_checkpoint");
    assertEquals(String(table.schema), "Schema<{ 0: version: Int32 }>");
    assertEquals(
      (values(table, "version") as number[]).sort((a, b) => a - b),
      [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  },
);

deltaFixtureTest(
  "rs-python-0.25.5-checkpoint: x = 1,1,2,2,3,3 and stats count 6",
  async (fixture) => {
    const { snapshot, table } = await read(fixture, "rs-python-0.25.5-checkpoint");
    assertEquals((values(table, "x") as bigint[]).sort(), [1n, 1n, 2n, 2n, 3n, 3n]);
    assertEquals(countRows(snapshot), 6);
  },
);

deltaFixtureTest("rs-delta-2.2.0-partitioned-types: typed partition columns", async (fixture) => {
  const { table } = await read(fixture, "rs-delta-2.2.0-partitioned-types");
  assertEquals(String(table.schema), "Schema<{ 0: c1: Int32, 1: c2: Utf8, 2: c3: Int32 }>");
  const get = (n: string) => (i: number) => table.getChild(n)!.get(i);
  assertEquals(rows(table, ["c1", "c2", "c3"], { c1: get("c1"), c2: get("c2"), c3: get("c3") }), [
    { c1: 4, c2: "c", c3: 5 },
    { c1: 5, c2: "b", c3: 6 },
    { c1: 6, c2: "a", c3: 4 },
  ]);
});

deltaFixtureTest(
  "rs-delta-2.2.0-partitioned-types: projection keeps schema order",
  async (fixture) => {
    const { table } = await read(fixture, "rs-delta-2.2.0-partitioned-types", ["c3", "c1"]);
    assertEquals(String(table.schema), "Schema<{ 0: c1: Int32, 1: c3: Int32 }>");
    assertEquals(table.numRows, 3);
    const onlyPartition = await read(fixture, "rs-delta-2.2.0-partitioned-types", ["c2"]);
    assertEquals((values(onlyPartition.table, "c2") as string[]).sort(), ["a", "b", "c"]);
    await assertRejects(
      () => read(fixture, "rs-delta-2.2.0-partitioned-types", ["c4"]),
      Error,
      'no column "c4"',
    );
  },
);

deltaFixtureTest(
  "rs-table_with_edge_timestamps: INT96 year-9999 values converted exactly",
  async (fixture) => {
    const { table } = await read(fixture, "rs-table_with_edge_timestamps");
    assertEquals(
      String(table.schema),
      "Schema<{ 0: BIG_DATE: Timestamp<MICROSECOND, UTC>, 1: NORMAL_DATE: Timestamp<MICROSECOND, UTC>, 2: SOME_VALUE: Int32 }>",
    );
    const big = raw64(table, "BIG_DATE");
    const normal = raw64(table, "NORMAL_DATE");
    const some = values(table, "SOME_VALUE");
    assertEquals(
      rows(table, ["v", "big", "normal"], {
        v: (i) => some[i],
        big: (i) => iso(big[i]),
        normal: (i) => iso(normal[i]),
      }),
      [
        { v: 1, big: "9999-12-31T00:00:00.000000Z", normal: "2022-01-01T00:00:00.000000Z" },
        { v: 2, big: "9999-12-30T00:00:00.000000Z", normal: "2022-02-01T00:00:00.000000Z" },
      ],
    );
  },
);

deltaFixtureTest(
  "spark-basic-with-inserts-overwrite-restore: 200 distinct ids 0..199",
  async (fixture) => {
    const { snapshot, table } = await read(fixture, "spark-basic-with-inserts-overwrite-restore");
    const ids = (values(table, "id") as bigint[]).map(Number).sort((a, b) => a - b);
    assertEquals(ids, Array.from({ length: 200 }, (_, i) => i));
    assertEquals(countRows(snapshot), 200);
  },
);

deltaFixtureTest(
  "spark-data-skipping-basic-stats-all-types: one row of every primitive type",
  async (fixture) => {
    const { table } = await read(fixture, "spark-data-skipping-basic-stats-all-types");
    assertEquals(
      String(table.schema),
      "Schema<{ 0: as_int: Int32, 1: as_long: Int64, 2: as_byte: Int8, 3: as_short: Int16, " +
        "4: as_float: Float32, 5: as_double: Float64, 6: as_string: Utf8, 7: as_date: Date32<DAY>, " +
        "8: as_timestamp: Timestamp<MICROSECOND, UTC>, 9: as_big_decimal: Decimal[1e0] }>",
    );
    assertEquals(table.numRows, 1);
    const row = table.get(0)!;
    assertEquals(
      [
        row.as_int,
        row.as_long,
        row.as_byte,
        row.as_short,
        row.as_float,
        row.as_double,
        row.as_string,
      ],
      [0, 0n, 0, 0, 0, 0, "0"],
    );
    assertEquals(new Date(row.as_date as number).toISOString(), "2000-01-01T00:00:00.000Z");
    assertEquals(iso(raw64(table, "as_timestamp")[0]), "2000-01-01T08:00:00.000000Z");
    assertEquals(decimals(table, "as_big_decimal"), ["0"]);
  },
);

deltaFixtureTest(
  "spark-kernel-timestamp-TIMESTAMP_MICROS: INT64 micros, timestamp partitions, URI paths",
  async (fixture) => {
    const { table } = await read(fixture, "spark-kernel-timestamp-TIMESTAMP_MICROS");
    assertEquals(
      String(table.schema),
      "Schema<{ 0: id: Int32, 1: part: Timestamp<MICROSECOND, UTC>, 2: time: Timestamp<MICROSECOND, UTC> }>",
    );
    const id = values(table, "id");
    const time = raw64(table, "time");
    const part = raw64(table, "part");
    assertEquals(
      rows(table, ["id", "time", "part"], {
        id: (i) => id[i],
        time: (i) => iso(time[i]),
        part: (i) => iso(part[i]),
      }),
      [
        { id: 0, time: "2020-02-01T08:09:10.000000Z", part: "2020-01-01T08:09:10.001000Z" },
        { id: 1, time: "1999-01-01T09:00:00.000000Z", part: "2021-10-01T08:09:20.000000Z" },
        { id: 2, time: "2000-01-01T09:00:00.000000Z", part: "2021-10-01T08:09:20.000000Z" },
        { id: 3, time: "1969-01-01T00:00:00.000000Z", part: "1969-01-01T00:00:00.000000Z" },
        { id: 4, time: null, part: null },
      ],
    );
  },
);

deltaFixtureTest(
  "spark-data-reader-timestamp_ntz: timestamp_ntz data and partition values",
  async (fixture) => {
    const { table } = await read(fixture, "spark-data-reader-timestamp_ntz");
    assertEquals(
      String(table.schema),
      "Schema<{ 0: id: Int32, 1: tsNtz: Timestamp<MICROSECOND>, 2: tsNtzPartition: Timestamp<MICROSECOND> }>",
    );
    const id = values(table, "id");
    const ts = raw64(table, "tsNtz");
    const part = raw64(table, "tsNtzPartition");
    const a = "2021-11-18T02:30:00.123456Z";
    const b = "2013-07-05T17:01:00.123456Z";
    assertEquals(
      rows(table, ["id", "ts", "part"], {
        id: (i) => id[i],
        ts: (i) => iso(ts[i]),
        part: (i) => iso(part[i]),
      }),
      Array.from({ length: 9 }, (_, i) => ({
        id: i,
        ts: [a, b, null][i % 3],
        part: [a, b, null][Math.floor(i / 3)],
      })),
    );
  },
);

deltaFixtureTest(
  "spark-basic-decimal-table: INT32, INT64 and FLBA decimals and a decimal partition",
  async (fixture) => {
    const { table } = await read(fixture, "spark-basic-decimal-table");
    assertEquals(
      String(table.schema),
      "Schema<{ 0: part: Decimal[12e+5], 1: col1: Decimal[5e+2], 2: col2: Decimal[10e+5], 3: col3: Decimal[20e+10] }>",
    );
    const cols = ["col1", "col2", "col3", "part"].map((n) => decimals(table, n));
    const got = cols[0].map((_, i) => cols.map((c) => c[i]));
    got.sort((x, y) => Number(x[0]) - Number(y[0]));
    assertEquals(got, [
      ["-999.99", "-99999.99999", "-9999999999.9999999999", "-2342342.23423"],
      ["0.00", "0.00000", "0.0000000000", "0.00004"],
      ["1.00", "2.00000", "3.0000000000", "234.00000"],
      ["111.11", "22222.22222", "3333333333.3333333333", "2342222.23454"],
    ]);
  },
);

Deno.test("parseTimestampMicros: Delta partition timestamp forms", () => {
  assertEquals(parseTimestampMicros("1970-01-01 00:00:00"), 0n);
  assertEquals(parseTimestampMicros("1970-01-01 00:00:00.000001"), 1n);
  assertEquals(parseTimestampMicros("1970-01-01T00:00:00.123456Z"), 123456n);
  assertEquals(parseTimestampMicros("1970-01-01T01:00:00+01:00"), 0n);
  assertEquals(parseTimestampMicros("1969-12-31 23:59:59.5"), -500000n);
  assertEquals(parseTimestampMicros("0001-01-01 00:00:00"), -62135596800000000n);
  assertEquals(parseTimestampMicros("not a time"), undefined);
});

Deno.test("readTable: ms/ns timestamps cast to micros, missing columns null, empty files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "read_data_test_" });
  try {
    const write = async (name: string, table: arrow.Table) => {
      const wasm = pq.Table.fromIPCStream(arrow.tableToIPC(table, "stream"));
      await Deno.writeFile(joinPath(dir, name), pq.writeParquet(wasm));
    };
    const ts = (type: arrow.Timestamp, values: bigint[]) =>
      arrow.makeVector(
        arrow.makeData({ type, length: values.length, data: BigInt64Array.from(values) }),
      );
    await write(
      "ms.parquet",
      new arrow.Table({
        id: arrow.vectorFromArray([1n, 2n], new arrow.Int64()),
        at: ts(new arrow.TimestampMillisecond("UTC"), [1000n, -1n]),
      }),
    );
    await write(
      "ns.parquet",
      new arrow.Table({
        id: arrow.vectorFromArray([3n], new arrow.Int64()),
        at: ts(new arrow.TimestampNanosecond("UTC"), [1_234_567_000n]),
      }),
    );
    // An older file without the `at` column, and a file with no rows.
    await write(
      "old.parquet",
      new arrow.Table({ id: arrow.vectorFromArray([4n], new arrow.Int64()) }),
    );
    await write(
      "empty.parquet",
      new arrow.Table({ id: arrow.vectorFromArray([] as bigint[], new arrow.Int64()) }),
    );
    const schemaString = arrowToDeltaSchema(
      new arrow.Schema([
        new arrow.Field("id", new arrow.Int64(), true),
        new arrow.Field("at", new arrow.TimestampMicrosecond("UTC"), true),
      ]),
    );
    const adds = ["ms", "ns", "old", "empty"].map((n) => ({
      add: {
        path: `${n}.parquet`,
        partitionValues: {},
        size: 1,
        modificationTime: 1,
        dataChange: true,
      },
    }));
    await Deno.mkdir(joinPath(dir, "_delta_log"));
    await Deno.writeTextFile(
      joinPath(dir, "_delta_log", "00000000000000000000.json"),
      [
        { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
        {
          metaData: {
            id: "x",
            format: { provider: "parquet", options: {} },
            schemaString,
            partitionColumns: [],
            configuration: {},
          },
        },
        ...adds,
      ].map((a) => JSON.stringify(a)).join("\n"),
    );
    const snapshot = await readSnapshot(localFs, dir);
    const table = await readTable(localFs, snapshot);
    assertEquals(values(table, "id"), [1n, 2n, 3n, 4n]);
    assertEquals(raw64(table, "at"), [1_000_000n, -1000n, 1_234_567n, null]);
    const ids = await readTable(localFs, snapshot, { columns: ["id"] });
    assertEquals(ids.schema.fields.map((f) => f.name), ["id"]);

    // Projection: only the chosen columns are decoded from the file.
    const read = await readParquetColumns(await Deno.readFile(joinPath(dir, "ms.parquet")), ["at"]);
    assertEquals(read.table.schema.fields.map((f) => f.name), ["at"]);
    assertEquals(read.numRows, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("column mapping mode name: files, partition values and stats by physical name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tablestream-cm-" });
  try {
    // Written under physical names, as an engine with column mapping writes the files.
    const physical = new arrow.Table({
      "col-1": arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()),
      "col-2": arrow.vectorFromArray(["a", "b", null], new arrow.Utf8()),
      "col-3": arrow.vectorFromArray(["x", "x", "y"], new arrow.Utf8()),
    });
    const writer = await DeltaWriter.open(dir, {
      schema: physical.schema,
      appId: "cm",
      partitionBy: ["col-3"],
    });
    await writer.append(physical);
    // Then the log's schema names them logically, with their physical names in metadata;
    // "label" is a renamed column (its physical name stays col-2).
    const field = (name: string, type: string, id: number) => ({
      name,
      type,
      nullable: true,
      metadata: { "delta.columnMapping.id": id, "delta.columnMapping.physicalName": `col-${id}` },
    });
    const logical = (second: string) =>
      JSON.stringify({
        type: "struct",
        fields: [field("id", "long", 1), field(second, "string", 2), field("part", "string", 3)],
      });
    const first = joinPath(dir, "_delta_log", commitFileName(0));
    const actions = (await Deno.readTextFile(first)).trim().split("\n").map((l) => JSON.parse(l));
    for (const action of actions) {
      if (action.protocol) action.protocol = { minReaderVersion: 2, minWriterVersion: 5 };
      if (action.metaData) {
        action.metaData.schemaString = logical("name");
        action.metaData.partitionColumns = ["part"];
        action.metaData.configuration = { "delta.columnMapping.mode": "name" };
      }
    }
    await Deno.writeTextFile(first, actions.map((a) => JSON.stringify(a)).join("\n") + "\n");
    const renamed = actions.find((a) => a.metaData).metaData;
    await Deno.writeTextFile(
      joinPath(dir, "_delta_log", commitFileName(1)),
      JSON.stringify({ metaData: { ...renamed, schemaString: logical("label") } }) + "\n",
    );

    const rowsOf = async (version?: number, columns?: string[]) => {
      const table = await readTable(
        localFs,
        await readSnapshot(localFs, dir, { version }),
        { columns },
      );
      return rows(
        table,
        table.schema.fields.map((f) => f.name),
        Object.fromEntries(
          table.schema.fields.map((f) => [f.name, (i: number) => table.getChild(f.name)!.get(i)]),
        ),
      );
    };
    assertEquals(await rowsOf(0), [
      { id: 1n, name: "a", part: "x" },
      { id: 2n, name: "b", part: "x" },
      { id: 3n, name: null, part: "y" },
    ]);
    assertEquals(await rowsOf(1, ["id", "label", "part"]), [
      { id: 1n, label: "a", part: "x" },
      { id: 2n, label: "b", part: "x" },
      { id: 3n, label: null, part: "y" },
    ]);
    // Mode id resolves by Parquet field ids; files without them, by physical name.
    const idMode = { ...renamed, configuration: { "delta.columnMapping.mode": "id" } };
    await Deno.writeTextFile(
      joinPath(dir, "_delta_log", commitFileName(2)),
      JSON.stringify({ metaData: idMode }) + "\n",
    );
    assertEquals(await rowsOf(2, ["name", "part"]), [
      { name: "a", part: "x" },
      { name: "b", part: "x" },
      { name: null, part: "y" },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test('a logged partition value is a string, __HIVE_DEFAULT_PARTITION__ too; null and "" are null', async () => {
  // Spark and delta-rs read "__HIVE_DEFAULT_PARTITION__" in the log as that string: only the
  // folder of a null value has that name.
  const dir = await Deno.makeTempDir({ prefix: "read_data_test_" });
  try {
    const data = new arrow.Table({ id: arrow.vectorFromArray([1n], new arrow.Int64()) });
    const wasm = pq.Table.fromIPCStream(arrow.tableToIPC(data, "stream"));
    await Deno.writeFile(joinPath(dir, "one.parquet"), pq.writeParquet(wasm));
    const schemaString = arrowToDeltaSchema(
      new arrow.Schema([
        new arrow.Field("id", new arrow.Int64(), true),
        new arrow.Field("label", new arrow.Utf8(), true),
      ]),
    );
    const labels = ["__HIVE_DEFAULT_PARTITION__", "", null, "x"];
    // The same rows in four files, under four partition values (the log is the truth).
    const adds = labels.map((label, i) => ({
      add: {
        path: `one-${i}.parquet`,
        partitionValues: { label },
        size: 1,
        modificationTime: 1,
        dataChange: true,
      },
    }));
    await Deno.mkdir(joinPath(dir, "_delta_log"));
    for (let i = 0; i < labels.length; i++) {
      await Deno.copyFile(joinPath(dir, "one.parquet"), joinPath(dir, `one-${i}.parquet`));
    }
    await Deno.writeTextFile(
      joinPath(dir, "_delta_log", "00000000000000000000.json"),
      [
        { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
        {
          metaData: {
            id: "x",
            format: { provider: "parquet", options: {} },
            schemaString,
            partitionColumns: ["label"],
            configuration: {},
          },
        },
        ...adds,
      ].map((a) => JSON.stringify(a)).join("\n"),
    );
    const table = await readTable(localFs, await readSnapshot(localFs, dir));
    assertEquals(values(table, "label"), labels.map((l) => (l === "" ? null : l)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("batches read range by range into reused buffers hold what whole files hold", async () => {
  const dir = await Deno.makeTempDir({ prefix: "read_data_test_" });
  try {
    // Three files of 100,000 rows (two batches each); keys out of order, a text, nulls.
    const n = 300_000;
    const table = new arrow.Table({
      id: arrow.vectorFromArray(
        Array.from({ length: n }, (_, i) => BigInt((i * 7919) % n)),
        new arrow.Int64(),
      ),
      name: arrow.vectorFromArray(
        Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : `n${i}`)),
        new arrow.Utf8(),
      ),
      other: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => i / 2), new arrow.Float64()),
    });
    const writer = await DeltaWriter.open(dir, {
      schema: table.schema,
      appId: "ranges",
      targetFileRows: 100_000,
    });
    await writer.append(table);
    const snapshot = await readSnapshot(localFs, dir);
    assertEquals(snapshot.files.length, 3);
    const columns = ["id", "name"];
    const whole = { ...localFs, readRange: undefined };
    const expected = cells(await readTable(whole, snapshot, { columns }));
    let ranges = 0;
    const counting = {
      ...localFs,
      readRange: (path: string, offset: number, length: number) => {
        ranges++;
        return localFs.readRange!(path, offset, length);
      },
    };
    const { batches } = readTableBatches(counting, snapshot, { columns, reuse: true });
    const seen: Record<string, unknown[]> = { id: [], name: [] };
    let count = 0;
    for await (const batch of batches) {
      count++;
      // Read now: the next batch overwrites this one's buffers.
      for (const c of columns) seen[c].push(...batch.getChild(c)!.toArray());
    }
    assertEquals(count, 6);
    assert(ranges >= 3, `${ranges} ranges read`);
    assertEquals({ id: seen.id.map(String), name: seen.name.map(String) }, expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function cells(table: arrow.Table) {
  return {
    id: Array.from(table.getChild("id")!, String),
    name: Array.from(table.getChild("name")!, String),
  };
}
