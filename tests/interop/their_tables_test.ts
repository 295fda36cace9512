/**
 * Tables delta-rs wrote, read and appended to by us: plain, partitioned, checkpointed, and
 * compacted then vacuumed, with every type our configs make (decimals, dates, timestamps,
 * non-ASCII strings, nulls) and a few they do not (binary, small integers). For each:
 * `inspect`, our reader against delta-rs, Polars and Spark, the table as a parent of a
 * `run`, then as the table itself (adopted by `run`, appended to by `generate`), and the
 * engines reading the result: counts add up, the history shows our commits, the protocol and
 * properties are intact.
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

/** Writes the four tables with delta-rs under `dir`; what each holds. */
async function writeWithDeltaRs(peer: Peer, dir: string): Promise<Record<string, number>> {
  return await peer.py<Record<string, number>>(
    `
import datetime, decimal
base = args['dir']
UTC = datetime.timezone.utc

def rows(start, n):
    ids = list(range(start, start + n))
    def nul(i, v):
        return None if i % 7 == 3 else v
    return {
        'id': pa.array(ids, pa.int64()),
        'name': pa.array([nul(i, ['Ærøskøbing', 'München', '東京', 'São Paulo', 'emoji 🎉', ''][i % 6])
                          for i in ids], pa.string()),
        'qty': pa.array([nul(i + 1, i % 100 - 50) for i in ids], pa.int32()),
        'amount': pa.array([nul(i + 2, decimal.Decimal(i * 1234567 % 10**8) / 100) for i in ids],
                           pa.decimal128(10, 2)),
        'day': pa.array([nul(i + 3, datetime.date(1950, 1, 1) + datetime.timedelta(days=i * 97))
                         for i in ids], pa.date32()),
        'at': pa.array([nul(i + 4, datetime.datetime(1969, 12, 31, 23, tzinfo=UTC)
                            + datetime.timedelta(microseconds=i * 987654321)) for i in ids],
                       pa.timestamp('us', tz='UTC')),
        'score': pa.array([nul(i + 5, i / 7) for i in ids], pa.float64()),
        'flag': pa.array([nul(i + 6, i % 3 == 0) for i in ids], pa.bool_()),
    }

# plain: two writes.
write_deltalake(base + '/plain', pa.table(rows(1, 100)))
write_deltalake(base + '/plain', pa.table(rows(101, 50)), mode='append')

# regional: partitioned by a string column, three writes.
for k in range(3):
    r = rows(1 + 40 * k, 40)
    table = pa.table({'id': r['id'], 'region': pa.array([['EU', 'US', 'ÅSIA'][i % 3] for i in range(40)]),
                      'amount': r['amount'], 'at': r['at']})
    write_deltalake(base + '/regional', table, mode='append', partition_by=['region'])

# checkpointed: twelve writes of small integers, floats and big decimals, a checkpoint, one more.
def small(start, n):
    r = rows(start, n)
    ids = r['id'].to_pylist()
    return pa.table({'id': r['id'], 'name': r['name'],
                     'tiny': pa.array([None if i % 5 == 0 else i % 128 - 64 for i in ids], pa.int8()),
                     'short': pa.array([None if i % 6 == 0 else i * 101 % 30000 for i in ids], pa.int16()),
                     'ratio': pa.array([None if i % 4 == 0 else i / 3 for i in ids], pa.float32()),
                     'big': pa.array([None if i % 9 == 0 else decimal.Decimal(i) ** 9 / 10**10 for i in ids],
                                     pa.decimal128(38, 10))})
for k in range(12):
    write_deltalake(base + '/checkpointed', small(1 + 10 * k, 10), mode='append')
DeltaTable(base + '/checkpointed').create_checkpoint()
write_deltalake(base + '/checkpointed', small(121, 10), mode='append')

# compacted: eight small writes with binary, compacted, then vacuumed (old files deleted).
for k in range(8):
    r = rows(1 + 5 * k, 5)
    ids = r['id'].to_pylist()
    table = pa.table({'id': r['id'], 'name': r['name'], 'day': r['day'],
                      'blob': pa.array([None if i % 4 == 0 else bytes([i % 256, 0, 255]) for i in ids],
                                       pa.binary())})
    write_deltalake(base + '/compacted', table, mode='append')
dt = DeltaTable(base + '/compacted')
dt.optimize.compact()
vacuumed = dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)

result = {'plain': 150, 'regional': 120, 'checkpointed': 130, 'compacted': 40, 'vacuumed': len(vacuumed)}
`,
    { dir },
  );
}

