/**
 * `run` streaming the bundled example into PostgreSQL, live with 1 s ticks, while the
 * database goes away for 90 s, twice (a failover or a restart takes 30 to 120 s): the server
 * never exits, `/ready` goes false while it waits and true once the database is back, and
 * the tables end equal to an uninterrupted run's. Then the database goes away a third time
 * and the server is stopped with SIGTERM while it waits: it exits 0, and the next start
 * resumes exactly.
 *
 * It takes about six minutes (the outages are real time), so it lives in the service suite,
 * not the main one; `lib/schedule/sink_wait_test.ts` proves the same logic on a manual clock.
 * It needs a PostgreSQL server it may stop: the throwaway cluster the tests start.
 */
// @ts-types="@types/pg"
import type pg from "pg";
import { assert, assertEquals, assertStringIncludes } from "../_assert.ts";
import { withTempDir, writeConfig } from "../_cli.ts";
import { externalTest, missing, type Need } from "../_external.ts";
import { query, testClient, type TestPostgres, testPostgres } from "../_postgres.ts";
import { waitFor, within } from "../_wait.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const EXAMPLE = new URL("../../examples/streaming_config.yaml", import.meta.url).pathname;
/** The bundled example's tables and their keys. */
const TABLES: Record<string, string> = { person: "id", customers: "id", orders: "order_id" };
/** The database is away this long, each time. */
const OUTAGE_MS = 90_000;
/** The live run's logical length: long enough to hold both outages and the stop. */
const RUN_MS = 330_000;

/** The server, when the test may stop and start it. */
async function stoppableServer(): Promise<Need<TestPostgres>> {
  const server = await testPostgres();
  if (!server.found || server.value.control) return server;
  return missing(
    "a PostgreSQL server the test may stop and start",
    `the tests use ${server.value.origin}, which is not theirs to stop`,
    "unset DATABASE_URL and the PG* variables, so the tests start a throwaway cluster",
  );
}

/** The bundled example, written into `schema` of the server. */
async function exampleConfig(dir: string, server: TestPostgres, schema: string) {
  const options = JSON.stringify({ ...server.connection, schema });
  const text = await Deno.readTextFile(EXAMPLE);
  return await writeConfig(
    dir,
    `${text}\nsinks:\n  default:\n    type: postgres\n    options: ${options}\n`,
    `${schema}.yaml`,
  );
}

/**
 * A `run` process, its log (JSON lines) appended to `log` as it comes; `address()` is where
 * its endpoints answer.
 */
function startRun(config: string, log: string, args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "run", "--config", config, "--log-format", "json", ...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { TZ: "UTC" },
  }).spawn();
  let text = "";
  const logged = (async () => {
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += value;
      await Deno.writeTextFile(log, value, { append: true });
    }
  })();
  let exit: Deno.CommandStatus | undefined;
  const status = child.status.then(async (s) => {
    await logged.catch(() => {});
    return exit = s;
  });
  const address = () =>
    text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l))
      .findLast((l) => l.http)?.http as string | undefined;
  return {
    child,
    status,
    ended: () => exit,
    async address(): Promise<string> {
      try {
        return (await waitFor("run to log its HTTP address", address, (http) => !!http, {
          deadlineMs: 60_000,
        }))!;
      } catch (error) {
        const state = exit === undefined ? "running" : `exited with ${exit.code}`;
        throw new Error(`${(error as Error).message} (${state}); its log:\n${text}`);
      }
    },
  };
}

/** `/ready` (status and body) and `/status` of a run. */
async function probe(base: string) {
  const ready = await fetch(`${base}/ready`);
  const health = await fetch(`${base}/health`);
  const status = await (await fetch(`${base}/status`)).json();
  return {
    ready: ready.status,
    readyBody: await ready.json(),
    health: health.status,
    healthBody: await health.json(),
    status,
  };
}

function tickOf(status: { tables: { table: string; tick: number }[] }, table: string): number {
  return status.tables.find((t) => t.table === table)?.tick ?? -1;
}

async function scalar(db: pg.Client, sql: string): Promise<string> {
  const [row] = await query<{ value: string }>(db, sql);
  return String(row.value);
}

/** Same rows in every table (both ways, with repeats), no duplicate keys, same last ticks. */
async function assertSameTables(db: pg.Client, a: string, b: string): Promise<void> {
  for (const [table, key] of Object.entries(TABLES)) {
    const [left, right] = [`"${a}"."${table}"`, `"${b}"."${table}"`];
    const count = (t: string) => scalar(db, `SELECT count(*) AS value FROM ${t}`);
    assertEquals(await count(left), await count(right), `${table}: rows`);
    for (const [x, y] of [[left, right], [right, left]]) {
      assertEquals(
        await scalar(
          db,
          `SELECT count(*) AS value FROM (SELECT * FROM ${x} EXCEPT ALL SELECT * FROM ${y}) d`,
        ),
        "0",
        `${table}: rows of ${x} not in ${y}`,
      );
    }
    assertEquals(
      await scalar(db, `SELECT count(*) - count(DISTINCT "${key}") AS value FROM ${left}`),
      "0",
      `${table}: duplicate keys`,
    );
  }
  const ticks = (schema: string) =>
    query(db, `SELECT table_name, tick FROM "${schema}".tablestream_progress ORDER BY 1`);
  assertEquals(await ticks(a), await ticks(b), "last committed ticks");
}

