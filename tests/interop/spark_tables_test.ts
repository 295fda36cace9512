/**
 * Tables Spark wrote, read and appended to by us: appends with an overwrite and Spark's
 * checkpoint at 10, deletion vectors (DELETEs), column mapping by name with a renamed column,
 * change data feed, and timestamp_ntz. Each is inspected, read alike by our reader and the
 * engines, and a parent of a run; then adopted by `run` or appended to by `generate`, and read
 * again by the engines with Spark's rows and ours. (Column mapping by id, nested and dropped
 * columns and type widening are spark_mapping_test.ts's; the log's features spark_log_test.ts's.)
 */
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { interopTest, type Peer } from "./_peer.ts";
import {
  assertEnginesAgree,
  assertIntact,
  checkChild,
  inspectedRows,
  ok,
  START,
  tableFacts,
} from "./_theirs.ts";

/** Writes the Spark tables under `dir`; the rows each holds. */
async function writeWithSpark(peer: Peer, dir: string): Promise<Record<string, number>> {
  return await peer.py<Record<string, number>>(
    `
base = args['dir']
s = spark()
cols = 'id BIGINT, name STRING, amount DECIMAL(10,2), day DATE, at TIMESTAMP, flag BOOLEAN'

def values(start, n):
    out = []
    for i in range(start, start + n):
        name = 'NULL' if i % 7 == 3 else "'" + ['Ærø', 'München', '東京', 'São Paulo', 'emoji 🎉', ''][i % 6] + "'"
        amount = 'NULL' if i % 7 == 4 else f'{i * 1234567 % 10**8 / 100:.2f}'
        day = 'NULL' if i % 7 == 5 else f"date_add(DATE'1950-01-01', {i * 97})"
        at = 'NULL' if i % 7 == 6 else f'timestamp_micros({i * 987654321 - 3600000000})'
        flag = 'NULL' if i % 7 == 0 else ('true' if i % 3 == 0 else 'false')
        out.append(f'({i}, {name}, {amount}, {day}, {at}, {flag})')
    return ', '.join(out)

def table(name, properties=''):
    path = f'{base}/{name}'
    s.sql(f'CREATE TABLE delta.\`{path}\` ({cols}) USING delta {properties}')
    return path

# Ten appends (Spark checkpoints version 10), an overwrite, two more appends.
p = table('sp_appends')
for k in range(10):
    s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(1 + 5 * k, 5)}')
s.sql(f'INSERT OVERWRITE delta.\`{p}\` VALUES {values(1, 40)}')
for k in range(2):
    s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(41 + 5 * k, 5)}')

# Deletion vectors: two DELETEs, the second on a file that has a vector already.
p = table('sp_dv', "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')")
s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(1, 100)}')
s.sql(f'DELETE FROM delta.\`{p}\` WHERE id % 7 = 0')
s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(101, 20)}')
s.sql(f'DELETE FROM delta.\`{p}\` WHERE id IN (1, 2, 105)')

# Column mapping by name, a column renamed after the first rows.
p = table('sp_cm', "TBLPROPERTIES ('delta.columnMapping.mode' = 'name')")
s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(1, 30)}')
s.sql(f'ALTER TABLE delta.\`{p}\` RENAME COLUMN name TO label')
s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(31, 10)}')

# Change data feed.
p = table('sp_cdf', "TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')")
s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(1, 30)}')

# timestamp_ntz.
p = f'{base}/sp_ntz'
s.sql(f'CREATE TABLE delta.\`{p}\` (id BIGINT, name STRING, local TIMESTAMP_NTZ) USING delta')
s.sql(f'INSERT INTO delta.\`{p}\` SELECT id, name, CAST(at AS TIMESTAMP_NTZ) '
      f'FROM (VALUES {values(1, 30)}) AS v(id, name, amount, day, at, flag)')

result = {'sp_appends': 50, 'sp_dv': 103, 'sp_cm': 40, 'sp_cdf': 30, 'sp_ntz': 30}
`,
    { dir },
  );
}

