/**
 * The Delta log's features on tables Spark made and on ours: V2 checkpoints (with sidecars,
 * and a Parquet top-level one), row tracking, liquid clustering, deletion vectors and
 * vacuumProtocolCheck (Iceberg compatibility V2: read alike, appends refused). Spark's
 * tables are read alike by us and the engines, are parents of a run, and are appended to by
 * `run` (long enough for our own checkpoints) and `generate --mode append`; then Spark and
 * delta-rs read them with the rows, row ids, domains and protocol right, and Spark can still
 * INSERT and OPTIMIZE. `tablestream optimize` purges the deletion vectors. Our own new tables
 * with row tracking, V2 checkpoints and clustering are read by Spark and delta-rs alike.
 */
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { assertSameRows, interopTest, type Peer } from "./_peer.ts";
import {
  assertAppendRefused,
  assertEnginesAgree,
  assertIntact,
  checkChild,
  ok,
  START,
  tableFacts,
} from "./_theirs.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";

/** Writes the Spark tables under `dir`; the rows each holds. */
async function writeWithSpark(peer: Peer, dir: string): Promise<Record<string, number>> {
  return await peer.py<Record<string, number>>(
    `
base = args['dir']
s = spark()
cols = 'id BIGINT, name STRING, amount DOUBLE'

def values(start, n):
    return ', '.join(f"({i}, 'n{i}', {i * 1.5})" for i in range(start, start + n))

def table(name, clause=''):
    path = f'{base}/{name}'
    s.sql(f'CREATE TABLE delta.\`{path}\` ({cols}) USING delta {clause}')
    return path

def inserts(path, commits, size):
    for k in range(commits):
        s.sql(f'INSERT INTO delta.\`{path}\` VALUES {values(1 + size * k, size)}')

# V2 checkpoints, Spark's defaults: a JSON checkpoint at 5 with its file actions in sidecars.
p = table('sl_v2', "TBLPROPERTIES ('delta.checkpointPolicy' = 'v2', 'delta.checkpointInterval' = '5')")
inserts(p, 6, 4)
# A Parquet top-level V2 checkpoint, its actions in several sidecars (read only).
s.conf.set('spark.databricks.delta.checkpointV2.topLevelFileFormat', 'parquet')
s.conf.set('spark.databricks.delta.checkpoint.partSize', '2')
p = table('sl_v2p', "TBLPROPERTIES ('delta.checkpointPolicy' = 'v2', 'delta.checkpointInterval' = '5')")
inserts(p, 6, 4)
s.conf.unset('spark.databricks.delta.checkpointV2.topLevelFileFormat')
s.conf.unset('spark.databricks.delta.checkpoint.partSize')

p = table('sl_rt', "TBLPROPERTIES ('delta.enableRowTracking' = 'true')")
inserts(p, 3, 10)

p = table('sl_cl', 'CLUSTER BY (id)')
inserts(p, 3, 10)
s.sql(f'OPTIMIZE delta.\`{p}\`')

p = table('sl_dv', "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')")
inserts(p, 2, 50)
s.sql(f'DELETE FROM delta.\`{p}\` WHERE id % 7 = 0')

# vacuumProtocolCheck, a reader-writer feature that binds VACUUM only.
p = table('sl_vpc', "TBLPROPERTIES ('delta.feature.vacuumProtocolCheck' = 'supported')")
inserts(p, 2, 10)

# Iceberg compatibility V2 (column mapping by name): read as a plain table, not written.
p = table('sl_ice', "TBLPROPERTIES ('delta.columnMapping.mode' = 'name', " +
          "'delta.enableIcebergCompatV2' = 'true')")
inserts(p, 2, 10)

result = {'sl_v2': 24, 'sl_v2p': 24, 'sl_rt': 30, 'sl_cl': 30, 'sl_dv': 86, 'sl_vpc': 20,
          'sl_ice': 20}
`,
    { dir },
  );
}