/**
 * The live run with its outages and its stop while waiting, into `live`, then the resumed
 * run to the end; `whole` gets the uninterrupted run to compare with.
 */
async function outages(server: TestPostgres, dir: string, live: string, whole: string) {
  const control = server.control!;
  const config = await exampleConfig(dir, server, live);
  const log = `${dir}/run.log`;
  const start = new Date(Math.floor(Date.now() / 1000) * 1000);
  const until = new Date(start.getTime() + RUN_MS);
  const args = [
    "--tick-interval",
    "1s",
    "--commit-interval",
    "1s",
    "--start-time",
    start.toISOString(),
    "--until",
    until.toISOString(),
    "--http",
    "127.0.0.1:0",
    "--status-interval",
    "10s",
  ];
  const first = startRun(config, log, args);
  try {
    const base = `http://${await first.address()}`;
    await waitFor(
      "orders to stream (tick 10)",
      () => probe(base),
      (p) => tickOf(p.status, "orders") >= 10 && p.ready === 200,
      { deadlineMs: 120_000 },
    );
    for (const outage of [1, 2]) {
      await control.stop();
      const stopped = performance.now();
      const waiting = await waitFor(
        `outage ${outage}: /ready to say the tables wait for the database`,
        () => probe(base),
        (p) => p.ready === 503 && p.readyBody.waiting?.length > 0,
        { deadlineMs: 60_000 },
      );
      assertEquals(waiting.health, 200, "alive while it waits");
      // The database stays away for the whole outage; the server stays up meanwhile.
      const left = OUTAGE_MS - (performance.now() - stopped);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      assertEquals(first.ended(), undefined, `outage ${outage}: run is still up`);
      const during = await probe(base);
      assertEquals([during.ready, during.health], [503, 200]);
      const sinkWaits = during.status.tables.filter((t: { stage: string; activity: string }) =>
        t.stage === "waiting-for-sink" && t.activity.startsWith("waiting for sink since")
      );
      assert(sinkWaits.length > 0, JSON.stringify(during.status));
      const metrics = await (await fetch(`${base}/metrics`)).text();
      const waited = /tablestream_sink_wait_seconds\{table="\w+",sink="postgres"\} [1-9]/;
      assert(waited.test(metrics), metrics);
      await control.start();
      // Back within a back-off (at most 30 s) and a catch-up.
      await waitFor(
        `outage ${outage}: /ready once the database is back`,
        () => probe(base),
        (p) => p.ready === 200,
        { deadlineMs: 120_000 },
      );
      assertEquals(first.ended(), undefined);
    }

    // A third outage, and the server stopped while it waits: it exits 0, promptly.
    await control.stop();
    await waitFor(
      "/ready to say the tables wait for the database, before the SIGTERM",
      () => probe(base),
      (p) => p.ready === 503 && p.readyBody.waiting?.length > 0,
      { deadlineMs: 60_000 },
    );
    first.child.kill("SIGTERM");
    const stopped = await within("run to exit after SIGTERM while waiting", first.status, 30_000);
    assertEquals(stopped.code, 0);
  } finally {
    if (!first.ended()) first.child.kill("SIGKILL");
    await first.status;
    await control.start().catch(() => {}); // running already, unless a step failed
  }

  // The next start resumes exactly and runs to the end.
  const second = startRun(config, log, args);
  try {
    const ended = await within("the resumed run to reach --until", second.status, RUN_MS);
    assertEquals(ended.code, 0, await Deno.readTextFile(log));
  } finally {
    if (!second.ended()) second.child.kill("SIGKILL");
    await second.status;
  }
  const text = await Deno.readTextFile(log);
  assertStringIncludes(text, "is waiting for its sink");
  assertStringIncludes(text, "its sink is back after");
  assertEquals(text.includes("stopped: "), false, "no table stopped");

  // The uninterrupted run to the same logical time, for the comparison.
  const reference = await exampleConfig(dir, server, whole);
  const ff = startRun(reference, `${dir}/whole.log`, [
    "--tick-interval",
    "1s",
    "--start-time",
    start.toISOString(),
    "--until",
    until.toISOString(),
    "--fast-forward",
  ]);
  assertEquals((await within("the uninterrupted run", ff.status, 300_000)).code, 0);
}

externalTest({
  name: "postgres outages of 90 s, twice, and a SIGTERM while waiting: run stays up, rows exact",
  need: await stoppableServer(),
  async fn(server) {
    // Schemas of its own; the test's client connects after the outages (a stop ends it).
    const live = `tablestream_outage_${crypto.randomUUID().slice(0, 8)}`;
    const whole = `${live}_whole`;
    try {
      await withTempDir((dir) => outages(server, dir, live, whole));
      const db = await testClient(server);
      try {
        await assertSameTables(db, live, whole);
      } finally {
        await db.end();
      }
    } finally {
      const db = await testClient(server);
      for (const schema of [live, whole]) {
        await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
      await db.end();
    }
  },
});
