/**
 * Spark on our tables: `DESCRIBE HISTORY` lists our log's versions and operations (a stream,
 * an `optimize`, an overwrite by `generate`), `DESCRIBE DETAIL` our files and partitioning,
 * and filtered queries return the right rows while skipping, by our statistics, exactly the
 * files whose statistics cannot match, NaN (above every number, for Spark) and infinities
 * included; and Structured Streaming reads a stream's rows exactly once.
 */
import { assert, assertEquals } from "../_assert.ts";
import { assertSameRows, type Described, interopTest, type Peer } from "./_peer.ts";
import { withTempDir } from "../_cli.ts";
import {
  activeFiles,
  copyDir,
  FIXTURES,
  ok,
  once,
  RUN_CONFIG,
  RUN_TICKS,
  runArgs,
  sharedTempDir,
  streamedRows,
  subset,
} from "./_ours.ts";
import type { Add, CommitInfo } from "../../lib/delta/actions.ts";
import { localFs } from "../../lib/delta/fs.ts";
import { readCommit, readSnapshot } from "../../lib/delta/log_reader.ts";

const tempDir = sharedTempDir();

/** The streaming fixture after a run: `orders` has 36 versions and many small files. */
const streamed = once(async () => {
  const output = `${await tempDir()}/streamed`;
  await ok(...runArgs(output, RUN_TICKS));
  return output;
});

/** The same `orders` after `tablestream optimize` and `generate --mode overwrite`. */
const maintained = once(async () => {
  const output = `${await tempDir()}/maintained`;
  await copyDir(await streamed(), output);
  await ok("optimize", `${output}/orders`);
  await ok(
    "generate",
    ...["--config", RUN_CONFIG, "--table", "orders", "--output", output, "--mode", "overwrite"],
    ...["--reference-time", "2026-03-02T00:00:00Z"],
  );
  return `${output}/orders`;
});

/** The commitInfo of every version of a table, from its JSON commits. */
async function commitInfos(table: string): Promise<CommitInfo[]> {
  const { version } = await readSnapshot(localFs, table);
  const infos: CommitInfo[] = [];
  for (let v = 0; v <= version; v++) {
    const actions = await readCommit(localFs, table, v);
    infos.push(actions.find((a) => a.commitInfo)!.commitInfo!);
  }
  return infos;
}