function table(name: string, extra = ""): string {
  return `
  - table_name: ${name}
    row_count: 10
    cadence: { rows_per_minute: 30 }${extra}
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "fake.first_name()" }
      - { column_name: amount, data: "round(random.uniform(0, 999), 2)" }`;
}

function child(parent: string): string {
  return `
  - table_name: ${parent}_child
    row_count: 25
    columns:
      - { column_name: child_id, data: row_id, is_primary_key: true }
      - { column_name: ${parent}_id, data: 'foreign_key("${parent}", "id")' }
      - { column_name: ${parent}_name, data: 'copy_from_fk("${parent}_id", "${parent}", "name")' }`;
}

const SPARK_TABLES = ["sl_v2", "sl_rt", "sl_cl", "sl_dv"];
const OURS = `
    table_properties: { delta.enableRowTracking: true, delta.checkpointPolicy: v2 }
    cluster_by: [id]`;

const CONFIG = `
version: 1
config:
  seed: 5
  tick_interval: 10s
tables:${[...SPARK_TABLES, "sl_ice", "sl_vpc"].map((t) => table(t)).join("")}${
  table("ours_log", OURS)
}${SPARK_TABLES.map(child).join("")}
`;

/** Polars 2.1.0 refuses v2Checkpoint and column mapping: checked, not compared. */
function options(path: string) {
  if (/sl_v2|ours_log/.test(path)) return { refusedBy: { polars: "v2Checkpoint" } };
  return /sl_ice/.test(path) ? { refusedBy: { polars: "column mapping" } } : {};
}

/** What Spark says of a table: rows, distinct row ids, clustering columns, features. */
interface SparkView {
  rows: number;
  rowIds: number;
  clusteringColumns: string[];
  tableFeatures: string[];
}

async function sparkView(peer: Peer, path: string): Promise<SparkView> {
  return await peer.py<SparkView>(
    `
s = spark()
t = f"delta.\`{args['path']}\`"
detail = s.sql(f'DESCRIBE DETAIL {t}').collect()[0].asDict()
df = s.read.format('delta').load(args['path'])
rows = df.count()
tracked = detail['properties'].get('delta.enableRowTracking') == 'true'
ids = df.select('_metadata.row_id').distinct().count() if tracked else -1
result = {'rows': rows, 'rowIds': ids,
          'clusteringColumns': list(detail.get('clusteringColumns') or []),
          'tableFeatures': sorted(detail.get('tableFeatures') or [])}
`,
    { path },
  );
}

/** Spark inserts 3 rows and optimizes the table; the rows it then counts. */
async function sparkInsertsAndOptimizes(peer: Peer, path: string): Promise<number> {
  return await peer.py<number>(
    `
s = spark()
t = f"delta.\`{args['path']}\`"
s.sql(f"INSERT INTO {t} VALUES (100001, 'spark', 1.0), (100002, 'spark', 2.0), (100003, 'spark', 3.0)")
s.sql(f'OPTIMIZE {t}')
result = s.read.format('delta').load(args['path']).count()
`,
    { path },
  );
}

