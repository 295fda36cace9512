/**
 * Column mapping (modes name and id), type widening and timestamp_ntz against Spark 4.0 and
 * delta-rs: tables Spark made (nested struct, array and map columns; a renamed top-level and
 * nested column and a dropped one; rows before and after; columns widened int -> bigint,
 * short -> int, float -> double, decimal(5,2) -> decimal(10,2), date -> timestamp_ntz) are read
 * by us as the engines read them, are parents of a run, and are appended to by `generate` and
 * `run`, optimized and overwritten; Spark and delta-rs then read them, their protocol and
 * properties intact, and Spark still inserts. Our own new tables with column mapping are read by Spark and delta-rs alike.
 */
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { interopTest, type Peer } from "./_peer.ts";
import {
  assertEnginesAgree,
  assertIntact,
  checkChild,
  fails,
  inspectedRows,
  ok,
  START,
  tableFacts,
} from "./_theirs.ts";

/** Writes Spark's tables under `dir`; the rows each holds. */
async function writeWithSpark(peer: Peer, dir: string): Promise<Record<string, number>> {
  return await peer.py<Record<string, number>>(
    `
base = args['dir']
s = spark()

def nested_rows(start, n):
    out = []
    for i in range(start, start + n):
        name = 'NULL' if i % 7 == 3 else f"'n{i}'"
        info = 'NULL' if i % 9 == 4 else f"named_struct('city', 'c{i % 5}', 'zip', {i * 11})"
        out.append(f"({i}, {name}, {info}, array('a{i}', 'b'), map('k', {i}), {i * 3})")
    return ', '.join(out)

result = {}
for mode in ['name', 'id']:
    # Nested columns; a top-level and a nested column renamed and one dropped after the first rows.
    p = f'{base}/cm_{mode}'
    s.sql(f"CREATE TABLE delta.\`{p}\` (id BIGINT, name STRING, info STRUCT<city: STRING, zip: INT>, "
          f"tags ARRAY<STRING>, attrs MAP<STRING, INT>, gone INT) USING delta "
          f"TBLPROPERTIES ('delta.columnMapping.mode' = '{mode}')")
    s.sql(f"INSERT INTO delta.\`{p}\` VALUES {nested_rows(1, 20)}")
    s.sql(f"ALTER TABLE delta.\`{p}\` RENAME COLUMN name TO label")
    s.sql(f"ALTER TABLE delta.\`{p}\` RENAME COLUMN info.city TO town")
    s.sql(f"ALTER TABLE delta.\`{p}\` DROP COLUMN gone")
    s.sql(f"INSERT INTO delta.\`{p}\` SELECT id, label, info, tags, attrs FROM "
          f"(VALUES {nested_rows(21, 10)}) AS v(id, label, info, tags, attrs, gone)")
    result[f'cm_{mode}'] = 30
    # Flat and partitioned, renamed and dropped likewise: what a config appends to.
    p = f'{base}/cmf_{mode}'
    s.sql(f"CREATE TABLE delta.\`{p}\` (id BIGINT, name STRING, amount DECIMAL(10,2), day DATE, "
          f"at TIMESTAMP, gone INT) USING delta PARTITIONED BY (day) "
          f"TBLPROPERTIES ('delta.columnMapping.mode' = '{mode}')")
    s.sql(f"INSERT INTO delta.\`{p}\` SELECT id, IF(id % 7 = 3, NULL, concat('n', id)), id * 1.25, "
          f"date_add(DATE'2020-01-01', CAST(id % 3 AS INT)), timestamp_micros(id * 1000000), 1 "
          f"FROM range(1, 21)")
    s.sql(f"ALTER TABLE delta.\`{p}\` RENAME COLUMN name TO label")
    s.sql(f"ALTER TABLE delta.\`{p}\` DROP COLUMN gone")
    s.sql(f"INSERT INTO delta.\`{p}\` SELECT id, concat('m', id), id * 1.5, "
          f"date_add(DATE'2020-01-01', CAST(id % 3 AS INT)), timestamp_micros(id * 1000000) "
          f"FROM range(21, 31)")
    result[f'cmf_{mode}'] = 30

# Type widening: rows in the narrow types, every column widened, rows in the wide ones.
p = f'{base}/tw'
s.sql(f"CREATE TABLE delta.\`{p}\` (id INT, small SHORT, ratio FLOAT, price DECIMAL(5,2), day DATE) "
      f"USING delta TBLPROPERTIES ('delta.enableTypeWidening' = 'true', "
      f"'delta.feature.timestampNtz' = 'supported')")
s.sql(f"INSERT INTO delta.\`{p}\` SELECT CAST(id AS INT), CAST(id * 100 AS SHORT), "
      f"IF(id = 5, NULL, CAST(id / 4.0 AS FLOAT)), CAST(id * 1.25 AS DECIMAL(5,2)), "
      f"date_add(DATE'2021-06-01', CAST(id AS INT)) FROM range(1, 21)")
for column, wider in [('id', 'BIGINT'), ('small', 'INT'), ('ratio', 'DOUBLE'),
                      ('price', 'DECIMAL(10,2)'), ('day', 'TIMESTAMP_NTZ')]:
    s.sql(f"ALTER TABLE delta.\`{p}\` CHANGE COLUMN {column} TYPE {wider}")
s.sql(f"INSERT INTO delta.\`{p}\` SELECT id, id * 10, id / 3.0, id * 10.25, "
      f"CAST(timestamp_micros(id * 1000000) AS TIMESTAMP_NTZ) FROM range(100000, 100010)")
result['tw'] = 30

# timestamp_ntz.
p = f'{base}/ntz'
s.sql(f"CREATE TABLE delta.\`{p}\` (id BIGINT, name STRING, local TIMESTAMP_NTZ) USING delta")
s.sql(f"INSERT INTO delta.\`{p}\` SELECT id, concat('n', id), "
      f"CAST(timestamp_micros(id * 987654321) AS TIMESTAMP_NTZ) FROM range(1, 21)")
result['ntz'] = 20
`,
    { dir },
  );
}

