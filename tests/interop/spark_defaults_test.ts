/**
 * Two writer features our writer allows without doing anything, on tables Spark made: column
 * defaults (`allowColumnDefaults`: we write every column, so no default ever applies) and
 * in-commit timestamps while they are not enabled (`inCommitTimestamp` supported, its property
 * unset); and the same feature enabled, which we refuse naming it, with nothing written.
 */
import { assertEquals } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { interopTest } from "./_peer.ts";
import {
  assertAppendRefused,
  assertEnginesAgree,
  assertIntact,
  ok,
  tableFacts,
} from "./_theirs.ts";

const TABLES = ["sd_defaults", "sd_ict_supported", "sd_ict_enabled"];

const CONFIG = `
config: {seed: 4}
tables:${
  TABLES.map((name) => `
  - table_name: ${name}
    row_count: 10
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "fake.first_name()" }`).join("")
}
`;

interopTest(
  "Spark's tables with column defaults and in-commit timestamps: appended, or refused",
  async (peer) => {
    await withTempDir(async (dir) => {
      await peer.py(
        `
s = spark()
base = args['dir']
s.sql(f"CREATE TABLE delta.\`{base}/sd_defaults\` (id BIGINT, name STRING DEFAULT 'anonymous') "
      "USING delta TBLPROPERTIES ('delta.feature.allowColumnDefaults' = 'supported')")
s.sql(f"INSERT INTO delta.\`{base}/sd_defaults\` (id) VALUES (1), (2), (3)")
s.sql(f"CREATE TABLE delta.\`{base}/sd_ict_supported\` (id BIGINT, name STRING) USING delta "
      "TBLPROPERTIES ('delta.feature.inCommitTimestamp' = 'supported')")
s.sql(f"INSERT INTO delta.\`{base}/sd_ict_supported\` VALUES (1, 'a'), (2, 'b'), (3, 'c')")
s.sql(f"CREATE TABLE delta.\`{base}/sd_ict_enabled\` (id BIGINT, name STRING) USING delta "
      "TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true')")
s.sql(f"INSERT INTO delta.\`{base}/sd_ict_enabled\` VALUES (1, 'a'), (2, 'b'), (3, 'c')")
result = None
`,
        { dir },
      );
      const config = await writeConfig(dir, CONFIG);
      for (const table of ["sd_defaults", "sd_ict_supported"]) {
        const path = `${dir}/${table}`;
        const before = await tableFacts(peer, path);
        await ok("generate", "-c", config, "-o", dir, "--table", table, "--mode", "append");
        const ours = await assertEnginesAgree(peer, path, `${table} after our append`);
        assertEquals(ours.count, 3 + 10, table);
        const after = await tableFacts(peer, path);
        assertEquals(after.sparkCount, 13, `${table}: Spark's count`);
        assertIntact(before, after, table);
      }
      // Spark's default still applies to Spark's own inserts after ours.
      const name = await peer.py<string>(
        "s = spark()\n" +
          "s.sql(f\"INSERT INTO delta.\`{args['path']}\` (id) VALUES (100)\")\n" +
          "result = s.sql(f\"SELECT name FROM delta.\`{args['path']}\` WHERE id = 100\").collect()[0][0]",
        { path: `${dir}/sd_defaults` },
      );
      assertEquals(name, "anonymous");
      // Enabled in-commit timestamps: every commit would need one; refused, nothing written.
      await assertAppendRefused(peer, {
        config,
        dir,
        table: "sd_ict_enabled",
        reason: /inCommitTimestamp/,
      });
    });
  },
);
