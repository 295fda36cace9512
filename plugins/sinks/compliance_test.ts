/**
 * The sink contract, one suite for every sink (as vector's sinks share one): open, write
 * batches of every column type, commit, a crash between write and commit, a schema that does
 * not match, close twice, errors that name the table and the sink. A new sink gets the suite
 * by adding one entry to {@link SINKS}.
 *
 * What differs between sinks is declared, not special-cased in the checks: whether the sink
 * resumes exactly once (it records commit points and reads them back) or only publishes whole
 * outputs (plain files: nothing is visible until `close`), and whether it appends.
 */
import * as arrow from "apache-arrow";
import * as pq from "parquet-wasm";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../../tests/_assert.ts";
import { SAMPLE_SCHEMA, sampleBatch } from "../../tests/_batches.ts";
import { withTempDir } from "../../tests/_cli.ts";
import { externalTest, found, type Need } from "../../tests/_external.ts";
import { type TestPostgres, testPostgres, withSchema } from "../../tests/_postgres.ts";
import { type TestKafka, testKafka } from "../../tests/_kafka.ts";
import { parseCsv, partFiles, readSqlFiles } from "../../tests/_read.ts";
import type { Sink } from "../../lib/plugin/types.ts";
import { createCsvSink } from "./csv.ts";
import { createDeltaSink } from "./delta.ts";
import { createJsonlSink } from "./jsonl.ts";
import { createJsonSink } from "./json.ts";
import { createMemorySink, MemoryStore } from "./memory.ts";
import { createParquetSink } from "./parquet.ts";
import { createPostgresSink } from "./postgres/mod.ts";
import { createKafkaSink } from "./kafka/mod.ts";
import { createSqlSink } from "./sql.ts";
import { createStdoutSink } from "./stdout.ts";

/** Where a sink under test writes: a fresh folder, store or schema per test. */
interface Destination {
  dir: string;
  store: MemoryStore;
  /** The stdout sink's bytes. */
  printed: Uint8Array[];
  postgres?: { server: TestPostgres; schema: string };
  /** A broker and a prefix of this test's topics. */
  kafka?: { server: TestKafka; prefix: string };
}

/** A sink the suite runs on, and what it promises. */
interface SinkUnderTest {
  name: string;
  /** A fresh sink on the destination (every call on the same destination sees the same data). */
  make(dest: Destination): Sink;
  /**
   * The ids of a table's rows as the destination holds them, in any order; undefined when the
   * table is not there (not created, or not published).
   */
  ids(dest: Destination, table: string): Promise<number[] | undefined>;
  /** Records commit points and reads them back: a crash loses only what was not flushed. */
  resumable: boolean;
  /** Takes `mode: "append"` on an existing table. */
  appends: boolean;
  /**
   * A stream (stdout): rows go out as they are written and stay out; it keeps nothing to
   * compare with or roll back (at-least-once is all it promises).
   */
  stream?: boolean;
  /** What it needs from outside (a server), if anything. */
  need?: () => Promise<Need<unknown>>;
}

const decoder = new TextDecoder();

/** The ids of a table's files of a text format, from the part files of its folder. */
async function textIds(
  dir: string,
  extension: string,
  parse: (text: string) => number[],
): Promise<number[] | undefined> {
  const names = await partFiles(dir, extension).catch(() => undefined);
  if (!names || names.length === 0) return undefined;
  const ids: number[] = [];
  for (const name of names) ids.push(...parse(await Deno.readTextFile(`${dir}/${name}`)));
  return ids;
}

/** The ids a resumable sink reads back itself. */
async function readBackIds(sink: Sink, table: string): Promise<number[] | undefined> {
  if (!(await sink.inspect!(table))) return undefined;
  const rows = await sink.read!(table, ["id"]);
  return [...rows.getChild("id")!].map(Number);
}

