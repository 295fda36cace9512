/**
 * Constraints, invariants, generated and identity columns against Spark 4.0.1 with Delta
 * 4.0.0: our SQL subset evaluates expressions as Spark does (each expression over the same
 * rows in both, nulls and failures included), and tables Spark made with CHECK constraints,
 * NOT NULL columns, a column invariant, generated columns and an identity column take rows
 * from `run` and `generate --mode append`, after which Spark finds its constraints kept,
 * its generation expressions equal over our rows, identity values unique and above the old
 * high-water mark, the protocol and properties intact, and can still insert. A config whose
 * rows break a constraint fails naming it, and Spark sees no new version.
 */
import * as arrow from "apache-arrow";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { batchOf, column } from "../_batches.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { compileSql, SqlEvalError, textOf } from "../../lib/delta/sql/mod.ts";
import { interopTest, type Peer } from "./_peer.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readSnapshot } from "../../lib/delta/log_reader.ts";
import {
  assertAppendRefused,
  assertEnginesAgree,
  assertIntact,
  ok,
  START,
  tableFacts,
} from "./_theirs.ts";

/** The rows every expression is evaluated over, in Spark's VALUES and as our batch. */
const SPARK_VALUES = "(0, 1L, 2.5D, 'Ann', DATE'2024-02-29', TIMESTAMP'2024-02-29 13:45:06.5'), " +
  "(1, CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE), CAST(NULL AS STRING), CAST(NULL AS DATE), " +
  "CAST(NULL AS TIMESTAMP)), " +
  "(2, -3L, 0.0D, 'b_c%d', DATE'1970-01-01', TIMESTAMP'1969-12-31 23:59:59')";

const DAY = 19_782; // 2024-02-29
const OUR_ROWS = batchOf({
  id: column(new arrow.Int64(), [1n, null, -3n]),
  amount: column(new arrow.Float64(), [2.5, null, 0]),
  name: column(new arrow.Utf8(), ["Ann", null, "b_c%d"]),
  d: column(new arrow.DateDay(), [DAY, null, 0]),
  at: column(new arrow.TimestampMicrosecond("UTC"), [
    BigInt(DAY) * 86_400_000_000n + 49_506_500_000n,
    null,
    -1_000_000n,
  ]),
});

const EXPRESSIONS = [
  "id > 0",
  "id > 0 AND amount < 3",
  "id > 0 OR amount = 0",
  "NOT (id > 0)",
  "id IS NULL",
  "id IS NOT NULL AND amount >= 0",
  "id <=> NULL",
  "id != 1",
  "id IN (1, 2)",
  "id IN (2, NULL)",
  "id NOT IN (2, 3)",
  "amount BETWEEN 0 AND 2.5",
  "id NOT BETWEEN -5 AND 0",
  "name LIKE 'A%'",
  "name LIKE '_n_'",
  "name LIKE 'b\\_c\\%d'",
  "name LIKE 'b!_c%' ESCAPE '!'",
  "name NOT LIKE '%c%'",
  "id + 1",
  "id / 2",
  "id % 2",
  "-id * 2",
  "amount * 2 + id",
  "id / 0",
  "2147483647 + 1",
  "d + 1",
  "d - 1 = DATE'2024-02-28'",
  "year(at)",
  "month(d)",
  "day(at)",
  "dayofmonth(d)",
  "hour(at)",
  "minute(at)",
  "second(at)",
  "to_date(at)",
  "to_date(at) = d",
  "date_format(at, 'yyyy-MM-dd HH:mm:ss')",
  "date_format(d, 'yyyyMM')",
  "date_format(at, 'dd/MM/yy')",
  "CAST(at AS STRING)",
  "CAST(d AS TIMESTAMP)",
  "CAST(d AS STRING)",
  "d >= '2024-01-01'",
  "at < TIMESTAMP'2024-02-29 14:00:00'",
  "to_date('29/02/2024', 'dd/MM/yyyy')",
  "CAST(amount AS INT)",
  "CAST(amount AS STRING)",
  "CAST(amount AS DECIMAL(5,1))",
  "CAST(id AS DOUBLE) / 4",
  "CAST(name AS INT)",
  "CAST('12' AS INT) + 1",
  "'5' = 5",
  "coalesce(id, 0)",
  "coalesce(name, 'none')",
  "length(name)",
  "upper(name) || lower('X')",
  "concat(name, '-', id)",
  "substring(name, 2)",
  "substr(name, -2, 1)",
  "substring(name, 0, 2)",
  "abs(id)",
  "1.5 + 1",
  "amount > 1e0",
  "`id` = 1 AND ID = 1",
];

