/**
 * A PostgreSQL server for the tests that need one. `DATABASE_URL` (or libpq's `PGHOST`,
 * `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`) names one to use; otherwise a throwaway
 * cluster is made with Debian's binaries (`/usr/lib/postgresql/<version>/bin`) in a temporary
 * folder, on a free port of 127.0.0.1, and stopped and removed when the test process ends.
 * As root, the cluster runs as the `postgres` user (`initdb` refuses root).
 *
 * Tests skip (through `_external.ts`: a failure under `CI=true`) only when there is no server
 * and no binaries to start one; binaries that fail to start a server fail the tests, with the
 * server's log.
 *
 * @module
 */
// @ts-types="@types/pg"
import pg from "pg";
import {
  createPostgresSink,
  DEFAULT_PROGRESS_TABLE,
  type PostgresSinkOptions,
} from "../plugins/sinks/postgres/mod.ts";
import type { Sink, SinkTable } from "../lib/plugin/types.ts";
import { SAMPLE_SCHEMA } from "./_batches.ts";
import { externalTest, found, missing, type Need } from "./_external.ts";
import { freePort } from "./_ports.ts";

/** A server the tests can use. */
export interface TestPostgres {
  /** Connection options for `createPostgresSink` (empty: libpq's `PG*` variables). */
  connection: PostgresSinkOptions;
  /** How it was found, for messages. */
  origin: string;
  /**
   * Stopping and starting the server, for outage tests: only the throwaway cluster the
   * tests made themselves has it (a server named by `DATABASE_URL` is nobody's to stop).
   */
  control?: ClusterControl;
}

/** An outage on demand: the server stopped and started again on the same port. */
export interface ClusterControl {
  /** Stops the server (fast shutdown: sessions are ended, as in a failover or restart). */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same settings; waits until it accepts. */
  start(): Promise<void>;
}

/** The server, or why the tests skip. */
export type FoundPostgres = Need<TestPostgres>;

let cached: Promise<FoundPostgres> | undefined;

/** Finds or starts the tests' server, once per process. */
export function testPostgres(): Promise<FoundPostgres> {
  cached ??= find();
  return cached;
}

/** Registers a test that needs a PostgreSQL server (skipped, or failed under CI, without one). */
export function postgresTest(
  need: FoundPostgres,
  name: string,
  fn: (server: TestPostgres) => Promise<void>,
): void {
  externalTest({ name, need, fn });
}

async function find(): Promise<FoundPostgres> {
  const url = Deno.env.get("DATABASE_URL");
  if (url) return found({ connection: { url }, origin: "DATABASE_URL" });
  const libpq = ["PGHOST", "PGPORT", "PGDATABASE", "PGUSER"].filter((v) => Deno.env.get(v));
  if (libpq.length > 0) return found({ connection: {}, origin: libpq.join(", ") });
  const bin = await serverBinaries();
  if (!bin) {
    return missing(
      "a PostgreSQL server",
      "DATABASE_URL and PGHOST are unset and /usr/lib/postgresql/*/bin/initdb is not installed",
      "install the server (apt-get install postgresql, as .ci/run does), or set DATABASE_URL",
    );
  }
  await removeOrphans(bin);
  return found(await startCluster(bin));
}

const PREFIX = "tablestream-pg-";

/** Stops and removes clusters whose test process died before it could (killed, crashed). */
async function removeOrphans(bin: string): Promise<void> {
  const parent = Deno.env.get("TMPDIR") ?? "/tmp";
  for await (const entry of Deno.readDir(parent)) {
    if (!entry.name.startsWith(PREFIX)) continue;
    const dir = `${parent}/${entry.name}`;
    const owner = await Deno.readTextFile(`${dir}/owner`).catch(() => undefined);
    if (
      owner === undefined || await Deno.stat(`/proc/${owner.trim()}`).then(() => true, () => false)
    ) {
      continue;
    }
    stopCluster(bin, dir, await runAsArgs());
  }
}

/** How to run the server's binaries: as `postgres` (or `nobody`) when we are root. */
async function runAsArgs(): Promise<{ args: string[]; uid?: number; gid?: number }> {
  if (Deno.uid() !== 0) return { args: [] };
  const user = await run(["id", "-u", "postgres"]).then(() => "postgres", () => "nobody");
  return {
    args: ["runuser", "-u", user, "--"],
    uid: Number(await run(["id", "-u", user])),
    gid: Number(await run(["id", "-g", user])),
  };
}

/** Stops a cluster at once (its data is thrown away) and removes its folder. */
function stopCluster(bin: string, dir: string, runAs: { args: string[] }): void {
  const [command, ...args] = [
    ...runAs.args,
    `${bin}/pg_ctl`,
    "-D",
    `${dir}/data`,
    "-m",
    "immediate",
    "stop",
  ];
  new Deno.Command(command, { args, stdout: "null", stderr: "null" }).outputSync();
  Deno.removeSync(dir, { recursive: true });
}