/** A config table with the Spark tables' columns, as our configs make them. */
function sparkLike(name: string, extra = ""): string {
  return `
  - table_name: ${name}
    row_count: 10
    cadence: { rows_per_minute: 30 }${extra}
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "random.choice(['Zürich', 'Kraków', '大阪'])", null_percentage: 0.2 }
      - { column_name: amount, data: "round(random.uniform(0, 99999), 2)", parquet_type: "decimal128(10,2)" }
      - { column_name: day, data: "fake.date_between(start_date='-30y', end_date='today')" }
      - { column_name: at, data: "datetime.now()" }
      - { column_name: flag, data: "random.random() < 0.5", type: bool }`;
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

const CONFIG = `
version: 1
config:
  seed: 21
  tick_interval: 10s
tables:${sparkLike("sp_appends")}${sparkLike("sp_dv")}${sparkLike("sp_cdf")}${
  sparkLike("sp_cm").replace("column_name: name,", "column_name: label,")
}
  - table_name: sp_ntz
    row_count: 10
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "fake.first_name()" }
      - { column_name: local, data: "datetime.now()" }
${child("sp_appends", "amount")}${child("sp_dv", "name")}${child("sp_cm", "label")}${
  child("sp_cdf", "day")
}${child("sp_ntz", "name")}
`;

const TABLES = ["sp_appends", "sp_dv", "sp_cm", "sp_cdf", "sp_ntz"];

/** Polars 2.1.0 refuses column mapping (reader version 2): checked, not compared. */
function options(table: string) {
  return table === "sp_cm" ? { refusedBy: { polars: "column mapping" } } : {};
}
const COPIED: Record<string, string> = {
  sp_appends: "amount",
  sp_dv: "name",
  sp_cm: "label",
  sp_cdf: "day",
  sp_ntz: "name",
};

interopTest(
  "Spark tables: read, parents of a run, appended to or refused by feature",
  async (peer) => {
    await withTempDir(async (dir) => {
      const counts = await writeWithSpark(peer, dir);
      const config = await writeConfig(dir, CONFIG);

      // Read: ours equals every engine's (deleted rows skipped, mapped columns by name).
      for (const table of TABLES) {
        const ours = await assertEnginesAgree(peer, `${dir}/${table}`, table, options(table));
        assertEquals(ours.count, counts[table], table);
        assertEquals(await inspectedRows(`${dir}/${table}`), counts[table], `inspect ${table}`);
      }
      const dv = await ok("inspect", `${dir}/sp_dv`);
      assertStringIncludes(dv, "103 rows, 17 more deleted by deletion vectors");
      assertStringIncludes(dv, "reader: deletionVectors");
      assertStringIncludes(await ok("inspect", `${dir}/sp_appends`), "(checkpoint at 10)");
      const cm = JSON.parse(await ok("inspect", `${dir}/sp_cm`, "--json"));
      assertEquals(cm.columnMapping, "name");
      assertEquals(cm.tablestream.writeRefusal, null);
      assertEquals(cm.schema.map((f: { name: string }) => f.name)[1], "label");

      // Parents.
      const facts = Object.fromEntries(
        await Promise.all(TABLES.map(async (t) => [t, await tableFacts(peer, `${dir}/${t}`)])),
      );
      const common = ["-c", config, "-o", dir, "--start-time", START, "--fast-forward"];
      const children = TABLES.map((t) => `${t}_child`).join(",");
      await ok("run", ...common, "--tables", children, "--ticks", "3");
      for (const table of TABLES) {
        const result = await checkChild(peer, {
          child: `${dir}/${table}_child`,
          parent: `${dir}/${table}`,
          key: `${table}_id`,
          parentKey: "id",
          copies: { [`${table}_${COPIED[table]}`]: COPIED[table] },
        });
        assert(result.parents > 5, `${table}_child spreads over its parent (${result.parents})`);
        await assertEnginesAgree(peer, `${dir}/${table}_child`, `${table}_child`);
        assertEquals((await tableFacts(peer, `${dir}/${table}`)).version, facts[table].version);
      }
      // No child points at a row Spark deleted.
      const deleted = await peer.py<number>(
        "ids = set(pl.read_delta(args['child'])['sp_dv_id'].to_list())\n" +
          "result = len([i for i in ids if (i % 7 == 0 and i <= 100) or i in (1, 2, 105)])",
        { child: `${dir}/sp_dv_child` },
      );
      assertEquals(deleted, 0, "children reference only rows the deletion vectors keep");

      // Adopted by run: the appended table and the one with deletion vectors (small commits,
      // so that ours reach Spark's next checkpoint version).
      await ok(
        "run",
        ...common,
        "--tables",
        "sp_appends,sp_dv",
        "--ticks",
        "8",
        "--commit-rows",
        "5",
      );
      // Appended to by generate: all five (row_count rows each, keys after the largest); the
      // mapped table by its renamed column's logical name, the timestamp_ntz one with UTC
      // wall-clock times.
      for (const table of TABLES) {
        await ok("generate", "-c", config, "-o", dir, "--table", table, "--mode", "append");
      }
      // Initial rows and 8 ticks of 5 from run, 10 from generate.
      const expected = {
        sp_appends: 50 + 10 + 8 * 5 + 10,
        sp_dv: 103 + 10 + 8 * 5 + 10,
        sp_cdf: 30 + 10,
        sp_cm: 40 + 10,
        sp_ntz: 30 + 10,
      };
      for (const [table, rows] of Object.entries(expected)) {
        const path = `${dir}/${table}`;
        const ours = await assertEnginesAgree(
          peer,
          path,
          `${table} after our commits`,
          options(table),
        );
        assertEquals(ours.count, rows, `${table}: Spark's rows and ours`);
        const after = await tableFacts(peer, path);
        assertEquals(after.sparkCount, rows, `${table}: Spark's count`);
        assertIntact(facts[table], after, table);
      }
      // Our checkpoints over Spark's tables (the one of sp_dv keeps its deletion vectors),
      // read by the engines above.
      assertStringIncludes(await ok("inspect", `${dir}/sp_dv`), "(checkpoint at 10)");
      assertStringIncludes(await ok("inspect", `${dir}/sp_appends`), "(checkpoint at 20)");
      // Spark's rows a deletion vector deleted stay deleted; ours have no vectors.
      const dvAfter = await peer.py<{ deleted: number; max: number }>(
        "ids = spark().read.format('delta').load(args['path']).select('id').toPandas()['id']\n" +
          "result = {'deleted': int((((ids <= 100) & (ids % 7 == 0)) | ids.isin([1, 2, 105])).sum()),\n" +
          "          'max': int(ids.max())}",
        { path: `${dir}/sp_dv` },
      );
      // run's keys 121..170 after Spark's largest, then generate's 171..180.
      assertEquals(dvAfter, { deleted: 0, max: 120 + 50 + 10 });
      // The change data feed of our versions: inserts of exactly our rows.
      const changes = await peer.py<Record<string, number>>(
        "rows = spark().read.format('delta').option('readChangeFeed', 'true')\\\n" +
          "    .option('startingVersion', args['from']).load(args['path'])\\\n" +
          "    .groupBy('_change_type').count().collect()\n" +
          "result = {r['_change_type']: r['count'] for r in rows}",
        { path: `${dir}/sp_cdf`, from: facts.sp_cdf.version + 1 },
      );
      assertEquals(changes, { insert: 10 });

      // Our rows in the mapped table went in by physical name, and the timestamp_ntz table
      // holds our UTC times as wall-clock times, as Spark reads them.
      const mapped = await peer.py<{ labels: number; local: string }>(
        "s = spark()\n" +
          "cm = s.read.format('delta').load(args['cm'])\n" +
          "ntz = s.read.format('delta').load(args['ntz']).orderBy('id', ascending=False)\n" +
          "result = {'labels': cm.where('id > 40 and label is not null').count(),\n" +
          "          'local': str(ntz.first()['local'])}",
        { cm: `${dir}/sp_cm`, ntz: `${dir}/sp_ntz` },
      );
      assert(mapped.labels > 0, "our rows' labels are read under the renamed column");
      assertStringIncludes(mapped.local, "2026-");
    });
  },
);