/** A child of `parent` with a foreign key to it and a copy of its `column`. */
function child(parent: string, column: string): string {
  return `
  - table_name: ${parent}_child
    row_count: 25
    columns:
      - { column_name: child_id, data: row_id, is_primary_key: true }
      - { column_name: ${parent}_id, data: 'foreign_key("${parent}", "id")' }
      - { column_name: ${parent}_${column}, data: 'copy_from_fk("${parent}_id", "${parent}", "${column}")' }`;
}

/** The flat mapped tables' columns, as a config makes them (the renamed column by its new name). */
function mapped(name: string, extra = ""): string {
  return `
  - table_name: ${name}
    row_count: 10
    cadence: { rows_per_minute: 30 }
    partition_by: [day]${extra}
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: label, data: "random.choice(['Zürich', 'Kraków', '大阪'])", null_percentage: 0.2 }
      - { column_name: amount, data: "round(random.uniform(0, 99999), 2)", parquet_type: "decimal128(10,2)" }
      - { column_name: day, data: "fake.date_between(start_date='-3y', end_date='today')" }
      - { column_name: at, data: "datetime.now()" }`;
}

const CONFIG = `
version: 1
config:
  seed: 33
  tick_interval: 10s
tables:${mapped("cmf_name")}${mapped("cmf_id")}
  - table_name: cm_name
    row_count: 5
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: label, data: "fake.first_name()" }
  - table_name: cm_id
    row_count: 5
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: label, data: "fake.first_name()" }
  - table_name: tw
    row_count: 10
    cadence: { rows_per_minute: 30 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: small, data: "random.randint(0, 100000)", type: int32 }
      - { column_name: ratio, data: "random.uniform(0, 1)" }
      - { column_name: price, data: "round(random.uniform(0, 99999), 2)", parquet_type: "decimal128(10,2)" }
      - { column_name: day, data: "datetime.now()" }
  - table_name: ntz
    row_count: 10
    cadence: { rows_per_minute: 30 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "fake.first_name()" }
      - { column_name: local, data: "datetime.now()" }
${
  mapped("own_name", "\n    table_properties: { delta.columnMapping.mode: name }").replace(
    "partition_by: [day]",
    "partition_by: [label]",
  )
}${mapped("own_id", "\n    table_properties: { delta.columnMapping.mode: id }")}
  - table_name: own_tw
    row_count: 10
    table_properties: { delta.enableTypeWidening: true }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: small, data: "random.randint(0, 30000)", type: int32 }
${child("cm_name", "label")}${child("cm_id", "label")}${child("cmf_id", "label")}${
  child("ntz", "name")
}${child("tw", "price")}
`;

