/**
 * Every Parquet file our writers make, checked by an independent engine: DuckDB
 * (`@duckdb/node-api`, a test-only dependency) reads each data file of our Delta tables and
 * of the plain Parquet sink, and must see the Delta schema's types (timestamps as TIMESTAMP
 * WITH TIME ZONE), `stats.numRecords` rows, and the min, max and null counts the log states.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { assert, assertEquals } from "./_assert.ts";
import { cli, withTempDir } from "./_cli.ts";
import { allTypesTable } from "./_delta.ts";
import { partFiles } from "./_read.ts";
import { decodePath } from "../lib/delta/actions.ts";
import { joinPath, localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { DeltaWriter } from "../lib/delta/writer.ts";

/** The DuckDB type of each Delta primitive type our writer produces. */
const DUCKDB_TYPE: Record<string, string> = {
  long: "BIGINT",
  integer: "INTEGER",
  short: "SMALLINT",
  byte: "TINYINT",
  double: "DOUBLE",
  float: "FLOAT",
  string: "VARCHAR",
  boolean: "BOOLEAN",
  date: "DATE",
  timestamp: "TIMESTAMP WITH TIME ZONE",
  binary: "BLOB",
};

function expectedDuckType(deltaType: string): string {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(deltaType);
  return decimal ? `DECIMAL(${decimal[1]},${decimal[2]})` : DUCKDB_TYPE[deltaType];
}

/** A stats value with its exact JSON source text (int64 and decimal bounds are raw numbers). */
interface StatValue {
  value: unknown;
  source: string;
}

interface ParsedStats {
  numRecords: number;
  minValues: Record<string, StatValue>;
  maxValues: Record<string, StatValue>;
  nullCount: Record<string, number>;
}

/** Parses `add.stats`, keeping every bound's source text (JSON.parse source access). */
function parseStats(text: string): ParsedStats {
  const sources = new Map<string, string>();
  // The reviver's third argument (source text access) is not in Deno's types yet.
  type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;
  const parse = JSON.parse as (text: string, reviver: Reviver) => {
    numRecords: number;
    minValues?: Record<string, unknown>;
    maxValues?: Record<string, unknown>;
    nullCount?: Record<string, number>;
  };
  const parsed = parse(text, (key, value, context) => {
    if (context?.source !== undefined && typeof value !== "object") {
      sources.set(`${key}\u0000${JSON.stringify(value)}`, context.source);
    }
    return value;
  });
  const withSource = (values: Record<string, unknown> = {}) =>
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        k,
        { value: v, source: sources.get(`${k}\u0000${JSON.stringify(v)}`) ?? JSON.stringify(v) },
      ]),
    );
  return {
    numRecords: parsed.numRecords,
    minValues: withSource(parsed.minValues),
    maxValues: withSource(parsed.maxValues),
    nullCount: parsed.nullCount ?? {},
  };
}