/** A map's values as text, as Spark shows `operationParameters` and `operationMetrics`. */
function asText(map: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries((map ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
}

interopTest(
  "Spark's DESCRIBE HISTORY lists our log: versions, operations, parameters, metrics",
  async (peer) => {
    const table = await maintained();
    const history = await peer.py<Record<string, unknown>[]>(
      "rows = spark().sql(f\"DESCRIBE HISTORY delta.`{args['path']}`\").collect()\n" +
        "result = [{\n" +
        "    'version': r['version'], 'operation': r['operation'],\n" +
        "    'operationParameters': r['operationParameters'], 'readVersion': r['readVersion'],\n" +
        "    'isolationLevel': r['isolationLevel'], 'isBlindAppend': r['isBlindAppend'],\n" +
        "    'operationMetrics': r['operationMetrics'], 'engineInfo': r['engineInfo'],\n" +
        "} for r in sorted(rows, key=lambda r: r['version'])]",
      { path: table },
    );
    const ours = (await commitInfos(table)).map((info, version) => ({
      version,
      operation: info.operation,
      operationParameters: asText(info.operationParameters),
      readVersion: info.readVersion ?? null,
      isolationLevel: info.isolationLevel,
      isBlindAppend: info.isBlindAppend,
      operationMetrics: asText(info.operationMetrics),
      engineInfo: info.engineInfo,
    }));
    assertEquals(history, ours);
    // The operations a stream, a compaction and an overwrite leave, in order.
    const operations = ours.map((o) => `${o.operation} ${o.operationParameters.mode ?? ""}`.trim());
    assertEquals(operations.at(0), "CREATE TABLE AS SELECT Append");
    assertEquals(operations.slice(-3), ["WRITE Append", "OPTIMIZE", "WRITE Overwrite"]);
  },
);

interopTest(
  "Spark's DESCRIBE DETAIL states our files, size, partitioning and properties",
  async (peer) => {
    for (const table of [`${await streamed()}/orders`, await maintained()]) {
      const snapshot = await readSnapshot(localFs, table);
      const detail = await peer.py<Record<string, unknown>>(
        "row = spark().sql(f\"DESCRIBE DETAIL delta.`{args['path']}`\").collect()[0]\n" +
          "result = {k: row[k] for k in ['format', 'id', 'name', 'partitionColumns', 'numFiles',\n" +
          "    'sizeInBytes', 'properties', 'minReaderVersion', 'minWriterVersion']}",
        { path: table },
      );
      assertEquals(detail, {
        format: "delta",
        id: snapshot.metadata.id,
        name: snapshot.metadata.name,
        partitionColumns: snapshot.metadata.partitionColumns,
        numFiles: snapshot.files.length,
        sizeInBytes: snapshot.files.reduce((n, f) => n + f.size, 0),
        properties: snapshot.metadata.configuration,
        minReaderVersion: snapshot.protocol.minReaderVersion,
        minWriterVersion: snapshot.protocol.minWriterVersion,
      }, table);
    }
  },
);

/** A filter as Spark SQL, the rows it keeps, and the files it cannot skip by their stats. */
interface Filter {
  sql: string;
  keeps(row: Record<string, unknown>): boolean;
  /** Whether a file's statistics (and partition values) leave it possibly matching. */
  mayMatch(file: Add, stats: FileStats): boolean;
}

interface FileStats {
  numRecords: number;
  minValues: Record<string, unknown>;
  maxValues: Record<string, unknown>;
}

const ms = (iso: string) => Date.parse(iso);
/** A bound of a file's column, or undefined when the stats state none (all nulls). */
const bound = (values: Record<string, unknown>, column: string) =>
  values[column] as number | string | undefined;

const CUTOFF = "2026-03-01T00:03:00Z";
const FILTERS: Filter[] = [
  {
    sql: "id BETWEEN 300 AND 349",
    keeps: (row) => Number(row.id) >= 300 && Number(row.id) <= 349,
    mayMatch: (_, s) => Number(s.minValues.id) <= 349 && Number(s.maxValues.id) >= 300,
  },
  {
    sql: "total > 490",
    keeps: (row) => row.total !== null && Number(row.total) > 490,
    mayMatch: (_, s) =>
      bound(s.maxValues, "total") !== undefined && Number(s.maxValues.total) > 490,
  },
  {
    sql: `placed < TIMESTAMP '${CUTOFF}'`,
    keeps: (row) => BigInt(row.placed as string) < BigInt(ms(CUTOFF)) * 1000n,
    mayMatch: (_, s) => ms(s.minValues.placed as string) < ms(CUTOFF),
  },
  {
    sql: "status = 'sent/returned' AND id > 700",
    keeps: (row) => row.status === "sent/returned" && Number(row.id) > 700,
    mayMatch: (file, s) =>
      file.partitionValues.status === "sent/returned" && Number(s.maxValues.id) > 700,
  },
];

/** The rows Spark returns for a filter, and the files its scan read (the scan's metric). */
async function sparkScan(
  peer: Peer,
  path: string,
  sql: string,
): Promise<{ rows: Described; files: number }> {
  return await peer.py(
    "frame = spark().read.format('delta').load(args['path']).where(args['sql'])\n" +
      "rows = described(frame.toArrow())\n" +
      "files = []\n" +
      "def walk(node):\n" +
      "    name = node.nodeName()\n" +
      "    if name.startswith('AdaptiveSparkPlan'):\n" +
      "        return walk(node.executedPlan())\n" +
      "    if 'QueryStage' in name:\n" +
      "        return walk(node.plan())\n" +
      "    if name.startswith('Scan'):\n" +
      "        metrics = node.metrics()\n" +
      "        files.append(metrics.apply('numFiles').value())\n" +
      "    children = node.children().iterator()\n" +
      "    while children.hasNext():\n" +
      "        walk(children.next())\n" +
      "walk(frame._jdf.queryExecution().executedPlan())\n" +
      "result = {'rows': rows, 'files': sum(files)}",
    { path, sql },
  );
}

interopTest(
  "Spark's filtered queries return the right rows and skip files by our statistics",
  async (peer) => {
    const table = `${await streamed()}/orders`;
    const files = await activeFiles(table);
    const ours = await peer.ours(table);
    for (const filter of FILTERS) {
      const { rows, files: read } = await sparkScan(peer, table, filter.sql);
      assertSameRows(rows, await subset(ours, filter.keeps), filter.sql);
      assert(rows.count > 0, `${filter.sql} matches rows`);
      const mayMatch = files.filter((f) => filter.mayMatch(f, JSON.parse(f.stats!) as FileStats));
      assert(mayMatch.length < files.length, `${filter.sql} can skip files`);
      assertEquals(read, mayMatch.length, `files Spark read for ${filter.sql}`);
    }
  },
);

/** A canonical float (Python's repr: `nan`, `inf`, `-inf`, digits) as a number. */
function float(value: unknown): number | null {
  if (value === null) return null;
  return ({ nan: NaN, inf: Infinity, "-inf": -Infinity } as Record<string, number>)[
    value as string
  ] ?? Number(value);
}

/** Spark's `>`: NaN is above every number, null matches nothing. */
function sparkAbove(value: number | null, limit: number): boolean {
  return value !== null && (Number.isNaN(value) || value > limit);
}

const FLOAT_FILTERS: Filter[] = [
  {
    sql: "x > 990",
    keeps: (row) => sparkAbove(float(row.x), 990),
    mayMatch: (_, s) => s.maxValues.x === undefined || Number(s.maxValues.x) > 990,
  },
  {
    // Spark's NaN equals NaN; no finite bounds can hold it.
    sql: "x = double('NaN')",
    keeps: (row) => Number.isNaN(float(row.x)),
    mayMatch: (_, s) => s.maxValues.x === undefined,
  },
  {
    sql: "y > 0.99",
    keeps: (row) => sparkAbove(float(row.y), 0.99),
    mayMatch: (_, s) => s.maxValues.y === undefined || Number(s.maxValues.y) > 0.99,
  },
];

interopTest(
  "Spark finds NaN and infinite values by its filters, skipping only files without them",
  async (peer) => {
    await withTempDir(async (dir) => {
      await ok("generate", "--config", `${FIXTURES}floats.yaml`, "--output", dir);
      const table = `${dir}/floats`;
      const files = await activeFiles(table);
      const ours = await peer.ours(table);
      for (const filter of FLOAT_FILTERS) {
        const { rows, files: read } = await sparkScan(peer, table, filter.sql);
        assertSameRows(rows, await subset(ours, filter.keeps), filter.sql);
        assert(rows.count > 0, `${filter.sql} matches rows`);
        const mayMatch = files.filter((f) => filter.mayMatch(f, JSON.parse(f.stats!) as FileStats));
        assert(mayMatch.length < files.length, `${filter.sql} can skip files`);
        assertEquals(read, mayMatch.length, `files Spark read for ${filter.sql}`);
      }
    });
  },
);

/**
 * Runs a Spark Structured Streaming query from a Delta table into Parquet until it has
 * caught up (`availableNow`), resuming from `checkpoint`; every row it has written so far.
 */
function sparkStream(
  peer: Peer,
  table: string,
  into: string,
  checkpoint: string,
): Promise<Described> {
  return peer.py<Described>(
    "query = (spark().readStream.format('delta').load(args['table']).writeStream\n" +
      "         .format('parquet').option('checkpointLocation', args['checkpoint'])\n" +
      "         .trigger(availableNow=True).start(args['into']))\n" +
      "query.awaitTermination()\n" +
      "result = described(spark().read.parquet(args['into']).toArrow())",
    { table, into, checkpoint },
  );
}

interopTest(
  "Spark Structured Streaming reads a run table exactly once across optimize and a resumed run",
  async (peer) => {
    const dir = await tempDir();
    const output = `${dir}/consumed`;
    const orders = `${output}/orders`;
    const stream = (into: string) => sparkStream(peer, orders, into, `${dir}/stream-checkpoint`);
    await ok(...runArgs(output, 40));
    const first = await stream(`${dir}/stream-out`);
    assertSameRows(
      first,
      await peer.describe((await streamedRows(40)).rows("orders")),
      "ticks 0-40",
    );
    // A compaction changes no data (dataChange: false): the stream must not read its files again.
    await ok("optimize", orders);
    await ok(...runArgs(output, RUN_TICKS));
    const all = await stream(`${dir}/stream-out`);
    assertSameRows(all, await peer.describe((await streamedRows(RUN_TICKS)).rows("orders")), "all");
  },
);