const SPARK_TABLES = ["cm_name", "cm_id", "cmf_name", "cmf_id", "tw", "ntz"];

/**
 * Engines that refuse a table, with what they say: Polars 2.1.0 refuses column mapping
 * (reader version 2) and type widening; delta-rs 1.6.6 refuses type widening.
 */
function refusals(table: string): { refusedBy?: Record<string, string> } {
  if (table === "tw") {
    return { refusedBy: { polars: "typeWidening", "delta-rs": "typeWidening" } };
  }
  return table.startsWith("cm") || table.startsWith("own")
    ? { refusedBy: { polars: "column mapping" } }
    : {};
}

/** Rows Spark counts in a table, and the largest id. */
function sparkCount(peer: Peer, path: string): Promise<{ count: number; max: number }> {
  return peer.py(
    "r = spark().sql(f\"SELECT count(*) AS n, max(id) AS m FROM delta.`{args['path']}`\").collect()[0]\n" +
      "result = {'count': r['n'], 'max': int(r['m'])}",
    { path },
  );
}

/** What Spark's DESCRIBE DETAIL says of the table: protocol, features and properties. */
function describeDetail(peer: Peer, path: string): Promise<Record<string, unknown>> {
  return peer.py(
    "d = spark().sql(f\"DESCRIBE DETAIL delta.`{args['path']}`\").collect()[0]\n" +
      "result = {'reader': d['minReaderVersion'], 'writer': d['minWriterVersion'],\n" +
      "          'features': sorted(d['tableFeatures']), 'properties': dict(d['properties'])}",
    { path },
  );
}