async function withDuckDb<T>(fn: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function rows(db: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** DuckDB's view of one column's bound, in the form our stats JSON writes it. */
function boundExpression(fn: "min" | "max", column: string, deltaType: string): string {
  const c = quote(column);
  if (deltaType === "timestamp") return `epoch_ms(${fn}(${c}))::VARCHAR`;
  if (deltaType === "date") return `strftime(${fn}(${c}), '%Y-%m-%d')`;
  if (deltaType === "double" || deltaType === "float") return `${fn}(${c})::DOUBLE::VARCHAR`;
  return `${fn}(${c})::VARCHAR`;
}

/** Our stats bound as the text DuckDB's expression above yields. */
function statText(bound: StatValue, deltaType: string): string {
  if (deltaType === "timestamp") return String(Date.parse(bound.value as string));
  if (deltaType === "double" || deltaType === "float") return String(Number(bound.source));
  if (typeof bound.value === "string") return bound.value;
  return bound.source;
}

function sameNumber(duck: string, ours: string): boolean {
  return duck === ours || Number(duck) === Number(ours);
}

interface Checked {
  files: number;
  rows: number;
}

/**
 * Checks every active data file of the Delta table at `path` with DuckDB: column types,
 * row count against `stats.numRecords`, and each stated min, max and null count.
 */
async function checkDeltaTable(db: DuckDBConnection, path: string): Promise<Checked> {
  const snapshot = await readSnapshot(localFs, path);
  const fields = JSON.parse(snapshot.metadata.schemaString).fields as {
    name: string;
    type: string;
  }[];
  const partitions = new Set(snapshot.metadata.partitionColumns);
  let total = 0;
  for (const add of snapshot.files) {
    const file = joinPath(path, decodePath(add.path));
    // Partition values live in the log: DuckDB must not read them from the folder names.
    const source = `read_parquet(${literal(file)}, hive_partitioning = false)`;
    const described = await rows(db, `DESCRIBE SELECT * FROM ${source}`);
    const dataFields = fields.filter((f) => !partitions.has(f.name));
    assertEquals(
      described.map((r) => `${r.column_name}: ${r.column_type}`),
      dataFields.map((f) => `${f.name}: ${expectedDuckType(f.type)}`),
      `column types of ${file}`,
    );
    assert(add.stats, `${file} has stats`);
    const stats = parseStats(add.stats);
    const [{ n }] = await rows(db, `SELECT count(*)::INTEGER AS n FROM ${source}`);
    assertEquals(n, stats.numRecords, `rows of ${file} = stats.numRecords`);
    total += stats.numRecords;
    for (const field of dataFields) {
      const c = quote(field.name);
      const [row] = await rows(
        db,
        `SELECT ${boundExpression("min", field.name, field.type)} AS lo,
                ${boundExpression("max", field.name, field.type)} AS hi,
                (count(*) - count(${c}))::INTEGER AS nulls
         FROM ${source}`,
      );
      const where = `${field.name} of ${file}`;
      if (field.name in stats.nullCount) {
        assertEquals(row.nulls, stats.nullCount[field.name], `null count of ${where}`);
      }
      checkBound(row.lo as string | null, stats.minValues[field.name], field.type, `min ${where}`);
      checkBound(row.hi as string | null, stats.maxValues[field.name], field.type, `max ${where}`);
    }
  }
  return { files: snapshot.files.length, rows: total };
}

function checkBound(
  duck: string | null,
  bound: StatValue | undefined,
  deltaType: string,
  what: string,
): void {
  if (bound === undefined) return; // no bound stated (binary, booleans, all-null columns)
  assert(duck !== null, `${what}: DuckDB finds no value, the stats state ${bound.source}`);
  const ours = statText(bound, deltaType);
  if (deltaType === "string") {
    // Long strings are cut to a prefix; a cut max is padded so it stays an upper bound.
    const ok = ours === duck || (duck.startsWith(ours) && ours.length < duck.length) ||
      (ours.endsWith("\u{10FFFF}") && duck.startsWith(ours.slice(0, -2)));
    assert(ok, `${what}: DuckDB ${JSON.stringify(duck)}, stats ${JSON.stringify(ours)}`);
    return;
  }
  assert(sameNumber(duck, ours), `${what}: DuckDB ${duck}, stats ${ours}`);
}

Deno.test("DuckDB reads our Delta data files of every type as the stats say", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/all_types`;
    const first = allTypesTable(0, 23);
    const writer = await DeltaWriter.open(path, { schema: first.schema, appId: "duckdb" });
    await writer.append(first);
    await writer.append(allTypesTable(23, 40));
    await withDuckDb(async (db) => {
      assertEquals(await checkDeltaTable(db, path), { files: 2, rows: 63 });
      // Timestamps are instants: DuckDB sees the same microseconds we wrote, in UTC.
      const file = joinPath(path, decodePath((await readSnapshot(localFs, path)).files[0].path));
      const [row] = await rows(
        db,
        `SELECT epoch_us(ts)::VARCHAR AS us FROM read_parquet(${literal(file)}) WHERE id = 1`,
      );
      assertEquals(row.us, String(1_700_000_000_000_000n + 1_000_001n));
    });
  });
});

Deno.test("DuckDB reads zstd files and partitioned tables' files", async () => {
  await withTempDir(async (dir) => {
    const table = allTypesTable(0, 50);
    const zstd = await DeltaWriter.open(`${dir}/zstd`, {
      schema: table.schema,
      appId: "duckdb",
      compression: "zstd",
      targetFileRows: 20,
    });
    await zstd.append(table);
    const partitioned = await DeltaWriter.open(`${dir}/partitioned`, {
      schema: table.schema,
      appId: "duckdb",
      partitionBy: ["bool", "date"],
    });
    await partitioned.append(table);
    await withDuckDb(async (db) => {
      assertEquals(await checkDeltaTable(db, `${dir}/zstd`), { files: 3, rows: 50 });
      const checked = await checkDeltaTable(db, `${dir}/partitioned`);
      assertEquals(checked.rows, 50);
      assert(checked.files > 10, `one file per partition, got ${checked.files}`);
    });
  });
});

Deno.test("DuckDB checks the bundled example's Delta tables and Parquet files", async () => {
  await withTempDir(async (dir) => {
    const config = "examples/streaming_config.yaml";
    // One reference time for both runs: else a second boundary between them changes `now`.
    const time = ["--reference-time", "2026-01-01T00:00:00Z"];
    const delta = await cli("generate", "--config", config, "--output", `${dir}/delta`, ...time);
    assertEquals(delta.code, 0, delta.stderr);
    const parquet = await cli(
      "generate",
      "--config",
      config,
      "--output",
      `${dir}/parquet`,
      "--format",
      "parquet",
      ...time,
    );
    assertEquals(parquet.code, 0, parquet.stderr);
    await withDuckDb(async (db) => {
      const expected = { person: 100, customers: 1000, orders: 5000 };
      for (const [table, count] of Object.entries(expected)) {
        assertEquals((await checkDeltaTable(db, `${dir}/delta/${table}`)).rows, count);
        // The plain Parquet sink writes the same types, and the same rows as the Delta table.
        const files = (await partFiles(`${dir}/parquet/${table}`, ".parquet"))
          .map((name) => `${dir}/parquet/${table}/${name}`);
        const list = `[${files.map(literal).join(", ")}]`;
        const deltaFiles = (await readSnapshot(localFs, `${dir}/delta/${table}`)).files
          .map((a) => literal(joinPath(`${dir}/delta/${table}`, decodePath(a.path))));
        const [{ same }] = await rows(
          db,
          `SELECT count(*)::INTEGER AS same FROM (
             SELECT * FROM read_parquet(${list})
             EXCEPT ALL SELECT * FROM read_parquet([${deltaFiles.join(", ")}]))`,
        );
        assertEquals(same, 0, `${table}: the Parquet sink's rows equal the Delta table's`);
        const [{ n }] = await rows(db, `SELECT count(*)::INTEGER AS n FROM read_parquet(${list})`);
        assertEquals(n, count);
      }
      const described = await rows(
        db,
        `DESCRIBE SELECT created_at FROM read_parquet(${
          literal(
            `${dir}/parquet/person/${(await partFiles(`${dir}/parquet/person`, ".parquet"))[0]}`,
          )
        })`,
      );
      assertEquals(described[0].column_type, "TIMESTAMP WITH TIME ZONE");
    });
  });
});

Deno.test("DuckDB reads our checkpoint: one add row per active file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/t`;
    const writer = await DeltaWriter.open(path, {
      schema: allTypesTable(0, 1).schema,
      appId: "duckdb",
    });
    for (let i = 0; i < 11; i++) await writer.append(allTypesTable(i * 3, 3));
    const checkpoint = `${path}/_delta_log/00000000000000000010.checkpoint.parquet`;
    await withDuckDb(async (db) => {
      const adds = await rows(
        db,
        `SELECT add.path AS path, add.stats AS stats FROM read_parquet(${literal(checkpoint)})
         WHERE add IS NOT NULL ORDER BY path`,
      );
      const snapshot = await readSnapshot(localFs, path);
      assertEquals(adds.map((a) => a.path), snapshot.files.map((f) => f.path).sort());
      assertEquals(
        adds.map((a) => JSON.parse(a.stats as string).numRecords),
        new Array(11).fill(3),
      );
      const [meta] = await rows(
        db,
        `SELECT metaData.schemaString AS s, protocol.minReaderVersion AS r
         FROM read_parquet(${
          literal(checkpoint)
        }) WHERE metaData IS NOT NULL OR protocol IS NOT NULL
         ORDER BY s NULLS LAST`,
      );
      assertEquals(meta.s, snapshot.metadata.schemaString);
    });
  });
});