const SINKS: SinkUnderTest[] = [
  {
    name: "delta",
    make: (d) => createDeltaSink({ dir: d.dir }),
    ids: (d, t) => readBackIds(createDeltaSink({ dir: d.dir }), t),
    resumable: true,
    appends: true,
  },
  {
    name: "memory",
    make: (d) => createMemorySink({ store: d.store }),
    ids: (d, t) => readBackIds(createMemorySink({ store: d.store }), t),
    resumable: true,
    appends: true,
  },
  {
    name: "postgres",
    make: (d) => postgresSink(d),
    ids: (d, t) => readBackIds(postgresSink(d), t),
    resumable: true,
    appends: true,
    need: testPostgres,
  },
  {
    name: "kafka",
    make: (d) => kafkaSink(d),
    ids: (d, t) => readBackIds(kafkaSink(d), t),
    resumable: true,
    appends: true,
    need: testKafka,
  },
  {
    name: "parquet",
    make: (d) => createParquetSink({ dir: d.dir }),
    async ids(d, t) {
      const names = await partFiles(`${d.dir}/${t}`, ".parquet").catch(() => []);
      if (names.length === 0) return undefined;
      const ids: number[] = [];
      for (const name of names) {
        const bytes = await Deno.readFile(`${d.dir}/${t}/${name}`);
        const table = arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream());
        ids.push(...[...table.getChild("id")!].map(Number));
      }
      return ids;
    },
    resumable: false,
    appends: false,
  },
  {
    name: "csv",
    make: (d) => createCsvSink({ dir: d.dir }),
    ids: (d, t) =>
      textIds(`${d.dir}/${t}`, ".csv", (text) => parseCsv(text).slice(1).map((r) => Number(r[0]))),
    resumable: false,
    appends: false,
  },
  {
    name: "jsonl",
    make: (d) => createJsonlSink({ dir: d.dir }),
    ids: (d, t) =>
      textIds(
        `${d.dir}/${t}`,
        ".jsonl",
        (text) => text.split("\n").filter(Boolean).map((l) => Number(JSON.parse(l).id)),
      ),
    resumable: false,
    appends: false,
  },
  {
    name: "json",
    make: (d) => createJsonSink({ dir: d.dir }),
    ids: (d, t) =>
      textIds(
        `${d.dir}/${t}`,
        ".json",
        (text) => (JSON.parse(text) as { id: number }[]).map((r) => Number(r.id)),
      ),
    resumable: false,
    appends: false,
  },
  {
    name: "sql",
    make: (d) => createSqlSink({ dir: d.dir }),
    async ids(d, t) {
      const names = await partFiles(`${d.dir}/${t}`, ".sql").catch(() => []);
      if (names.length === 0) return undefined;
      const rows = await readSqlFiles(names.map((n) => `${d.dir}/${t}/${n}`), t, SAMPLE_SCHEMA);
      return rows.map((r) => Number(r.id));
    },
    resumable: false,
    appends: false,
  },
  {
    name: "stdout",
    make: (d) =>
      createStdoutSink({
        format: "jsonl",
        writer: { write: (p) => (d.printed.push(p.slice()), Promise.resolve(p.length)) },
      }),
    ids: (d) => {
      const text = d.printed.map((p) => decoder.decode(p)).join("");
      const lines = text.split("\n").filter(Boolean);
      return Promise.resolve(lines.length ? lines.map((l) => Number(JSON.parse(l).id)) : undefined);
    },
    resumable: false,
    appends: true,
    stream: true,
  },
];

function postgresSink(d: Destination): Sink {
  const { server, schema } = d.postgres!;
  return createPostgresSink({ ...server.connection, schema });
}

function kafkaSink(d: Destination): Sink {
  const { server, prefix } = d.kafka!;
  return createKafkaSink({
    brokers: server.brokers,
    topic: (table) => `${prefix}${table}`,
    progressTopic: `${prefix}progress`,
  });
}

const TABLE = "items";
const TABLES = [{ name: TABLE, schema: SAMPLE_SCHEMA, appId: "suite", primaryKey: "id" }];