interopTest(
  "Spark's v2-checkpoint, row-tracking, clustered and DV tables: read, parents, appended to, optimized",
  async (peer) => {
    await withTempDir(async (dir) => {
      const counts = await writeWithSpark(peer, dir);
      const config = await writeConfig(dir, CONFIG);

      // Read alike: sidecars, V2 checkpoints, row ids, domains and vectors.
      for (const name of [...SPARK_TABLES, "sl_v2p", "sl_ice"]) {
        const path = `${dir}/${name}`;
        const ours = await assertEnginesAgree(peer, path, name, options(path));
        assertEquals(ours.count, counts[name], name);
      }
      const v2Log = [...Deno.readDirSync(`${dir}/sl_v2/_delta_log/_sidecars`)];
      assert(v2Log.length > 0, "Spark wrote sidecars");
      assertStringIncludes(await ok("inspect", `${dir}/sl_v2p`), "(checkpoint at 5)");

      // Parents of a run.
      const facts = Object.fromEntries(
        await Promise.all(
          SPARK_TABLES.map(async (t) => [t, await tableFacts(peer, `${dir}/${t}`)]),
        ),
      );
      const common = ["-c", config, "-o", dir, "--start-time", START, "--fast-forward"];
      const children = SPARK_TABLES.map((t) => `${t}_child`).join(",");
      await ok("run", ...common, "--tables", children, "--ticks", "3");
      for (const name of SPARK_TABLES) {
        const result = await checkChild(peer, {
          child: `${dir}/${name}_child`,
          parent: `${dir}/${name}`,
          key: `${name}_id`,
          parentKey: "id",
          copies: { [`${name}_name`]: "name" },
        });
        assert(result.parents > 5, `${name}_child spreads over its parent (${result.parents})`);
      }

      // vacuumProtocolCheck: delta-rs 1.6.6 refuses it (unsupported table feature), so ours
      // is compared with Spark's; appended to, the feature kept.
      const vpc = `${dir}/sl_vpc`;
      const vpcBefore = await readSnapshot(localFs, vpc);
      assertEquals(vpcBefore.protocol.readerFeatures, ["vacuumProtocolCheck"]);
      assertSameRows(await peer.read("spark", vpc), await peer.ours(vpc), "sl_vpc: Spark vs ours");
      await ok("generate", "-c", config, "-o", dir, "--table", "sl_vpc", "--mode", "append");
      const vpcAfter = await peer.ours(vpc);
      assertEquals(vpcAfter.count, counts.sl_vpc + 10);
      assertSameRows(await peer.read("spark", vpc), vpcAfter, "sl_vpc after ours: Spark vs ours");
      assertEquals((await readSnapshot(localFs, vpc)).protocol, vpcBefore.protocol);

      // Iceberg compatibility: appends refused, naming why, and nothing written.
      await assertAppendRefused(peer, {
        config,
        dir,
        table: "sl_ice",
        reason: /icebergCompatV2|columnMapping/,
      });

      // Appended to: run (8 small commits: our V2 checkpoint at 10 on sl_v2), then generate.
      await ok(
        "run",
        ...common,
        "--tables",
        `${SPARK_TABLES.join(",")},ours_log`,
        "--ticks",
        "12",
        "--commit-rows",
        "5",
      );
      for (const name of SPARK_TABLES) {
        await ok("generate", "-c", config, "-o", dir, "--table", name, "--mode", "append");
      }
      for (const name of SPARK_TABLES) {
        const path = `${dir}/${name}`;
        // 12 ticks of 5 from run (the first tick fills row_count's 10), 10 from generate.
        const rows = counts[name] + 10 + 12 * 5 + 10;
        const ours = await assertEnginesAgree(peer, path, `${name} after ours`, options(path));
        assertEquals(ours.count, rows, `${name}: our rows`);
        const after = await tableFacts(peer, path);
        assertEquals(after.sparkCount, rows, `${name}: Spark's count`);
        assertIntact(facts[name], after, name);
      }
      // Our V2 checkpoint on Spark's V2 table, named in _last_checkpoint.
      const v2 = await readSnapshot(localFs, `${dir}/sl_v2`);
      assertEquals(v2.checkpointVersion, 20, "our v2 checkpoint at 20");
      const last = JSON.parse(await Deno.readTextFile(`${dir}/sl_v2/_delta_log/_last_checkpoint`));
      assertEquals(last.version, 20);
      assert(/^0{18}20\.checkpoint\.[0-9a-f-]{36}\.parquet$/.test(last.v2Checkpoint.path));
      // Row ids unique over Spark's rows and ours; the high-water mark covers them all.
      const rt = await sparkView(peer, `${dir}/sl_rt`);
      assertEquals(rt.rowIds, rt.rows, "sl_rt: every row has its own row id");
      const rtSnapshot = await readSnapshot(localFs, `${dir}/sl_rt`);
      const mark = JSON.parse(
        rtSnapshot.domains!.find((d) => d.domain === "delta.rowTracking")!.configuration,
      );
      assertEquals(mark.rowIdHighWaterMark, rt.rows - 1, "one row id per row inserted");
      assert(rtSnapshot.files.every((f) => typeof f.baseRowId === "number"));
      // The clustering domain kept.
      const cl = await sparkView(peer, `${dir}/sl_cl`);
      assertEquals(cl.clusteringColumns, ["id"]);

      // Spark still inserts and optimizes after us.
      for (const name of SPARK_TABLES) {
        const path = `${dir}/${name}`;
        const before = (await tableFacts(peer, path)).sparkCount;
        assertEquals(await sparkInsertsAndOptimizes(peer, path), before + 3, name);
        const theirs = await assertEnginesAgree(peer, path, `${name} after Spark`, options(path));
        assertEquals(theirs.count, before + 3);
      }
      const rtAfter = await sparkView(peer, `${dir}/sl_rt`);
      assertEquals(rtAfter.rowIds, rtAfter.rows, "sl_rt: row ids stay unique after Spark");

      // tablestream optimize on a DV table: the vectors go, the rows stay.
      const dv = `${dir}/sl_dv`;
      await peer.py(
        "spark().sql(f\"DELETE FROM delta.\`{args['path']}\` WHERE id % 5 = 0\")",
        { path: dv },
      );
      const withVectors = await readSnapshot(localFs, dv);
      assert(withVectors.files.some((f) => f.deletionVector), "Spark's DELETE left vectors");
      const rowsBefore = (await assertEnginesAgree(peer, dv, "sl_dv before optimize")).count;
      await ok("optimize", dv);
      const optimized = await readSnapshot(localFs, dv);
      assertEquals(optimized.files.filter((f) => f.deletionVector), [], "no vectors left");
      assertEquals(optimized.protocol, withVectors.protocol, "the protocol is kept");
      assertEquals(
        (await assertEnginesAgree(peer, dv, "sl_dv after optimize")).count,
        rowsBefore,
      );

      // Overwritten (the same columns): the engines read only our rows, the protocol and the
      // domains are kept, and row ids stay unique.
      for (const table of ["sl_v2", "sl_rt", "sl_cl"]) {
        const path = `${dir}/${table}`;
        const before = await readSnapshot(localFs, path);
        await ok("generate", "-c", config, "-o", dir, "--table", table, "--mode", "overwrite");
        const after = await readSnapshot(localFs, path);
        assertEquals(after.protocol, before.protocol, `${table}: protocol kept`);
        assertEquals(
          [...after.domains ?? []].map((d) => d.domain).sort(),
          [...before.domains ?? []].map((d) => d.domain).sort(),
          `${table}: domains kept`,
        );
        const overwritten = await assertEnginesAgree(
          peer,
          path,
          `${table} overwritten`,
          options(path),
        );
        assertEquals(overwritten.count, 10, `${table}: the config's 10 rows replace the table's`);
        const view = await sparkView(peer, path);
        assertEquals(view.rows, 10, `${table}: Spark's count`);
        if (view.rowIds >= 0) assertEquals(view.rowIds, view.rows, `${table}: unique row ids`);
      }

      // Our own table with row tracking, V2 checkpoints and clustering.
      const mine = `${dir}/ours_log`;
      const ours = await assertEnginesAgree(peer, mine, "ours_log", options(mine));
      assertEquals(ours.count, 10 + 12 * 5);
      const view = await sparkView(peer, mine);
      assertEquals(view.rowIds, view.rows, "ours_log: unique row ids");
      assertEquals(view.clusteringColumns, ["id"]);
      for (const feature of ["rowTracking", "v2Checkpoint", "clustering", "domainMetadata"]) {
        assert(view.tableFeatures.includes(feature), `ours_log has ${feature}`);
      }
      assertEquals((await readSnapshot(localFs, mine)).checkpointVersion, 10);
      assertEquals(await sparkInsertsAndOptimizes(peer, mine), view.rows + 3);
      assertEquals((await assertEnginesAgree(peer, mine, "ours_log", options(mine))).count, 73);
    });
  },
);