const CONFIG = `
version: 1
config:
  seed: 11
  tick_interval: 10s
tables:
  # The delta-rs tables, with their columns and types as our configs write them.
  - table_name: plain
    row_count: 20
    cadence: { rows_per_minute: 60 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "random.choice(['Zürich', 'Kraków', '大阪', 'Đà Nẵng'])", null_percentage: 0.1 }
      - { column_name: qty, data: "random.randint(-50, 49)", type: int32, null_percentage: 0.1 }
      - { column_name: amount, data: "round(random.uniform(0, 999999), 2)", parquet_type: "decimal128(10,2)" }
      - { column_name: day, data: "fake.date_between(start_date='-30y', end_date='today')" }
      - { column_name: at, data: "fake.date_time_between(start_date='-3y', end_date='now')" }
      - { column_name: score, data: "random.uniform(0, 100)", null_percentage: 0.2 }
      - { column_name: flag, data: "random.random() < 0.5", type: bool }
  - table_name: regional
    row_count: 5
    partition_by: [region]
    cadence: { rows_per_minute: 30 }
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: region, data: "random.choice(['EU', 'ÅSIA', 'AFRICA'])" }
      - { column_name: amount, data: "round(random.uniform(0, 9999), 2)", parquet_type: "decimal128(10,2)" }
      - { column_name: at, data: "datetime.now()" }
  - table_name: checkpointed
    row_count: 25
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "fake.city()" }
      - { column_name: tiny, data: "random.randint(-100, 100)", type: int8 }
      - { column_name: short, data: "random.randint(0, 30000)", type: int16 }
      - { column_name: ratio, data: "random.random()", type: float32 }
      - { column_name: big, data: "random.uniform(-1e20, 1e20)", parquet_type: "decimal128(38,10)" }
  - table_name: compacted
    row_count: 15
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: "fake.name()" }
      - { column_name: day, data: "fake.date_between(start_date='-30y', end_date='today')" }
  # Children of each: foreign keys to their rows, columns copied from them.
  - table_name: plain_child
    row_count: 30
    cadence: { rows_per_minute: 120 }
    columns:
      - { column_name: child_id, data: row_id, is_primary_key: true }
      - { column_name: plain_id, data: 'foreign_key("plain", "id")' }
      - { column_name: plain_name, data: 'copy_from_fk("plain_id", "plain", "name")' }
      - { column_name: plain_amount, data: 'copy_from_fk("plain_id", "plain", "amount")' }
      - { column_name: plain_at, data: 'copy_from_fk("plain_id", "plain", "at")' }
  - table_name: regional_child
    row_count: 30
    columns:
      - { column_name: child_id, data: row_id, is_primary_key: true }
      - { column_name: regional_id, data: 'foreign_key("regional", "id")' }
      - { column_name: region, data: 'copy_from_fk("regional_id", "regional", "region")' }
  - table_name: checkpointed_child
    row_count: 30
    columns:
      - { column_name: child_id, data: row_id, is_primary_key: true }
      - { column_name: checkpointed_id, data: 'foreign_key("checkpointed", "id", distribution="zipf", param=1.2)' }
      - { column_name: checkpointed_name, data: 'copy_from_fk("checkpointed_id", "checkpointed", "name")' }
  - table_name: compacted_child
    row_count: 30
    columns:
      - { column_name: child_id, data: row_id, is_primary_key: true }
      - { column_name: compacted_id, data: 'foreign_key("compacted", "id")' }
      - { column_name: compacted_name, data: 'copy_from_fk("compacted_id", "compacted", "name")' }
`;

const THEIRS = ["plain", "regional", "checkpointed", "compacted"];

