/**
 * A table whose sink fails waits for it, on a manual clock: an outage that heals is waited
 * out for as long as it lasts (its children wait, the other tables go on, it generates no
 * further ticks meanwhile, then catches up), `/ready` says so; an error that cannot heal
 * stops the table at once; the longest retry time bounds the wait; a stop while waiting is
 * prompt and the next start resumes exactly.
 */
import { shopYaml } from "../../tests/_shop.ts";
import { assert, assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import { waitFor, within } from "../../tests/_wait.ts";
import { createMemorySink } from "../../plugins/sinks/memory.ts";
import type { Sink } from "../plugin/types.ts";
import { SinkError } from "../plugin/sink_errors.ts";
import { createLogger } from "../output/log.ts";
import { config, MemoryStore, plainRows, runLive, settle, START } from "../../tests/_server.ts";
import { ManualClock } from "./clock.ts";
import { monitoringResponse } from "./http.ts";
import { StreamingServer, type StreamingServerOptions } from "./server.ts";
import { prometheusText, type TableStatus } from "./status.ts";

const SHOP = config(shopYaml({
  seed: 11,
  customers: { rows: 3, perMinute: 6, attribute: "email" },
  orders: { rows: 10, perMinute: 120, zipf: 0.5, copy: "email" },
  lookup: "countries",
}));
const TABLES = ["customers", "orders", "countries", "prices"];
const TICK = 10_000;

/**
 * A sink outage: while `down`, flushes (of ticks from `fromTick` on) fail with `error()`;
 * `tried` holds the ticks they tried.
 */
interface Outage {
  down: boolean;
  fromTick?: number;
  error: () => Error;
  tried: number[];
}

function refused(): Error {
  return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
}

/** `sink`, failing its flushes while the outage lasts. */
function flaky(sink: Sink, outage: Outage): Sink {
  return {
    ...sink,
    flush(point) {
      if (!outage.down || (point?.tick ?? 0) < (outage.fromTick ?? 0)) return sink.flush(point);
      outage.tried.push(point?.tick ?? -1);
      return Promise.reject(outage.error());
    },
  };
}

/** A server over `store` whose `customers` sink suffers `outage`. */
function serverWithOutage(
  store: MemoryStore,
  outage: Outage,
  options: Partial<StreamingServerOptions>,
): StreamingServer {
  return new StreamingServer({
    config: SHOP,
    startTime: new Date(START),
    sink: (table) => {
      const sink = createMemorySink({ store });
      return table === "customers" ? flaky(sink, outage) : sink;
    },
    sleep: () => Promise.resolve(),
    // The longest back-off every time, so the retries fall at known moments.
    retry: { random: () => 1 },
    ...options,
  });
}

/** A live server on `clock`: back-off waits on the same clock, so the test moves them. */
function liveWithOutage(
  store: MemoryStore,
  outage: Outage,
  clock: ManualClock,
  lines: string[] = [],
): StreamingServer {
  return serverWithOutage(store, outage, {
    clock,
    sleep: (ms, signal) => clock.sleepUntil(clock.now() + ms, signal),
    log: createLogger((line) => lines.push(line), { now: () => clock.now() }),
  });
}

function tableOf(server: StreamingServer, table: string): TableStatus {
  return server.status().tables.find((t) => t.table === table)!;
}

/**
 * Moves the clock to tick `k` and waits until the loops are parked again: every looping
 * table on the clock, or (while customers waits for its sink) its back-off and prices on the
 * clock with orders waiting for customers.
 */
async function stepTo(server: StreamingServer, clock: ManualClock, k: number): Promise<void> {
  clock.set(START + k * TICK);
  await settle(clock, () => {
    if (tableOf(server, "customers").stage !== "waiting-for-sink") return clock.sleeping >= 3;
    return clock.sleeping >= 2 && tableOf(server, "orders").stage === "waiting";
  });
}

/** The rows of every table of an uninterrupted live run of `ticks` ticks. */
async function uninterrupted(ticks: number): Promise<MemoryStore> {
  const store = new MemoryStore();
  assertEquals((await runLive(store, { config: SHOP }, ticks, TICK, 3)).failed, []);
  return store;
}

function assertSameRows(actual: MemoryStore, expected: MemoryStore): void {
  for (const table of TABLES) {
    assertEquals(plainRows(actual.rows(table)), plainRows(expected.rows(table)), table);
  }
}

async function answer(server: StreamingServer, path: string): Promise<[number, unknown]> {
  const response = monitoringResponse(server, new Request(`http://x${path}`));
  return [response.status, await response.json()];
}

Deno.test("an outage of the sink is waited out: children wait, others go on, then it catches up", async () => {
  const store = new MemoryStore();
  const outage: Outage = { down: false, error: refused, tried: [] };
  const clock = new ManualClock(START);
  const lines: string[] = [];
  const server = liveWithOutage(store, outage, clock, lines);
  const done = server.start();
  await server.ready;
  await settle(clock, () => clock.sleeping >= 3);
  for (let k = 1; k <= 5; k++) await stepTo(server, clock, k);
  assertEquals(await answer(server, "/ready"), [200, { status: "ready" }]);

  // The database goes away for 120 s: ticks 6 to 17 cannot be committed.
  outage.down = true;
  for (let k = 6; k <= 15; k++) await stepTo(server, clock, k);
  const customers = tableOf(server, "customers");
  assertEquals(customers.stage, "waiting-for-sink");
  assertEquals(customers.sinkWaitSince, START + 6 * TICK);
  assertEquals(customers.sinkWaitMs, 9 * TICK);
  assertEquals(
    customers.activity,
    "waiting for sink since 2026-01-01T00:01:00Z: connect ECONNREFUSED 127.0.0.1:5432",
  );
  // Retried at 61, 72, 84, 98, 116 and 150 s (1 s doubling; none before its time).
  assertEquals([customers.tick, customers.errors, customers.retries], [5, 7, 6]);
  // It generated no further ticks while it waited: every attempt was tick 6 again.
  assertEquals(outage.tried, new Array(7).fill(6));
  const orders = tableOf(server, "orders");
  assertEquals([orders.stage, orders.waitingFor, orders.tick], ["waiting", "customers tick 6", 5]);
  assertEquals(tableOf(server, "prices").tick, 15, "the other tables go on");
  const [status, why] = await answer(server, "/ready");
  assertEquals(status, 503);
  assertEquals((why as { waiting: { table: string }[] }).waiting.map((w) => w.table), [
    "customers",
  ]);
  assertEquals(await answer(server, "/health"), [200, { status: "ok", waiting: ["customers"] }]);
  const metrics = prometheusText(server.status());
  assertStringIncludes(
    metrics,
    'tablestream_sink_wait_seconds{table="customers",sink="custom"} 90',
  );
  assertStringIncludes(
    metrics,
    'tablestream_sink_retries_total{table="customers",sink="custom"} 6',
  );
  assertStringIncludes(metrics, 'tablestream_sink_wait_seconds{table="orders",sink="custom"} 0');
  const waiting = lines.filter((l) => l.includes("is waiting for its sink"));
  assertEquals(waiting.length, 1, "the wait is announced once");
  assertStringIncludes(waiting[0], "(ECONNREFUSED)");

  // Back at 160 s; the next retry, at 180 s (tick 18), commits tick 6, then ticks 7..18 at
  // once (as fast-forward would), then one commit per tick as before.
  outage.down = false;
  for (let k = 16; k <= 30; k++) await stepTo(server, clock, k);
  assertEquals(
    store.tables.get("customers")!.commits.map((c) => c.point?.tick),
    [0, 1, 2, 3, 4, 5, 6, 18, ...Array.from({ length: 12 }, (_, i) => 19 + i)],
  );
  const back = tableOf(server, "customers");
  assertEquals([back.stage, back.sinkWaitMs, back.sinkWaitSince], ["idle", 0, undefined]);
  assertEquals(await answer(server, "/ready"), [200, { status: "ready" }]);
  assertEquals(lines.filter((l) => l.includes("its sink is back after 2m")).length, 1);
  await server.stop();
  assertEquals((await done).failed, []);
  assertSameRows(store, await uninterrupted(30));
});

Deno.test("an error that cannot heal stops its table at once, naming it; its children stop, others go on", async () => {
  const store = new MemoryStore();
  const constraint = () =>
    Object.assign(new Error('duplicate key value violates unique constraint "customers_pkey"'), {
      code: "23505",
    });
  const outage: Outage = { down: true, fromTick: 1, error: constraint, tried: [] };
  const server = serverWithOutage(store, outage, { fastForward: true, ticks: 20 });
  const summary = await server.start();
  assertEquals(summary.failed.map((f) => f.table), ["customers", "orders"]);
  const [customers, orders] = summary.failed.map((f) => f.error);
  assertStringIncludes(customers, 'Table "customers" stopped: its sink failed to commit tick');
  assertStringIncludes(customers, "with an error that cannot heal (SQLSTATE 23505)");
  assertStringIncludes(customers, "customers_pkey");
  assertStringIncludes(orders, 'its parent "customers" failed');
  const status = summary.tables.find((t) => t.table === "customers")!;
  assertEquals([status.stage, status.errors, status.retries], ["failed", 1, 0]);
  assertEquals(store.rows("prices").numRows, 3);
  assertEquals(store.tables.get("prices")!.commits.at(-1)!.point!.tick, 20, "prices went on");
});

Deno.test("the longest retry time bounds the wait: then the table stops, saying how long it waited", async () => {
  const store = new MemoryStore();
  const clock = new ManualClock(START);
  const waits: number[] = [];
  const outage: Outage = { down: true, fromTick: 1, error: refused, tried: [] };
  const summary = await serverWithOutage(store, outage, {
    fastForward: true,
    ticks: 10,
    clock,
    maxRetryTimeMs: 60_000,
    sleep: (ms) => {
      waits.push(ms);
      clock.advance(ms);
      return Promise.resolve();
    },
  }).start();
  assertEquals(summary.failed.map((f) => f.table), ["customers", "orders"]);
  assertStringIncludes(summary.failed[0].error, "kept failing for 1m, past the longest retry time");
  assertStringIncludes(summary.failed[0].error, "(max_retry_time 1m)");
  assertStringIncludes(summary.failed[0].error, "ECONNREFUSED");
  // 1 s doubling, the last wait cut to end at the minute.
  assertEquals(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 29_000]);
  const status = summary.tables.find((t) => t.table === "customers")!;
  assertEquals([status.errors, status.retries], [7, 6]);
});

