import { assertEquals, assertStringIncludes, assertThrows } from "../../tests/_assert.ts";
import { monitoringResponse, parseAddress, serveMonitoring } from "./http.ts";
import { newTableStatus, type ServerStatus } from "./status.ts";

const healthy: ServerStatus = {
  startedAt: new Date(0).toISOString(),
  fastForward: true,
  phase: "running",
  tables: [{ ...newTableStatus("orders", "append", 60), rows: 5, stage: "running" }],
};

Deno.test("addresses: host:port, :port, a port alone, IPv6 in brackets", () => {
  assertEquals(parseAddress("0.0.0.0:9464"), { hostname: "0.0.0.0", port: 9464 });
  assertEquals(parseAddress(":9464"), { hostname: "127.0.0.1", port: 9464 });
  assertEquals(parseAddress("9464"), { hostname: "127.0.0.1", port: 9464 });
  assertEquals(parseAddress("[::1]:80"), { hostname: "::1", port: 80 });
  assertThrows(() => parseAddress("localhost"), Error, "is not an address");
  assertThrows(() => parseAddress(":70000"), Error, "is not an address");
});

Deno.test("the endpoints answer over HTTP: /health is liveness, /ready says every table flows", async () => {
  let current = healthy;
  const server = serveMonitoring({ status: () => current }, "127.0.0.1:0");
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    return [response.status, await response.json()];
  };
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const metrics = await fetch(`${base}/metrics`);
    assertStringIncludes(metrics.headers.get("content-type")!, "text/plain; version=0.0.4");
    assertStringIncludes(await metrics.text(), 'tablestream_table_rows{table="orders"} 5');
    assertEquals((await (await fetch(`${base}/status`)).json()).tables[0].rows, 5);
    assertEquals(await get("/health"), [200, { status: "ok" }]);
    assertEquals(await get("/ready"), [200, { status: "ready" }]);

    // Starting (reading the tables back, perhaps waiting for the sinks): alive, not ready.
    current = { ...healthy, phase: "starting", tables: [] };
    assertEquals(await get("/health"), [200, { status: "ok" }]);
    assertEquals(await get("/ready"), [503, {
      status: "not ready",
      starting: "reading the tables back",
      waiting: [],
      failed: [],
    }]);

    // Waiting for its database: a restart would not help, so alive; not ready.
    const since = Date.UTC(2026, 0, 1, 0, 0, 10);
    current = {
      ...healthy,
      tables: [{
        ...healthy.tables[0],
        stage: "waiting-for-sink",
        sinkWaitSince: since,
        lastError: "connection refused",
      }],
    };
    assertEquals(await get("/health"), [200, { status: "ok", waiting: ["orders"] }]);
    assertEquals(await get("/ready"), [503, {
      status: "not ready",
      waiting: [{
        table: "orders",
        since: new Date(since).toISOString(),
        error: "connection refused",
      }],
      failed: [],
    }]);

    // Failed by an error that cannot heal: a restart would fail the same way, so still alive.
    current = { ...healthy, tables: [{ ...healthy.tables[0], stage: "failed", lastError: "x" }] };
    assertEquals(await get("/health"), [200, { status: "ok", failed: ["orders"] }]);
    assertEquals(await get("/ready"), [503, {
      status: "not ready",
      waiting: [],
      failed: [{ table: "orders", error: "x" }],
    }]);
    const missing = await fetch(`${base}/nope`);
    assertStringIncludes(await missing.text(), "/ready");
  } finally {
    await server.close();
  }
  const post = monitoringResponse(
    { status: () => healthy },
    new Request("http://x/metrics", { method: "POST" }),
  );
  assertEquals(post.status, 405);
  await post.body?.cancel();
});
