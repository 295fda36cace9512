/**
 * The PostgreSQL sink's values against a real server: every type's edge values, a wide table,
 * and identifiers that need quoting, written and read back in SQL and through the sink.
 */
import * as arrow from "apache-arrow";
import { assertEquals } from "../../../tests/_assert.ts";
import { batchOf, column, decimalColumn } from "../../../tests/_batches.ts";
import { allTypesTable, cells } from "../../../tests/_delta.ts";
import {
  opened,
  postgresTest,
  query,
  sinkOn,
  testClient,
  type TestPostgres,
  testPostgres,
  withSchema,
} from "../../../tests/_postgres.ts";

const found = await testPostgres();
const test = (name: string, fn: (server: TestPostgres) => Promise<void>) =>
  postgresTest(found, `postgres sink: ${name}`, fn);

const TEXTS = [
  "tab\there",
  "line\nbreak\r\nand CR\r",
  "back\\slash and the text \\N",
  `quotes " ' and , ; | separators`,
  "ünïcødé 🎉 中文 עברית",
  "",
  null,
];

/** Edge values of every type, seven rows. */
const EDGES = batchOf({
  id: column(new arrow.Int64(), [1n, 2n, 3n, 4n, 5n, 6n, 7n]),
  tiny: column(new arrow.Int8(), [-128, 127, 0, -1, 1, 2, null]),
  small: column(new arrow.Int16(), [-32768, 32767, 0, -1, 1, 2, null]),
  n: column(new arrow.Int32(), [-2147483648, 2147483647, 0, -1, 1, 2, null]),
  big: column(new arrow.Int64(), [
    -9223372036854775808n,
    9223372036854775807n,
    9007199254740993n,
    -1n,
    0n,
    1n,
    null,
  ]),
  ratio: column(new arrow.Float32(), [Math.fround(0.1), Infinity, -Infinity, NaN, -0, 3e38, null]),
  score: column(new arrow.Float64(), [0.1, -0, 1e308, 5e-324, NaN, -Infinity, null]),
  name: column(new arrow.Utf8(), TEXTS),
  active: column(new arrow.Bool(), [true, false, true, false, true, false, null]),
  day: column(new arrow.DateDay(), [0, -719_162, 2_932_896, -1, 20_454, -719_528, null]),
  at: column(new arrow.TimestampMicrosecond("UTC"), [
    1_767_225_600_123_456n,
    -1n,
    0n,
    -62_135_596_800_000_000n,
    253_402_300_799_999_999n,
    -62_135_596_800_000_001n,
    null,
  ]),
  local: column(new arrow.TimestampMicrosecond(), [1n, 2n, 3n, 4n, 5n, 6n, null]),
  price: decimalColumn([-1234567890n, 99999999999n, 0n, 1n, -1n, 5n, null], 11, 2),
  blob: arrow.vectorFromArray(
    [
      Uint8Array.from({ length: 256 }, (_, i) => i),
      new Uint8Array(0),
      Uint8Array.of(92, 10, 9),
      Uint8Array.of(0),
      Uint8Array.of(255),
      Uint8Array.of(1, 2),
      null,
    ],
    new arrow.Binary(),
  ).data[0],
});