/** What an expression gives row by row, as Spark's CAST(... AS STRING), or "ERROR". */
function ours(expression: string): string[] | "ERROR" {
  const compiled = compileSql(expression, OUR_ROWS.schema);
  const value = compiled.bind(OUR_ROWS);
  try {
    return [0, 1, 2].map((r) => {
      const v = value(r);
      return v === null ? null : textOf(v, compiled.type);
    }) as string[];
  } catch (error) {
    if (error instanceof SqlEvalError) return "ERROR";
    throw error;
  }
}

async function theirs(peer: Peer): Promise<Record<string, string[] | "ERROR">> {
  return await peer.py(
    `
s = spark()
result = {}
for e in args['expressions']:
    try:
        rows = s.sql(f"SELECT n, CAST(({e}) AS STRING) AS v FROM VALUES {args['values']} "
                     "AS t(n, id, amount, name, d, at) ORDER BY n").collect()
        result[e] = [r['v'] for r in rows]
    except Exception as error:
        result[e] = 'ERROR'
`,
    { expressions: EXPRESSIONS, values: SPARK_VALUES },
  );
}

interopTest(
  "Spark SQL subset: each expression gives what Spark gives, nulls and errors too",
  async (peer) => {
    const spark = await theirs(peer);
    const differ = EXPRESSIONS.flatMap((e) => {
      const mine = ours(e);
      return JSON.stringify(mine) === JSON.stringify(spark[e])
        ? []
        : [`${e}: ours ${JSON.stringify(mine)}, Spark ${JSON.stringify(spark[e])}`];
    });
    assertEquals(differ, [], "expressions where our subset and Spark differ");
  },
);

/** Spark makes the tables (10 rows each); the high-water mark of the identity column. */
async function makeTables(peer: Peer, dir: string): Promise<void> {
  await peer.py(
    `
from pyspark.sql.types import StructType, StructField, LongType, DoubleType, StringType, TimestampType
import datetime
base = args['dir']
s = spark()
cols = 'id BIGINT NOT NULL, amount DOUBLE, name STRING, at TIMESTAMP'
def values(start, n):
    return ', '.join(f"({i}, {i * 12.5}, 'name{i}', timestamp_micros({i * 987654321000}))"
                     for i in range(start, start + n))

p = f'{base}/sc_check'
s.sql(f'CREATE TABLE delta.\`{p}\` ({cols}) USING delta')
s.sql(f'ALTER TABLE delta.\`{p}\` ADD CONSTRAINT positive CHECK (amount > 0 AND amount < 100000)')
s.sql(f"ALTER TABLE delta.\`{p}\` ADD CONSTRAINT named CHECK (name IS NULL OR length(name) > 1)")
s.sql(f'INSERT INTO delta.\`{p}\` VALUES {values(1, 10)}')

# Generated and identity columns: Spark 4's SQL makes them only in catalog tables, the
# builder at a path.
from delta.tables import DeltaTable, IdentityGenerator
def build(path, first=None, last=None):
    b = DeltaTable.create(s).location(path)
    if first:
        b = b.addColumn(*first[:2], **first[2])
    b = (b.addColumn('id', 'BIGINT', nullable=False).addColumn('amount', 'DOUBLE')
         .addColumn('name', 'STRING').addColumn('at', 'TIMESTAMP'))
    for column in last or []:
        b = b.addColumn(*column[:2], **column[2])
    b.execute()

p = f'{base}/sc_gen'
build(p, last=[('yr', 'INT', {'generatedAlwaysAs': 'year(at)'}),
               ('day', 'DATE', {'generatedAlwaysAs': 'CAST(at AS DATE)'})])
s.sql(f'INSERT INTO delta.\`{p}\` (id, amount, name, at) VALUES {values(1, 10)}')

p = f'{base}/sc_ident'
build(p, first=('key', 'BIGINT', {'generatedAlwaysAs': IdentityGenerator(start=100, step=10)}))
s.sql(f'INSERT INTO delta.\`{p}\` (id, amount, name, at) VALUES {values(1, 10)}')

# An invariant in a field's metadata, as older Delta wrote NOT NULL and users wrote checks.
p = f'{base}/sc_inv'
invariant = '{"expression":{"expression":"amount > 0"}}'
schema = StructType([
    StructField('id', LongType(), False),
    StructField('amount', DoubleType(), True, {'delta.invariants': invariant}),
    StructField('name', StringType(), True),
    StructField('at', TimestampType(), True),
])
rows = [(i, i * 12.5, f'name{i}', datetime.datetime(2024, 1, 1) + datetime.timedelta(days=i))
        for i in range(1, 11)]
s.createDataFrame(rows, schema).write.format('delta').save(p)
result = None
`,
    { dir },
  );
}