interopTest(
  "delta-rs tables: read, inspected, parents of a run, adopted and appended to",
  async (peer) => {
    await withTempDir(async (dir) => {
      const counts = await writeWithDeltaRs(peer, dir);
      assert(counts.vacuumed >= 8, `vacuum deleted the compacted files (${counts.vacuumed})`);
      const config = await writeConfig(dir, CONFIG);

      // Read: our reader sees what every engine sees; inspect counts the same rows.
      for (const table of THEIRS) {
        const ours = await assertEnginesAgree(peer, `${dir}/${table}`, table);
        assertEquals(ours.count, counts[table], table);
        assertEquals(await inspectedRows(`${dir}/${table}`), counts[table], `inspect ${table}`);
      }
      const inspected = await ok("inspect", `${dir}/checkpointed`);
      assertStringIncludes(inspected, "(checkpoint at 11)");
      assertStringIncludes(inspected, "tablestream: reads it; can append to it");

      // Parents: the children of a run reference their rows and copy their values.
      const facts = Object.fromEntries(
        await Promise.all(THEIRS.map(async (t) => [t, await tableFacts(peer, `${dir}/${t}`)])),
      );
      const children = THEIRS.map((t) => `${t}_child`);
      const common = ["-c", config, "-o", dir, "--start-time", START, "--fast-forward"];
      await ok("run", ...common, "--tables", children.join(","), "--ticks", "6");
      for (const table of THEIRS) {
        const copies = Object.fromEntries(
          ({
            plain: [["plain_name", "name"], ["plain_amount", "amount"], ["plain_at", "at"]],
            regional: [["region", "region"]],
            checkpointed: [["checkpointed_name", "name"]],
            compacted: [["compacted_name", "name"]],
          } as Record<string, string[][]>)[table],
        );
        const child = await checkChild(peer, {
          child: `${dir}/${table}_child`,
          parent: `${dir}/${table}`,
          key: `${table}_id`,
          parentKey: "id",
          copies,
        });
        assert(child.rows >= 30, `${table}_child has rows (${child.rows})`);
        assert(child.parents > 5, `${table}_child spreads over its parent (${child.parents})`);
        await assertEnginesAgree(peer, `${dir}/${table}_child`, `${table}_child`);
        // A parent is only read.
        assertEquals((await tableFacts(peer, `${dir}/${table}`)).version, facts[table].version);
      }

      // Adopted: run writes plain, regional (partitioned) and checkpointed, keeping their
      // rows; small commits so that ours cross a checkpoint version of their tables.
      await ok(
        "run",
        ...common,
        "--tables",
        "plain,regional,checkpointed",
        "--ticks",
        "12",
        "--commit-rows",
        "10",
      );
      // Then appended to by generate: row_count more rows, keys after the largest.
      for (const table of ["plain", "checkpointed"]) {
        await ok("generate", "-c", config, "-o", dir, "--table", table, "--mode", "append");
      }
      // Initial rows, 12 ticks (10, 5 and 10 rows a tick), then generate's.
      const expected = {
        plain: 150 + 20 + 12 * 10 + 20,
        regional: 120 + 5 + 12 * 5,
        checkpointed: 130 + 25 + 12 * 10 + 25,
      };
      for (const [table, rows] of Object.entries(expected)) {
        const path = `${dir}/${table}`;
        const ours = await assertEnginesAgree(peer, path, `${table} after our commits`);
        assertEquals(ours.count, rows, `${table}: their rows and ours`);
        assertEquals(await inspectedRows(path), rows, `inspect ${table}`);
        const after = await tableFacts(peer, path);
        assertEquals(after.sparkCount, rows, `${table}: Spark's count`);
        assertIntact(facts[table], after, table);
        // Their rows are still there, unchanged, and our keys follow theirs.
        const ids = await peer.py<{ theirs: number; first: number; distinct: number }>(
          `
t = DeltaTable(args['path'])
now = set(map(str, canonical_rows(t.to_pyarrow_table())))
t.load_as_version(args['version'])
before = canonical_rows(t.to_pyarrow_table())
ids = pl.read_delta(args['path'])['id']
result = {'theirs': sum(1 for r in before if r in now), 'first': int(ids.filter(ids > args['max']).min()),
          'distinct': ids.n_unique()}
`,
          { path, version: facts[table].version, max: counts[table] },
        );
        assertEquals(ids.theirs, counts[table], `${table}: every row delta-rs wrote is kept`);
        assertEquals(ids.first, counts[table] + 1, `${table}: our keys start after theirs`);
        assertEquals(ids.distinct, rows, `${table}: keys are unique`);
      }
      // Our checkpoint over their table, read by the engines above.
      assertStringIncludes(await ok("inspect", `${dir}/plain`), "(checkpoint at 10)");

      // compacted has a binary column, which configs do not make: refused naming it, and
      // nothing written.
      const refusals = [
        await fails(
          "generate",
          "-c",
          config,
          "-o",
          dir,
          "--table",
          "compacted",
          "--mode",
          "append",
        ),
        await fails("run", ...common, "--tables", "compacted", "--ticks", "2"),
      ];
      for (const message of refusals) assertStringIncludes(message, '"blob"');
      assertEquals((await tableFacts(peer, `${dir}/compacted`)).version, facts.compacted.version);
    });
  },
);