const TABLEFAKER_TYPES = `
config:
  seed: 3
  reference_time: "2026-01-01T00:00:00Z"
tables:
  - table_name: typed
    row_count: 40
    columns:
      - {column_name: id, data: row_id, is_primary_key: true}
      - {column_name: tiny, data: 'random.randint(-100, 100)', type: int8}
      - {column_name: big, data: 'row_id * 1000', type: Int64}
      - {column_name: small_u, data: 'random.randint(0, 255)', type: uint8}
      - {column_name: ratio, data: 'random.random()', type: float32}
      - {column_name: label, data: 'random.choice(["a", "b"])', type: category}
      - {column_name: flag, data: 'random.random() < 0.5', type: boolean}
      - {column_name: price, data: 'round(random.uniform(1, 999), 2)', parquet_type: 'decimal128(10,2)'}
      - {column_name: at, data: 'datetime.now() - timedelta(hours=row_id)', parquet_type: 'timestamp[ms]'}
      - {column_name: day, data: 'date.today() - timedelta(days=row_id)', parquet_type: date32}
      - {column_name: wait, data: 'timedelta(minutes=row_id)'}
`;

Deno.test("DuckDB reads tablefaker's pandas and Arrow type names as declared, decimals exact", async () => {
  await withTempDir(async (dir) => {
    const config = `${dir}/config.yaml`;
    await Deno.writeTextFile(config, TABLEFAKER_TYPES);
    for (const format of ["delta", "parquet"]) {
      const r = await cli("generate", "-c", config, "-o", `${dir}/${format}`, "-f", format);
      assertEquals(r.code, 0, r.stderr);
    }
    await withDuckDb(async (db) => {
      assertEquals((await checkDeltaTable(db, `${dir}/delta/typed`)).rows, 40);
      const [file] = await partFiles(`${dir}/parquet/typed`, ".parquet");
      const source = `read_parquet(${literal(`${dir}/parquet/typed/${file}`)})`;
      const described = await rows(db, `DESCRIBE SELECT * FROM ${source}`);
      assertEquals(Object.fromEntries(described.map((d) => [d.column_name, d.column_type])), {
        id: "BIGINT",
        tiny: "TINYINT",
        big: "BIGINT",
        small_u: "SMALLINT",
        ratio: "FLOAT",
        label: "VARCHAR",
        flag: "BOOLEAN",
        price: "DECIMAL(10,2)",
        at: "TIMESTAMP WITH TIME ZONE",
        day: "DATE",
        wait: "VARCHAR",
      });
      const sample = await rows(
        db,
        `SELECT id::INTEGER AS id, price::VARCHAR AS price, day::VARCHAR AS day, wait, ` +
          `epoch_ms("at")::BIGINT::VARCHAR AS at FROM ${source} ORDER BY id LIMIT 2`,
      );
      const hoursBefore = (h: number) => String(Date.parse("2026-01-01T00:00:00Z") - h * 3_600_000);
      assertEquals(sample.map((r) => [r.id, r.day, r.wait, r.at]), [
        [1, "2025-12-31", "0:01:00", hoursBefore(1)],
        [2, "2025-12-30", "0:02:00", hoursBefore(2)],
      ]);
      for (const r of sample) assert(/^\d{1,3}\.\d\d$/.test(String(r.price)), String(r.price));
    });
  });
});