/** A config table with the Spark tables' columns; `amount` from `amount`. */
function configTable(name: string, amount = "round(random.uniform(1, 99999), 2)"): string {
  return `
  - table_name: ${name}
    row_count: 10
    cadence: { rows_per_minute: 30 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: amount, data: "${amount}" }
      - { column_name: name, data: "fake.first_name()" }
      - { column_name: at, data: "datetime.now()" }`;
}

const TABLES = ["sc_check", "sc_gen", "sc_ident", "sc_inv"];

const CONFIG = `
version: 1
config:
  seed: 22
  tick_interval: 10s
tables:${TABLES.map((t) => configTable(t)).join("")}
`;

/** The same tables, with rows that break `amount > 0`. */
const BAD_CONFIG = `
version: 1
config:
  seed: 22
tables:${TABLES.map((t) => configTable(t, "-1.5")).join("")}
`;

/** A table of ours made with a CHECK constraint (`table_properties:`). */
const OWN_CONFIG = `
version: 1
config:
  seed: 23
tables:${configTable("ours_check")}
    table_properties:
      delta.constraints.positive: amount > 0 AND name IS NOT NULL
`;

/** What Spark says of our constrained table, and whether it refuses a row breaking it. */
async function sparkOnOurs(peer: Peer, path: string): Promise<Record<string, unknown>> {
  return await peer.py(
    `
s = spark()
p = args['path']
props = {r['key']: r['value'] for r in s.sql(f"SHOW TBLPROPERTIES delta.\`{p}\`").collect()}
detail = s.sql(f"DESCRIBE DETAIL delta.\`{p}\`").collect()[0]
s.sql(f"INSERT INTO delta.\`{p}\` VALUES (1000, 5.0, 'spark', TIMESTAMP'2026-06-01 00:00:00')")
try:
    s.sql(f"INSERT INTO delta.\`{p}\` VALUES (1001, -5.0, 'spark', TIMESTAMP'2026-06-01 00:00:00')")
    refused = False
except Exception as error:
    refused = 'positive' in str(error)
result = {
    'constraint': props.get('delta.constraints.positive'),
    'writer': detail['minWriterVersion'],
    'count': s.read.format('delta').load(p).count(),
    'refused': refused,
}
`,
    { path },
  );
}

/** What Spark finds in a table after our commits. */
async function sparkChecks(peer: Peer, dir: string): Promise<Record<string, number>> {
  return await peer.py<Record<string, number>>(
    `
s = spark()
base = args['dir']
def count(table, where):
    return s.sql(f"SELECT count(*) AS n FROM delta.\`{base}/{table}\` WHERE {where}").collect()[0]['n']
ident = s.sql(f"SELECT count(*) AS n, count(DISTINCT key) AS keys, min(key) AS lo, max(key) AS hi "
              f"FROM delta.\`{base}/sc_ident\` WHERE id > 10").collect()[0]
result = {
    'check_broken': count('sc_check', 'NOT (amount > 0 AND amount < 100000) OR NOT (name IS NULL OR length(name) > 1)'),
    'check_nulls': count('sc_check', 'id IS NULL'),
    'inv_broken': count('sc_inv', 'NOT (amount > 0)'),
    'gen_differs': count('sc_gen', 'NOT (yr <=> year(at)) OR NOT (day <=> CAST(at AS DATE))'),
    'gen_nulls': count('sc_gen', 'yr IS NULL OR day IS NULL'),
    'ident_rows': ident['n'],
    'ident_keys': ident['keys'],
    'ident_lo': ident['lo'],
    'ident_hi': ident['hi'],
    'ident_off_step': count('sc_ident', '(key - 100) % 10 != 0'),
}
`,
    { dir },
  );
}