/** Runs `fn` on a fresh destination of the sink. */
async function withDestination(
  sink: string,
  server: unknown,
  fn: (dest: Destination) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const dest: Destination = { dir, store: new MemoryStore(), printed: [] };
    if (sink === "kafka") {
      dest.kafka = { server: server as TestKafka, prefix: `t${crypto.randomUUID().slice(0, 8)}.` };
      await fn(dest);
    } else if (server) {
      await withSchema(server as TestPostgres, async (schema) => {
        dest.postgres = { server: server as TestPostgres, schema };
        await fn(dest);
      });
    } else {
      await fn(dest);
    }
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const sorted = (ids: number[] | undefined) => ids && [...ids].sort((a, b) => a - b);

for (const s of SINKS) {
  const need = s.need ? await s.need() : found(undefined);
  const test = (name: string, fn: (dest: Destination) => Promise<void>) =>
    externalTest({
      name: `sink ${s.name}: ${name}`,
      need,
      fn: (server) => withDestination(s.name, server, fn),
      ...(s.name === "kafka" ? { sanitizeResources: false, sanitizeOps: false } : {}),
    });

  test("batches of every column type are committed whole, every row once", async (d) => {
    const sink = s.make(d);
    await sink.open(TABLES, { mode: "error" });
    await sink.write(TABLE, sampleBatch(7));
    await sink.write(TABLE, sampleBatch(5, 7));
    await sink.flush(s.resumable ? { tick: 0 } : undefined);
    await sink.close();
    assertEquals(sorted(await s.ids(d, TABLE)), range(0, 12));
  });

  test("a crash between write and commit leaves only what was committed", async (d) => {
    const first = s.make(d);
    await first.open(TABLES, { mode: "error" });
    await first.write(TABLE, sampleBatch(4));
    if (s.resumable) {
      await first.flush({ tick: 0 });
      await first.write(TABLE, sampleBatch(3, 4));
      // The process dies here: no flush, no close, no abort.
      assertEquals(sorted(await s.ids(d, TABLE)), range(0, 4), "exactly what was flushed");
      const stored = await s.make(d).inspect!(TABLE);
      assertEquals(stored?.commits.get("suite"), 0, "the commit point read back");
    } else if (s.stream) {
      // A stream has no commit to wait for: printed rows stay printed.
      await first.flush();
      assertEquals(sorted(await s.ids(d, TABLE)), range(0, 4));
    } else {
      await first.flush();
      // Plain files are published whole at close: a crash before it shows nothing.
      assertEquals(await s.ids(d, TABLE), undefined, "nothing published before close");
    }
  });

  test("abort after a failure keeps what was committed and drops the rest", async (d) => {
    const sink = s.make(d);
    await sink.open(TABLES, { mode: "error" });
    await sink.write(TABLE, sampleBatch(4));
    await sink.flush(s.resumable ? { tick: 0 } : undefined);
    await sink.write(TABLE, sampleBatch(3, 4));
    await sink.abort?.();
    const ids = sorted(await s.ids(d, TABLE));
    if (s.resumable) assertEquals(ids, range(0, 4));
    else if (s.stream) assert(range(0, 4).every((id) => ids?.includes(id)), "printed stays");
    else assertEquals(ids, undefined, "an aborted file output is not published");
  });

  test("a table whose schema differs is refused, naming the table", async (d) => {
    const sink = s.make(d);
    await sink.open(TABLES, { mode: "error" });
    await sink.write(TABLE, sampleBatch(2));
    await sink.flush(s.resumable ? { tick: 0 } : undefined);
    await sink.close();
    if (s.stream) return; // a stream keeps nothing to compare with
    const other = new arrow.Schema([
      new arrow.Field("id", new arrow.Int64(), true),
      new arrow.Field("extra", new arrow.Utf8(), true),
    ]);
    const again = s.make(d);
    const error = await assertRejects(() =>
      again.open([{ ...TABLES[0], schema: other }], { mode: s.appends ? "append" : "error" })
    );
    assertStringIncludes((error as Error).message, TABLE);
    await again.close().catch(() => {});
    assertEquals(sorted(await s.ids(d, TABLE)), range(0, 2), "what was there is intact");
  });

  test("close is idempotent, and abort after close does nothing", async (d) => {
    const sink = s.make(d);
    await sink.open(TABLES, { mode: "error" });
    await sink.write(TABLE, sampleBatch(3));
    await sink.flush(s.resumable ? { tick: 0 } : undefined);
    await sink.close();
    await sink.close();
    await sink.abort?.();
    assertEquals(sorted(await s.ids(d, TABLE)), range(0, 3));
  });

  test("a batch that does not fit names the table; a closed sink names the sink", async (d) => {
    const sink = s.make(d);
    await sink.open(TABLES, { mode: "error" });
    const unknown = await assertRejects(() => sink.write("nowhere", sampleBatch(1)));
    assertStringIncludes((unknown as Error).message, `"nowhere"`);
    const wrong = new arrow.RecordBatch({
      id: arrow.makeData({ type: new arrow.Int64(), data: new BigInt64Array([1n]) }),
    });
    const mismatch = await assertRejects(() => sink.write(TABLE, wrong));
    assertStringIncludes((mismatch as Error).message, `"${TABLE}"`);
    await sink.abort?.();
    const closed = s.make(d);
    await closed.open(TABLES, { mode: "error" }).catch(() => {});
    await closed.close().catch(() => {});
    const late = await assertRejects(() => closed.write(TABLE, sampleBatch(1)));
    assert(
      (late as Error).message.includes(s.name),
      `"${(late as Error).message}" names the ${s.name} sink`,
    );
  });
}