Deno.test("a sink's own word decides: SinkError healable or not", async () => {
  for (const healable of [true, false]) {
    const store = new MemoryStore();
    let failures = 2;
    const summary = await serverWithOutage(store, { down: false, error: refused, tried: [] }, {
      fastForward: true,
      ticks: 3,
      sink: (table) => {
        const sink = createMemorySink({ store });
        if (table !== "customers") return sink;
        return {
          ...sink,
          flush: (point) =>
            point!.tick > 0 && failures-- > 0
              ? Promise.reject(new SinkError("the service said no", { healable }))
              : sink.flush(point),
        };
      },
    }).start();
    const customers = summary.tables.find((t) => t.table === "customers")!;
    if (healable) {
      assertEquals(summary.failed, []);
      assertEquals([customers.errors, customers.retries, customers.tick], [2, 2, 3]);
    } else {
      assertEquals(summary.failed.map((f) => f.table), ["customers", "orders"]);
      assertStringIncludes(summary.failed[0].error, "cannot heal (as the sink says)");
    }
  }
});

Deno.test("stopped while waiting for its sink: the stop is prompt, and a restart resumes exactly", async () => {
  const store = new MemoryStore();
  const outage: Outage = { down: false, error: refused, tried: [] };
  const clock = new ManualClock(START);
  const first = liveWithOutage(store, outage, clock);
  const done = first.start();
  await first.ready;
  await settle(clock, () => clock.sleeping >= 3);
  for (let k = 1; k <= 3; k++) await stepTo(first, clock, k);
  outage.down = true;
  for (let k = 4; k <= 8; k++) await stepTo(first, clock, k);
  assertEquals(tableOf(first, "customers").stage, "waiting-for-sink");
  // Stopped in the middle of a back-off: nothing to finish, so it ends at once.
  await within("the server to stop while it waits for its sink", first.stop(), 10_000);
  const summary = await done;
  assertEquals(summary.failed, []);
  assertEquals(summary.tables.find((t) => t.table === "customers")!.stage, "stopped");

  outage.down = false;
  const second = liveWithOutage(store, outage, clock);
  const resumed = second.start();
  await second.ready;
  await settle(clock, () => clock.sleeping >= 3);
  for (let k = 9; k <= 20; k++) await stepTo(second, clock, k);
  await second.stop();
  assertEquals((await resumed).failed, []);
  assertSameRows(store, await uninterrupted(20));
  const ticks = store.tables.get("customers")!.commits.map((c) => c.point?.tick);
  assert(ticks.includes(8) && !ticks.includes(4), `caught up 4..8 at once: ${ticks}`);
});