/** The newest `/usr/lib/postgresql/<version>/bin` that has initdb and pg_ctl. */
async function serverBinaries(): Promise<string | undefined> {
  const versions: number[] = [];
  try {
    for await (const entry of Deno.readDir("/usr/lib/postgresql")) {
      if (/^\d+$/.test(entry.name)) versions.push(Number(entry.name));
    }
  } catch {
    return undefined;
  }
  for (const version of versions.sort((a, b) => b - a)) {
    const bin = `/usr/lib/postgresql/${version}/bin`;
    const has = async (name: string) =>
      await Deno.stat(`${bin}/${name}`).then(() => true, () => false);
    if (await has("initdb") && await has("pg_ctl")) return bin;
  }
  return undefined;
}

/** Runs a command; throws with its output when it fails. */
async function run(args: string[]): Promise<string> {
  const output = await new Deno.Command(args[0], {
    args: args.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`${args.join(" ")} failed (${output.code}):\n${text}`);
  return text;
}

async function startCluster(bin: string): Promise<TestPostgres> {
  const dir = await Deno.makeTempDir({ prefix: PREFIX });
  const data = `${dir}/data`;
  const log = `${dir}/server.log`;
  const runAs = await runAsArgs();
  if (runAs.uid !== undefined) await Deno.chown(dir, runAs.uid, runAs.gid!);
  await Deno.writeTextFile(`${dir}/owner`, String(Deno.pid));
  const user = "tablestream";
  const tool = (name: string, ...args: string[]) => run([...runAs.args, `${bin}/${name}`, ...args]);
  await tool("initdb", "-D", data, "-A", "trust", "-U", user, "-E", "UTF8", "--no-sync");
  // Tests may run as long as they like; the cluster goes when the process ends.
  globalThis.addEventListener("unload", () => stopCluster(bin, dir, runAs));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = freePort(); // another process may take it before the server does: retry
    const settings = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      "-c unix_socket_directories=''",
      // Throwaway data: durability is not what these tests are about (they kill clients).
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    const start = () =>
      tool("pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", settings, "start");
    try {
      await start();
      return {
        connection: { host: "127.0.0.1", port, user, database: "postgres" },
        origin: `a throwaway cluster of ${bin} on port ${port}`,
        control: {
          stop: async () => void await tool("pg_ctl", "-D", data, "-m", "fast", "-w", "stop"),
          start: async () => void await start(),
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  const serverLog = await Deno.readTextFile(log).catch(() => "");
  throw new Error(`Cannot start a PostgreSQL test server: ${lastError}\n${serverLog}`);
}

/** A plain client for the tests' own queries (values parsed by node-postgres's defaults). */
export async function testClient(server: TestPostgres): Promise<pg.Client> {
  const { url, ...rest } = server.connection;
  const client = new pg.Client(url ? { connectionString: url } : rest);
  client.on("error", () => {}); // tests that kill connections kill only the sink's
  await client.connect();
  return client;
}

/** Runs `fn` with a fresh schema name, dropped (with its tables) afterwards. */
export async function withSchema<T>(
  server: TestPostgres,
  fn: (schema: string, db: pg.Client) => Promise<T>,
): Promise<T> {
  const schema = `tablestream_test_${crypto.randomUUID().slice(0, 8)}`;
  const db = await testClient(server);
  try {
    return await fn(schema, db);
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await db.end();
  }
}

/** The rows of a query as objects (a shorthand for the tests' checks). */
export async function query<T = Record<string, unknown>>(
  db: pg.Client,
  text: string,
  values?: unknown[],
): Promise<T[]> {
  return (await db.query(text, values)).rows as T[];
}

/** The sample table of the PostgreSQL sink tests, keyed by `id`. */
export const USERS_TABLE = { name: "users", schema: SAMPLE_SCHEMA, primaryKey: "id" };

/** A sink on the test server's `schema`. */
export function sinkOn(
  server: TestPostgres,
  schema: string,
  extra: PostgresSinkOptions = {},
): Sink {
  return createPostgresSink({ ...server.connection, schema, ...extra });
}

/** `sink` opened on `tables` in `mode`. */
export async function opened(
  sink: Sink,
  tables: SinkTable[],
  mode: "error" | "append" | "overwrite",
) {
  await sink.open(tables, { mode });
  return sink;
}

export async function count(db: pg.Client, target: string): Promise<number> {
  const [{ n }] = await query<{ n: string }>(db, `SELECT count(*) AS n FROM ${target}`);
  return Number(n);
}

export async function progressOf(db: pg.Client, schema: string, table: string) {
  return await query<{ app_id: string; tick: string | null; version: string }>(
    db,
    `SELECT app_id, tick, version FROM "${schema}".${DEFAULT_PROGRESS_TABLE}
      WHERE table_name = $1 ORDER BY app_id`,
    [table],
  );
}