test("every type round-trips: SQL sees the exact values, read gives the Arrow columns back", async (server) => {
  await withSchema(server, async (schema, db) => {
    const sink = await opened(sinkOn(server, schema), [
      { name: "edges", schema: EDGES.schema, primaryKey: "id" },
    ], "error");
    await sink.write("edges", EDGES);
    await sink.close();

    const types = await query<{ column_name: string; type: string; is_nullable: string }>(
      db,
      `SELECT column_name, format_type(atttypid, atttypmod) AS type, is_nullable
         FROM information_schema.columns
         JOIN pg_attribute ON attrelid = format('%I.%I', table_schema, table_name)::regclass
                          AND attname = column_name
        WHERE table_schema = $1 AND table_name = 'edges' ORDER BY ordinal_position`,
      [schema],
    );
    assertEquals(types.map((t) => `${t.column_name} ${t.type}`), [
      "id bigint",
      "tiny smallint",
      "small smallint",
      "n integer",
      "big bigint",
      "ratio real",
      "score double precision",
      "name text",
      "active boolean",
      "day date",
      "at timestamp with time zone",
      "local timestamp without time zone",
      "price numeric(11,2)",
      "blob bytea",
    ]);
    assertEquals(types[0].is_nullable, "NO", "the primary key");
    const [pk] = await query<{ def: string }>(
      db,
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = '"${schema}".edges'::regclass AND contype = 'p'`,
    );
    assertEquals(pk.def, "PRIMARY KEY (id)");

    await db.query("SET TIME ZONE 'UTC'");
    const text = await query<Record<string, string | null>>(
      db,
      `SELECT big::text, ratio::text, score::text, name, day::text, at::text, price::text,
              encode(blob, 'hex') AS blob
         FROM "${schema}".edges ORDER BY id`,
    );
    assertEquals(text.map((r) => r.name), TEXTS, "text arrives exactly, escapes undone");
    assertEquals(text.map((r) => r.big), [
      "-9223372036854775808",
      "9223372036854775807",
      "9007199254740993",
      "-1",
      "0",
      "1",
      null,
    ]);
    assertEquals(text.map((r) => r.ratio), [
      "0.1",
      "Infinity",
      "-Infinity",
      "NaN",
      "-0",
      "3e+38",
      null,
    ]);
    assertEquals(text.map((r) => r.score), [
      "0.1",
      "-0",
      "1e+308",
      "5e-324",
      "NaN",
      "-Infinity",
      null,
    ]);
    assertEquals(text.map((r) => r.day), [
      "1970-01-01",
      "0001-01-01",
      "9999-12-31",
      "1969-12-31",
      "2026-01-01",
      "0001-01-01 BC",
      null,
    ]);
    assertEquals(text.map((r) => r.at), [
      "2026-01-01 00:00:00.123456+00",
      "1969-12-31 23:59:59.999999+00",
      "1970-01-01 00:00:00+00",
      "0001-01-01 00:00:00+00",
      "9999-12-31 23:59:59.999999+00",
      "0001-12-31 23:59:59.999999+00 BC",
      null,
    ]);
    assertEquals(text.map((r) => r.price), [
      "-12345678.90",
      "999999999.99",
      "0.00",
      "0.01",
      "-0.01",
      "0.05",
      null,
    ]);
    assertEquals(
      text[0].blob,
      Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0")).join(""),
    );
    assertEquals(text.slice(1).map((r) => r.blob), ["", "5c0a09", "00", "ff", "0102", null]);

    const stored = await sink.inspect!("edges");
    assertEquals(
      stored!.schema.fields.map((f) => `${f.name}: ${f.type}`),
      EDGES.schema.fields.map((f) => `${f.name}: ${f.type}`),
      "int8 is still int8 (column comment), timestamps keep their zone",
    );
    const back = await sink.read!("edges", EDGES.schema.fields.map((f) => f.name));
    assertEquals(cells(back), cells(new arrow.Table([EDGES])));
    const some = await sink.read!("edges", ["name", "id"]);
    assertEquals(some.schema.fields.map((f) => f.name), ["name", "id"], "columns as asked");
  });
});

test("a wide table of every type, 12,345 rows with nulls, reads back equal", async (server) => {
  await withSchema(server, async (schema) => {
    const table = allTypesTable(0, 12_345);
    const sink = await opened(sinkOn(server, schema), [
      { name: "wide", schema: table.schema, primaryKey: "id" },
    ], "error");
    for (const batch of table.batches) await sink.write("wide", batch);
    await sink.close();
    const back = await sink.read!("wide", table.schema.fields.map((f) => f.name));
    assertEquals(back.numRows, 12_345);
    assertEquals(cells(back), cells(table));
  });
});

test("identifiers are quoted: names with spaces, quotes, capitals and keywords", async (server) => {
  const schemaName = `Mixed "schema" ${crypto.randomUUID().slice(0, 4)}`;
  const db = await testClient(server);
  try {
    const fields = {
      select: new arrow.Int64(),
      "Mixed Case": new arrow.Utf8(),
      'quo"te': new arrow.Int32(),
    };
    const schema = new arrow.Schema(
      Object.entries(fields).map(([name, type]) => new arrow.Field(name, type, true)),
    );
    const sink = await opened(sinkOn(server, schemaName, { progressTable: "Progress Of Things" }), [
      { name: "Order Lines", schema, primaryKey: "select", appId: "a" },
    ], "error");
    await sink.write(
      "Order Lines",
      batchOf({
        select: column(fields.select, [1n, 2n]),
        "Mixed Case": column(fields["Mixed Case"], ["one", "two"]),
        'quo"te': column(fields['quo"te'], [10, null]),
      }),
    );
    await sink.flush({ tick: 3 });
    await sink.close();
    const quotedSchema = `"${schemaName.replaceAll('"', '""')}"`;
    assertEquals(
      await query(db, `SELECT * FROM ${quotedSchema}."Order Lines" ORDER BY "select"`),
      [{ select: "1", "Mixed Case": "one", 'quo"te': 10 }, {
        select: "2",
        "Mixed Case": "two",
        'quo"te': null,
      }],
    );
    assertEquals(
      await query(db, `SELECT table_name, app_id, tick FROM ${quotedSchema}."Progress Of Things"`),
      [{ table_name: "Order Lines", app_id: "a", tick: "3" }],
    );
    const back = await sink.read!("Order Lines", ['quo"te', "select"]);
    assertEquals([...back.getChild('quo"te')!], [10, null]);
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schemaName.replaceAll('"', '""')}" CASCADE`);
    await db.end();
  }
});
