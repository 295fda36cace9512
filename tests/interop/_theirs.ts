/**
 * What the interop cases on tables other engines wrote share: running the CLI, checking that
 * our reader and every engine read a table alike, that a child's foreign keys and copied
 * columns match its parent as an engine reads both, and what the engines say about a table
 * (protocol, properties, history) after our commits.
 *
 * @module
 */
import { assert, assertEquals } from "../_assert.ts";
import { cli } from "../_cli.ts";
import { assertSameRows, type Described, ENGINES, type Peer } from "./_peer.ts";

/** The start time every case runs from, so that ticks are the same from run to run. */
export const START = "2026-03-01T00:00:00Z";

/** Runs the CLI and fails with its output when it does not exit 0; its stdout. */
export async function ok(...args: string[]): Promise<string> {
  const result = await cli(...args);
  if (result.code !== 0) {
    throw new Error(
      `tablestream ${args.join(" ")} exited ${result.code}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout + result.stderr;
}

/** Runs the CLI expecting it to fail; its stderr and stdout. */
export async function fails(...args: string[]): Promise<string> {
  const result = await cli(...args);
  if (result.code === 0) {
    throw new Error(`tablestream ${args.join(" ")} succeeded:\n${result.stdout}`);
  }
  return result.stderr + result.stdout;
}

/**
 * Python that reads a Delta table with delta-rs as an Arrow table: its pyarrow reader, or
 * for tables with reader features (deletion vectors, column mapping) its DataFusion reader.
 * delta-rs 1.6.6's pyarrow reader refuses deletion vectors and, worse, reads a table with
 * column mapping as all nulls; its DataFusion reader reads both right.
 */
const DELTA_RS_READ = `
from deltalake import QueryBuilder
def delta_rs(path):
    table = DeltaTable(path)
    if table.protocol().min_reader_version == 1:
        return table.to_pyarrow_table()
    return pa.table(QueryBuilder().register('t', table).execute('select * from t').read_all())
`;

/** A table as delta-rs reads it (see {@link DELTA_RS_READ}). */
function readDeltaRs(peer: Peer, path: string): Promise<Described> {
  return peer.py<Described>(`${DELTA_RS_READ}\nresult = described(delta_rs(args['path']))`, {
    path,
  });
}

/**
 * Asserts that our reader and every engine read the same rows of `path` (digests of the
 * canonical rows); returns our read.
 */
export async function assertEnginesAgree(
  peer: Peer,
  path: string,
  what: string,
  options: { refusedBy?: Record<string, string> } = {},
): Promise<Described> {
  const ours = await peer.ours(path);
  for (const engine of ENGINES) {
    const refusal = options.refusedBy?.[engine];
    if (refusal) {
      // An engine that does not read the table must say so, not read something else.
      const error = await peer.read(engine, path).then(() => "", (e) => String(e));
      assert(error.includes(refusal), `${what}: ${engine} refuses it (${error.slice(-300)})`);
      continue;
    }
    const theirs = engine === "delta-rs"
      ? await readDeltaRs(peer, path)
      : await peer.read(engine, path);
    assertSameRows(theirs, ours, `${what}: ${engine} vs our reader`);
  }
  return ours;
}

/** The row count `tablestream inspect --json` reports. */
export async function inspectedRows(path: string): Promise<number> {
  return JSON.parse(await ok("inspect", path, "--json")).rows;
}

/**
 * Checks a child table against its parent as delta-rs reads both: every foreign key is a
 * parent key, and each copied column equals the parent's column in that row. Returns how
 * many child rows there are and how many distinct parents they reference.
 */
export async function checkChild(
  peer: Peer,
  options: {
    child: string;
    parent: string;
    key: string;
    parentKey: string;
    /** child column -> parent column it copies */
    copies: Record<string, string>;
  },
): Promise<{ rows: number; parents: number }> {
  const result = await peer.py<{ rows: number; parents: number; bad: unknown[] }>(
    DELTA_RS_READ + `
import datetime, decimal
def same(mine, theirs):
    # A copied decimal is a float64 column unless the config declares it (decimals read
    # back as floats): the same value, printed.
    if isinstance(theirs, decimal.Decimal) and isinstance(mine, float):
        return decimal.Decimal(repr(mine)) == theirs
    # The engine's datetimes are milliseconds: a copied timestamp keeps its milliseconds.
    if isinstance(theirs, datetime.datetime) and isinstance(mine, datetime.datetime):
        return mine == theirs.replace(microsecond=theirs.microsecond // 1000 * 1000)
    return mine == theirs
child = delta_rs(args['child']).to_pylist()
parent = {r[args['parentKey']]: r for r in delta_rs(args['parent']).to_pylist()}
bad = []
for row in child:
    p = parent.get(row[args['key']])
    if p is None:
        bad.append({'missing parent': row})
        continue
    for mine, theirs in args['copies'].items():
        if not same(row[mine], p[theirs]):
            bad.append({'column': mine, 'child': row[mine], 'parent': p[theirs]})
result = {'rows': len(child), 'parents': len({r[args['key']] for r in child}), 'bad': bad[:5]}
`,
    options,
  );
  assertEquals(result.bad, [], `${options.child}: foreign keys and copies match ${options.parent}`);
  return { rows: result.rows, parents: result.parents };
}

/** What the engines say about a table: version, protocol, properties, history. */
export interface TableFacts {
  version: number;
  protocol: Record<string, unknown>;
  configuration: Record<string, string>;
  /** delta-rs's history, oldest first: version, operation, engineInfo, txn app ids. */
  history: { version: number; operation: string; engineInfo: string | null }[];
  /** Spark's DESCRIBE HISTORY versions, ascending. */
  sparkVersions: number[];
  /** Spark's row count. */
  sparkCount: number;
}

/** {@link TableFacts} of `path`, from delta-rs and Spark. */
export async function tableFacts(peer: Peer, path: string): Promise<TableFacts> {
  return await peer.py<TableFacts>(
    `
dt = DeltaTable(args['path'])
p = dt.protocol()
history = sorted(dt.history(), key=lambda h: h['version'])
s = spark()
result = {
    'version': dt.version(),
    'protocol': {'minReaderVersion': p.min_reader_version, 'minWriterVersion': p.min_writer_version,
                 'readerFeatures': p.reader_features, 'writerFeatures': p.writer_features},
    'configuration': dt.metadata().configuration,
    'history': [{'version': h['version'], 'operation': h.get('operation'),
                 'engineInfo': h.get('engineInfo')} for h in history],
    'sparkVersions': sorted(r['version'] for r in
        s.sql(f"DESCRIBE HISTORY delta.\`{args['path']}\`").select('version').collect()),
    'sparkCount': s.read.format('delta').load(args['path']).count(),
}
`,
    { path },
  );
}

/**
 * Asserts what our commits must leave intact: the engines see every version, ours among
 * them (by engineInfo), the protocol unchanged, the properties the table had still set.
 */
export function assertIntact(
  before: TableFacts,
  after: TableFacts,
  what: string,
): void {
  assertEquals(after.protocol, before.protocol, `${what}: protocol unchanged`);
  for (const [key, value] of Object.entries(before.configuration)) {
    assertEquals(after.configuration[key], value, `${what}: property ${key} kept`);
  }
  assert(after.version > before.version, `${what}: new versions (${after.version})`);
  assertEquals(
    after.history.map((h) => h.version),
    Array.from({ length: after.version + 1 }, (_, i) => i),
    `${what}: delta-rs sees every version`,
  );
  assertEquals(after.sparkVersions, after.history.map((h) => h.version), `${what}: Spark too`);
  const ours = after.history.filter((h) => h.version > before.version);
  assert(
    ours.every((h) => h.engineInfo?.startsWith("tablestream/")),
    `${what}: the new commits are ours: ${JSON.stringify(ours)}`,
  );
}

/**
 * Asserts that `generate --mode append` of `table` (a folder of `dir`) is refused with a
 * message matching `reason`, and that the table's version is unchanged: nothing written.
 * Returns the message.
 */
export async function assertAppendRefused(
  peer: Peer,
  options: { config: string; dir: string; table: string; reason: RegExp },
): Promise<string> {
  const { config, dir, table, reason } = options;
  const path = `${dir}/${table}`;
  const before = await tableFacts(peer, path);
  const message = await fails(
    ...["generate", "-c", config, "-o", dir, "--table", table, "--mode", "append"],
  );
  assert(reason.test(message), `${table}: the refusal says why (${reason}):\n${message}`);
  assertEquals((await tableFacts(peer, path)).version, before.version, `${table} unchanged`);
  return message;
}
