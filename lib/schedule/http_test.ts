import { assertEquals, assertStringIncludes, assertThrows } from "../../tests/_assert.ts";
import { monitoringResponse, parseAddress, serveMonitoring } from "./http.ts";
import { newTableStatus, type ServerStatus } from "./status.ts";

const healthy: ServerStatus = {
  startedAt: new Date(0).toISOString(),
  fastForward: true,
  tables: [{ ...newTableStatus("orders", "append", 60), rows: 5 }],
};

Deno.test("addresses: host:port, :port, a port alone, IPv6 in brackets", () => {
  assertEquals(parseAddress("0.0.0.0:9464"), { hostname: "0.0.0.0", port: 9464 });
  assertEquals(parseAddress(":9464"), { hostname: "127.0.0.1", port: 9464 });
  assertEquals(parseAddress("9464"), { hostname: "127.0.0.1", port: 9464 });
  assertEquals(parseAddress("[::1]:80"), { hostname: "::1", port: 80 });
  assertThrows(() => parseAddress("localhost"), Error, "is not an address");
  assertThrows(() => parseAddress(":70000"), Error, "is not an address");
});

Deno.test("the endpoints answer over HTTP; health is 503 while a table is failed", async () => {
  let current = healthy;
  const server = serveMonitoring({ status: () => current }, "127.0.0.1:0");
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const metrics = await fetch(`${base}/metrics`);
    assertStringIncludes(metrics.headers.get("content-type")!, "text/plain; version=0.0.4");
    assertStringIncludes(await metrics.text(), 'tablestream_table_rows{table="orders"} 5');
    assertEquals((await (await fetch(`${base}/status`)).json()).tables[0].rows, 5);
    const ok = await fetch(`${base}/health`);
    assertEquals([ok.status, await ok.json()], [200, { status: "ok" }]);
    current = { ...healthy, tables: [{ ...healthy.tables[0], stage: "failed" }] };
    const failing = await fetch(`${base}/health`);
    assertEquals([failing.status, await failing.json()], [503, {
      status: "failing",
      failed: ["orders"],
    }]);
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