/** Spark inserts one more row into each table after ours; the identity key it got. */
async function sparkInsertsAfter(peer: Peer, dir: string): Promise<Record<string, unknown>> {
  return await peer.py(
    `
s = spark()
base = args['dir']
row = "(100000, 5.0, 'spark', TIMESTAMP'2026-06-01 00:00:00')"
for t in ['sc_check', 'sc_inv']:
    s.sql(f"INSERT INTO delta.\`{base}/{t}\` VALUES {row}")
for t in ['sc_gen', 'sc_ident']:
    s.sql(f"INSERT INTO delta.\`{base}/{t}\` (id, amount, name, at) VALUES {row}")
refused = {}
for t in ['sc_check', 'sc_inv']:
    try:
        s.sql(f"INSERT INTO delta.\`{base}/{t}\` VALUES (100001, -5.0, 'x', TIMESTAMP'2026-06-01 00:00:00')")
        refused[t] = False
    except Exception:
        refused[t] = True
key = s.sql(f"SELECT key FROM delta.\`{base}/sc_ident\` WHERE id = 100000").collect()[0]['key']
result = {'key': key, 'refused': refused}
`,
    { dir },
  );
}

interopTest(
  "Spark tables with constraints, invariants, generated and identity columns: run and generate append, Spark agrees",
  async (peer) => {
    await withTempDir(async (dir) => {
      await makeTables(peer, dir);
      const config = await writeConfig(dir, CONFIG);
      const facts = Object.fromEntries(
        await Promise.all(TABLES.map(async (t) => [t, await tableFacts(peer, `${dir}/${t}`)])),
      );
      const markBefore = await identityMark(`${dir}/sc_ident`);
      assertEquals(markBefore, 190, "Spark's high-water mark after its 10 rows");

      // Rows breaking a constraint: refused naming it, nothing committed.
      const bad = await writeConfig(dir, BAD_CONFIG, "bad.yaml");
      for (const table of ["sc_check", "sc_inv"]) {
        const error = await assertAppendRefused(peer, {
          config: bad,
          dir,
          table,
          reason: table === "sc_check"
            ? /CHECK constraint "positive"/
            : /invariant of column "amount"/,
        });
        assertStringIncludes(error, "amount = -1.5");
      }

      const common = ["-c", config, "-o", dir, "--start-time", START, "--fast-forward"];
      await ok(
        "run",
        ...common,
        "--tables",
        TABLES.join(","),
        "--ticks",
        "8",
        "--commit-rows",
        "5",
      );
      for (const table of TABLES) {
        await ok("generate", "-c", config, "-o", dir, "--table", table, "--mode", "append");
      }
      // Spark's 10, run's first 10 and 8 ticks of 5, generate's 10.
      const rows = 10 + 10 + 8 * 5 + 10;
      for (const table of TABLES) {
        const path = `${dir}/${table}`;
        const read = await assertEnginesAgree(peer, path, `${table} after our commits`);
        assertEquals(read.count, rows, `${table}: our reader's rows`);
        const after = await tableFacts(peer, path);
        assertEquals(after.sparkCount, rows, `${table}: Spark's count`);
        assertIntact(facts[table], after, table);
      }
      const checks = await sparkChecks(peer, dir);
      assertEquals(checks, {
        check_broken: 0,
        check_nulls: 0,
        inv_broken: 0,
        gen_differs: 0,
        gen_nulls: 0,
        ident_rows: rows - 10,
        ident_keys: rows - 10,
        ident_lo: 200,
        ident_hi: 190 + 10 * (rows - 10),
        ident_off_step: 0,
      });
      const markAfter = await identityMark(`${dir}/sc_ident`);
      assertEquals(markAfter, checks.ident_hi, "our commits advanced the high-water mark");

      // A table of ours made with a constraint: Spark reads it and enforces the constraint.
      const own = await writeConfig(dir, OWN_CONFIG, "own.yaml");
      await ok("generate", "-c", own, "-o", dir);
      assertEquals(await sparkOnOurs(peer, `${dir}/ours_check`), {
        constraint: "amount > 0 AND name IS NOT NULL",
        writer: 3,
        count: 11,
        refused: true,
      });

      const after = await sparkInsertsAfter(peer, dir);
      assertEquals(after.refused, { sc_check: true, sc_inv: true }, "Spark still enforces them");
      assert(
        (after.key as number) > checks.ident_hi,
        `Spark's next key ${after.key} is above ours`,
      );
    });
  },
);

/** The identity high-water mark of the `key` column in the table's latest metadata. */
async function identityMark(path: string): Promise<number> {
  const snapshot = await readSnapshot(localFs, path);
  const field = JSON.parse(snapshot.metadata.schemaString).fields
    .find((f: { name: string }) => f.name === "key");
  return Number(field.metadata["delta.identity.highWaterMark"]);
}