Deno.test("at start, a sink that is not up yet is waited for; an error not recognized fails at once", async () => {
  const store = new MemoryStore();
  const clock = new ManualClock(START);
  let down = 3;
  const server = new StreamingServer({
    config: SHOP,
    clock,
    startTime: new Date(START),
    fastForward: true,
    ticks: 5,
    sleep: (ms, signal) => clock.sleepUntil(clock.now() + ms, signal),
    retry: { random: () => 1 },
    sink: () => {
      const sink = createMemorySink({ store });
      return {
        ...sink,
        inspect: (table) => down-- > 0 ? Promise.reject(refused()) : sink.inspect!(table),
      };
    },
  });
  const done = server.start();
  // Reading the tables back is retried (after 1 s, 2 s, 4 s) while the status says why.
  for (const wait of [1_000, 2_000, 4_000]) {
    await waitFor("the start to wait for the sinks", () => clock.sleeping, (n) => n === 1);
    const status = server.status();
    assertEquals(
      [status.phase, status.startError, status.startWaitSince, status.tables],
      ["starting", "connect ECONNREFUSED 127.0.0.1:5432", START, []],
    );
    const [code, body] = await answer(server, "/ready");
    assertEquals(code, 503);
    assertStringIncludes(JSON.stringify(body), "waiting for the sinks since");
    assertEquals(clock.nextWake, clock.now() + wait);
    clock.set(clock.nextWake!);
  }
  const summary = await within("the run after the sinks answered", done, 30_000);
  assertEquals(summary.failed, []);
  assertEquals(server.status().phase, "stopped");
  assertEquals(store.rows("orders").numRows, 10 + 5 * 20);

  const broken = new StreamingServer({
    config: SHOP,
    fastForward: true,
    sleep: () => Promise.reject(new Error("no waiting for an error that is not recognized")),
    sink: () => ({
      ...createMemorySink({ store: new MemoryStore() }),
      inspect: () => Promise.reject(new Error("something odd")),
    }),
  });
  const error = await broken.start().then(() => undefined, (e) => e as Error);
  assertEquals(error?.message, "something odd");
});
