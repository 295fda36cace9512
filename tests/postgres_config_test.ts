/**
 * PostgreSQL chosen in the config (`sinks:`): `run` writes there through the CLI, resumes,
 * and continues a table it adopted (a table with rows it did not write) across restarts,
 * although PostgreSQL keeps no old versions to read the kept rows from.
 */
import { assert, assertEquals } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { postgresTest, query, type TestPostgres, testPostgres, withSchema } from "./_postgres.ts";

const found = await testPostgres();

function configText(server: TestPostgres, schema: string): string {
  const options = JSON.stringify({ ...server.connection, schema });
  return `
version: 1
config:
  seed: 4
sinks:
  default:
    type: postgres
    options: ${options}
tables:
  - table_name: accounts
    row_count: 0
    cadence:
      rows_per_minute: 60
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: name
        data: fake.name()
  - table_name: payments
    row_count: 20
    cadence:
      rows_per_minute: 120
    columns:
      - column_name: id
        data: row_id
        is_primary_key: true
      - column_name: account_id
        data: foreign_key("accounts", "id")
      - column_name: account_name
        data: copy_from_fk("account_id", "accounts", "name")
`;
}

async function run(config: string, ticks: number) {
  const result = await cli(
    "run",
    "--config",
    config,
    "--fast-forward",
    "--ticks",
    String(ticks),
    "--start-time",
    "2026-01-01",
  );
  assertEquals(result.code, 0, result.stderr);
  return result;
}

postgresTest(
  found,
  "postgres from sinks: adopts a table with rows and resumes it",
  (server) =>
    withTempDir((dir) =>
      withSchema(server, async (schema, db) => {
        // Rows another tool wrote: ids 1..30, in a table of the config's columns.
        await db.query(`CREATE SCHEMA "${schema}"`);
        await db.query(`CREATE TABLE "${schema}".accounts (id bigint PRIMARY KEY, name text)`);
        await db.query(
          `INSERT INTO "${schema}".accounts SELECT g, 'kept ' || g FROM generate_series(1, 30) g`,
        );
        const config = await writeConfig(dir, configText(server, schema));
        const first = await run(config, 3);
        assert(first.stderr.includes("keeps its 30 existing rows"), first.stderr);
        await run(config, 4); // the restart reads the kept rows without an old version
        const accounts = await query<{ id: number; name: string }>(
          db,
          `SELECT id::int AS id, name FROM "${schema}".accounts ORDER BY 1`,
        );
        // 7 ticks of 10 s at 60 rows/min: 70 new accounts after the 30 kept.
        assertEquals(accounts.length, 30 + 70);
        assertEquals(
          accounts.map((a) => a.id),
          Array.from({ length: 100 }, (_, i) => i + 1),
        );
        assertEquals(accounts[29].name, "kept 30");
        const [{ orphans, wrong, n }] = await query<{ orphans: string; wrong: string; n: string }>(
          db,
          `SELECT count(*) FILTER (WHERE a.id IS NULL) AS orphans,
                count(*) FILTER (WHERE a.name IS DISTINCT FROM p.account_name) AS wrong,
                count(*) AS n
         FROM "${schema}".payments p LEFT JOIN "${schema}".accounts a ON a.id = p.account_id`,
        );
        assertEquals([Number(orphans), Number(wrong), Number(n)], [0, 0, 20 + 7 * 20]);
        const kept = await query<{ n: string }>(
          db,
          `SELECT count(*) AS n FROM "${schema}".payments WHERE account_id <= 30`,
        );
        assert(Number(kept[0].n) > 0, "payments reference the kept accounts");
      })
    ),
);

postgresTest(
  found,
  "postgres refuses duplicates of a table with a primary key at start, naming why",
  (server) =>
    withTempDir((dir) =>
      withSchema(server, async (schema) => {
        const text = configText(server, schema).replace(
          "  - table_name: payments\n",
          "  - table_name: payments\n    duplicates: 0.1\n",
        );
        const config = await writeConfig(dir, text);
        const result = await cli(
          ..."run --fast-forward --ticks 3 --start-time 2026-01-01 --config".split(" "),
          config,
        );
        assertEquals(result.code, 1, result.stderr);
        assert(
          result.stderr.includes(
            'Table "payments" stopped: its `duplicates:` repeat keys of primary key "id", which ' +
              "PostgreSQL enforces",
          ),
          result.stderr,
        );
      })
    ),
);
