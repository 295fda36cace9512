/**
 * Our tables made with the Delta table properties production tables have
 * (`table_properties:`): Spark and delta-rs read them alike and see the properties and
 * protocol we wrote; Spark then uses the features (a DELETE by deletion vectors, the change
 * data feed, the append-only refusal) and `run` goes on appending on top of what Spark did.
 */
import { assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { interopTest } from "./_peer.ts";
import { assertEnginesAgree, ok, START, tableFacts } from "./_theirs.ts";

const COLUMNS = `
    columns:
      - {column_name: id, data: row_id, is_primary_key: true}
      - {column_name: name, data: "fake.first_name()"}
      - {column_name: amount, data: "round(random.uniform(1, 500), 2)", parquet_type: "decimal128(10,2)"}
      - {column_name: at, data: "datetime.now()"}`;

const CONFIG = `
config: {seed: 8, tick_interval: 10s}
tables:
  - table_name: with_dv
    row_count: 40
    cadence: {rows_per_minute: 30}
    table_properties: {delta.enableDeletionVectors: true, owner: data-eng}${COLUMNS}
  - table_name: with_cdf
    row_count: 40
    cadence: {rows_per_minute: 30}
    table_properties: {delta.enableChangeDataFeed: true, delta.checkpointInterval: 4}${COLUMNS}
  - table_name: append_only
    row_count: 40
    cadence: {rows_per_minute: 30}
    table_properties: {delta.appendOnly: true}${COLUMNS}
`;

const TABLES = ["with_dv", "with_cdf", "append_only"];

interopTest(
  "our tables with table properties: read by Spark and delta-rs, features usable",
  async (peer) => {
    await withTempDir(async (dir) => {
      const config = await writeConfig(dir, CONFIG);
      const common = ["-c", config, "-o", dir, "--start-time", START, "--fast-forward"];
      await ok("run", ...common, "--ticks", "6", "--commit-rows", "5");
      const expected: Record<string, { reader: number; writer: number; features?: string[] }> = {
        with_dv: { reader: 3, writer: 7, features: ["deletionVectors"] },
        with_cdf: { reader: 1, writer: 4 },
        append_only: { reader: 1, writer: 2 },
      };
      for (const table of TABLES) {
        const path = `${dir}/${table}`;
        const ours = await assertEnginesAgree(peer, path, table);
        assertEquals(ours.count, 40 + 6 * 5, table);
        const facts = await tableFacts(peer, path);
        const want = expected[table];
        assertEquals(
          [facts.protocol.minReaderVersion, facts.protocol.minWriterVersion],
          [want.reader, want.writer],
          `${table}: protocol as the engines read it`,
        );
        if (want.features) assertEquals(facts.protocol.readerFeatures, want.features);
        assertEquals(facts.sparkCount, 40 + 30, `${table}: Spark's count`);
      }
      assertEquals((await tableFacts(peer, `${dir}/with_dv`)).configuration.owner, "data-eng");

      // Spark uses the features: a DELETE by deletion vectors, the change feed of our inserts,
      // and the append-only table's refusal of a DELETE.
      const spark = await peer.py<
        { dvFiles: number; cdf: Record<string, number>; refusal: string }
      >(
        `
s = spark()
base = args['dir']
s.sql(f"DELETE FROM delta.\`{base}/with_dv\` WHERE id % 5 = 0")
detail = s.sql(f"SELECT count(*) AS n FROM json.\`{base}/with_dv/_delta_log/*.json\` WHERE add.deletionVector IS NOT NULL").collect()[0]['n']
rows = s.read.format('delta').option('readChangeFeed', 'true').option('startingVersion', 0)\\
    .load(f'{base}/with_cdf').groupBy('_change_type').count().collect()
try:
    s.sql(f"DELETE FROM delta.\`{base}/append_only\` WHERE id = 1")
    refusal = ''
except Exception as e:
    refusal = str(e)
result = {'dvFiles': int(detail), 'cdf': {r['_change_type']: r['count'] for r in rows}, 'refusal': refusal}
`,
        { dir },
      );
      assertEquals(spark.dvFiles > 0, true, "Spark deleted by deletion vectors");
      assertEquals(spark.cdf, { insert: 70 });
      assertStringIncludes(spark.refusal.toLowerCase(), "append");

      // run goes on over Spark's deletion vectors: the deleted rows stay deleted, ours add up.
      await ok("run", ...common, "--tables", "with_dv", "--ticks", "10", "--commit-rows", "5");
      const after = await assertEnginesAgree(
        peer,
        `${dir}/with_dv`,
        "with_dv after Spark's DELETE",
      );
      assertEquals(
        after.count,
        70 - 14 + 10 * 5,
        "Spark's 14 deletes stay, run adds 10 ticks of 5",
      );
    });
  },
);