interopTest(
  "Spark's column-mapped, type-widened and timestamp_ntz tables: read, parents, appended; ours with column mapping read by Spark and delta-rs",
  async (peer) => {
    await withTempDir(async (dir) => {
      const counts = await writeWithSpark(peer, dir);
      const config = await writeConfig(dir, CONFIG);
      const path = (table: string) => `${dir}/${table}`;

      // Read: ours equals every engine's; logical names, nested ones too.
      for (const table of SPARK_TABLES) {
        const ours = await assertEnginesAgree(peer, path(table), table, refusals(table));
        assertEquals(ours.count, counts[table], table);
        assertEquals(await inspectedRows(path(table)), counts[table], `inspect ${table}`);
      }
      for (const mode of ["name", "id"]) {
        const cm = JSON.parse(await ok("inspect", path(`cm_${mode}`), "--json"));
        assertEquals(cm.columnMapping, mode);
        assertEquals(cm.tablestream.writeRefusal, null);
        assertEquals(cm.schema.map((f: { name: string }) => f.name), [
          "id",
          "label",
          "info",
          "tags",
          "attrs",
        ]);
      }
      const tw = JSON.parse(await ok("inspect", path("tw"), "--json"));
      assertEquals(tw.schema.map((f: { type: string }) => f.type), [
        "long",
        "integer",
        "double",
        "decimal(10,2)",
        "timestamp_ntz",
      ]);

      // Parents: foreign keys and copies of a renamed column, a widened one, a timestamp_ntz.
      const facts = Object.fromEntries(
        await Promise.all(
          SPARK_TABLES.map(async (t) => [t, await tableFacts(peer, path(t))] as const),
        ),
      );
      const common = ["-c", config, "-o", dir, "--start-time", START, "--fast-forward"];
      const children = ["cm_name", "cm_id", "cmf_id", "ntz", "tw"];
      await ok(
        "run",
        ...common,
        "--tables",
        children.map((t) => `${t}_child`).join(","),
        "--ticks",
        "3",
      );
      const copied: Record<string, string> = {
        cm_name: "label",
        cm_id: "label",
        cmf_id: "label",
        ntz: "name",
        tw: "price",
      };
      for (const table of children.filter((t) => t !== "tw")) {
        const result = await checkChild(peer, {
          child: path(`${table}_child`),
          parent: path(table),
          key: `${table}_id`,
          parentKey: "id",
          copies: { [`${table}_${copied[table]}`]: copied[table] },
        });
        assert(result.parents > 5, `${table}_child spreads over its parent (${result.parents})`);
      }
      // delta-rs does not read the widened table: its child is checked against Spark's rows.
      const twChild = await peer.py<{ bad: number; parents: number }>(
        "parent = {r['id']: r['price'] for r in spark().read.format('delta').load(args['parent']).collect()}\n" +
          "child = DeltaTable(args['child']).to_pyarrow_table().to_pylist()\n" +
          "bad = [r for r in child if r['tw_id'] not in parent or parent[r['tw_id']] != r['tw_price']]\n" +
          "result = {'bad': len(bad), 'parents': len({r['tw_id'] for r in child})}",
        { parent: path("tw"), child: path("tw_child") },
      );
      assertEquals(twChild.bad, 0, "tw_child: keys and copied prices match Spark's tw");
      assert(twChild.parents > 5, `tw_child spreads over its parent (${twChild.parents})`);

      // Appended to: by run (small commits) and generate; the nested tables are refused by the
      // schema check (configs make no struct, array or map columns), nothing written.
      await ok("run", ...common, "--tables", "cmf_id,tw", "--ticks", "4", "--commit-rows", "5");
      for (const table of ["cmf_name", "cmf_id", "tw", "ntz"]) {
        await ok(
          "generate",
          "-c",
          config,
          "-o",
          dir,
          "--table",
          table,
          "--mode",
          "append",
          "--reference-time",
          START,
        );
      }
      const nested = await fails(
        "generate",
        "-c",
        config,
        "-o",
        dir,
        "--table",
        "cm_name",
        "--mode",
        "append",
      );
      assertStringIncludes(nested, 'the table has column "info", which the data lacks');
      assertEquals((await tableFacts(peer, path("cm_name"))).version, facts.cm_name.version);

      // run's 4 ticks of 5 rows, generate's 10.
      const expected: Record<string, number> = {
        cmf_name: 30 + 10,
        cmf_id: 30 + 10 + 4 * 5 + 10,
        tw: 30 + 10 + 4 * 5 + 10,
        ntz: 20 + 10,
      };
      for (const [table, rows] of Object.entries(expected)) {
        const ours = await assertEnginesAgree(
          peer,
          path(table),
          `${table} after our commits`,
          refusals(table),
        );
        assertEquals(ours.count, rows, `${table}: our rows`);
        const after = await tableFacts(peer, path(table));
        assertEquals(after.sparkCount, rows, `${table}: Spark's count`);
        assertIntact(facts[table], after, table);
      }
      // Our files: physical names and field ids, as pyarrow reads the footer.
      const ids = await peer.py<Record<string, string | null>>(
        `
import glob, os
files = [f for f in glob.glob(args['path'] + '/**/*.parquet', recursive=True) if '_delta_log' not in f]
f = pq.ParquetFile(max(files, key=os.path.getmtime)).schema_arrow
result = {f.field(i).name: (f.field(i).metadata or {}).get(b'PARQUET:field_id', b'').decode()
          for i in range(len(f))}
`,
        { path: path("cmf_id") },
      );
      // (The partition column is in the log only; the dropped column's id 6 is in no file.)
      assertEquals(
        Object.keys(ids).length,
        4,
        `cmf_id: our file's columns: ${JSON.stringify(ids)}`,
      );
      for (const [name, id] of Object.entries(ids)) {
        assert(name.startsWith("col-"), `cmf_id: physical column name ${name}`);
        assert(/^[1-5]$/.test(id ?? ""), `cmf_id: field id of ${name}: ${id}`);
      }
      // Our timestamp_ntz values are the UTC wall-clock time of the rows' time.
      const local = await peer.py<string[]>(
        "rows = spark().sql(f\"SELECT DISTINCT CAST(local AS STRING) AS t FROM delta.`{args['path']}` WHERE id > 20\").collect()\n" +
          "result = sorted(r['t'] for r in rows)",
        { path: path("ntz") },
      );
      assertEquals(local, ["2026-03-01 00:00:00"]);

      // Spark still inserts (by its own names), and every reader then agrees again.
      for (const table of ["cmf_name", "cmf_id", "tw", "ntz"]) {
        const before = await sparkCount(peer, path(table));
        await peer.py(
          "s = spark()\n" +
            "s.sql(f\"INSERT INTO delta.`{args['path']}` SELECT * FROM delta.`{args['path']}` WHERE id = {args['id']}\")",
          { path: path(table), id: before.max },
        );
        assertEquals((await sparkCount(peer, path(table))).count, before.count + 1, table);
        await assertEnginesAgree(
          peer,
          path(table),
          `${table} after Spark's insert`,
          refusals(table),
        );
      }

      // Optimized (files rewritten in the current types, under physical names) and
      // overwritten (same columns): the engines read the same rows, the protocol intact.
      for (const table of ["cmf_id", "tw"]) {
        const before = await sparkCount(peer, path(table));
        await ok("optimize", path(table));
        assertEquals((await sparkCount(peer, path(table))).count, before.count, table);
        await assertEnginesAgree(peer, path(table), `${table} optimized`, refusals(table));
      }
      for (const table of ["cmf_name", "ntz", "tw"]) {
        const before = await tableFacts(peer, path(table));
        await ok("generate", "-c", config, "-o", dir, "--table", table, "--mode", "overwrite");
        const ours = await assertEnginesAgree(
          peer,
          path(table),
          `${table} overwritten`,
          refusals(table),
        );
        assertEquals(ours.count, 10, table);
        const after = await tableFacts(peer, path(table));
        assertEquals(after.sparkCount, 10, `${table}: Spark's count`);
        assertIntact(before, after, `${table} overwritten`);
      }

      // Our own tables with column mapping: made by generate, read alike by Spark and delta-rs.
      for (const mode of ["name", "id"]) {
        const table = `own_${mode}`;
        await ok("generate", "-c", config, "-o", dir, "--table", table);
        const ours = await assertEnginesAgree(peer, path(table), table, refusals(table));
        assertEquals(ours.count, 10);
        const detail = await describeDetail(peer, path(table));
        assertEquals([detail.reader, detail.writer], [2, 5], `${table}: protocol`);
        const properties = detail.properties as Record<string, string>;
        assertEquals(properties["delta.columnMapping.mode"], mode);
        assertEquals(properties["delta.columnMapping.maxColumnId"], "5");
        // Spark renames a column and inserts; we append by the new name; all agree.
        await peer.py(
          "s = spark()\n" +
            "s.sql(f\"ALTER TABLE delta.`{args['path']}` RENAME COLUMN at TO seen\")\n" +
            "s.sql(f\"INSERT INTO delta.`{args['path']}` SELECT * FROM delta.`{args['path']}` LIMIT 2\")",
          { path: path(table) },
        );
        const renamed = CONFIG.replace(
          new RegExp(`(table_name: ${table}[\\s\\S]*?)column_name: at,`),
          "$1column_name: seen,",
        );
        const renamedConfig = await writeConfig(dir, renamed, `renamed_${mode}.yaml`);
        await ok("generate", "-c", renamedConfig, "-o", dir, "--table", table, "--mode", "append");
        const after = await assertEnginesAgree(
          peer,
          path(table),
          `${table} after the rename`,
          refusals(table),
        );
        assertEquals(after.count, 10 + 2 + 10);
        assertEquals((await sparkCount(peer, path(table))).count, 22);
      }

      // Our own table with type widening: Spark widens its int column to bigint; we read our
      // int files as bigint and append bigints, which Spark reads.
      await ok("generate", "-c", config, "-o", dir, "--table", "own_tw");
      const detail = await describeDetail(peer, path("own_tw"));
      assertEquals([detail.reader, detail.writer], [3, 7], "own_tw: protocol");
      assert((detail.features as string[]).includes("typeWidening"), JSON.stringify(detail));
      await peer.py(
        "spark().sql(f\"ALTER TABLE delta.`{args['path']}` CHANGE COLUMN small TYPE BIGINT\")",
        { path: path("own_tw") },
      );
      const widened = JSON.parse(await ok("inspect", path("own_tw"), "--json"));
      assertEquals(widened.schema[1].type, "long");
      await assertEnginesAgree(peer, path("own_tw"), "own_tw widened", refusals("tw"));
      const wide = CONFIG.replace(
        'data: "random.randint(0, 30000)", type: int32',
        'data: "random.randint(0, 30000)", type: int64',
      );
      const wideConfig = await writeConfig(dir, wide, "wide.yaml");
      await ok("generate", "-c", wideConfig, "-o", dir, "--table", "own_tw", "--mode", "append");
      const ownTw = await assertEnginesAgree(
        peer,
        path("own_tw"),
        "own_tw appended",
        refusals("tw"),
      );
      assertEquals(ownTw.count, 20);
      assertEquals((await sparkCount(peer, path("own_tw"))).count, 20);
    });
  },
);
