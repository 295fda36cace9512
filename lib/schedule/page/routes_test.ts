import { assertEquals, assertStringIncludes } from "../../../tests/_assert.ts";
import { cli } from "../../../tests/_cli.ts";
import { pageResponse, type PageSource } from "./routes.ts";

function source(calls: string[] = []): PageSource {
  return {
    diagramSvg: () => "<svg/>",
    latestRows: (table) => table === "orders" ? { columns: ["id"], rows: [["1"]] } : undefined,
    setPaused: (table, paused) => {
      calls.push(`${table}:${paused}`);
      return table === "orders";
    },
  };
}

const request = (path: string, init: RequestInit = {}) =>
  new Request(`http://127.0.0.1${path}`, init);

Deno.test("the page and what it reads: served with a strict content security policy", async () => {
  const page = pageResponse(source(), request("/"), {})!;
  assertEquals(page.status, 200);
  assertStringIncludes(page.headers.get("content-security-policy")!, "script-src 'self'");
  assertStringIncludes(page.headers.get("content-security-policy")!, "frame-ancestors 'none'");
  assertStringIncludes(await page.text(), '<script src="/page.js" defer></script>');
  assertEquals(
    pageResponse(source(), request("/page.js"), {})!.headers.get("content-type"),
    "text/javascript; charset=utf-8",
  );
  assertEquals(await pageResponse(source(), request("/diagram.svg"), {})!.text(), "<svg/>");
  assertEquals(pageResponse({}, request("/diagram.svg"), {})!.status, 503);
  assertEquals(await pageResponse(source(), request("/tables/orders/rows"), {})!.json(), {
    columns: ["id"],
    rows: [["1"]],
  });
  assertEquals(pageResponse(source(), request("/tables/nope/rows"), {})!.status, 404);
  assertEquals(await pageResponse(source(), request("/control"), {})!.json(), { enabled: false });
  assertEquals(pageResponse(source(), request("/", { method: "POST" }), {})!.status, 405);
  // Not the page's: the monitoring endpoints answer.
  assertEquals(pageResponse(source(), request("/status"), {}), undefined);
});

Deno.test("control: off without --http-control; with it, only with the bearer token", async () => {
  const calls: string[] = [];
  const post = (path: string, options: { controlToken?: string }, token?: string) =>
    pageResponse(
      source(calls),
      request(path, { method: "POST", headers: token ? { authorization: `Bearer ${token}` } : {} }),
      options,
    )!;
  const off = post("/tables/orders/pause", {}, "anything");
  assertEquals(off.status, 404);
  assertStringIncludes(await off.text(), "--http-control");
  const on = { controlToken: "secret-token-0123456789" };
  assertEquals(await pageResponse(source(), request("/control"), on)!.json(), { enabled: true });
  assertEquals(post("/tables/orders/pause", on).status, 401);
  assertEquals(post("/tables/orders/pause", on, "secret-token-012345678").status, 401);
  assertEquals(
    post("/tables/orders/pause", on).headers.get("www-authenticate"),
    'Bearer realm="tablestream"',
  );
  assertEquals(calls, []);
  const paused = post("/tables/orders/pause", on, on.controlToken);
  assertEquals([paused.status, await paused.json()], [200, { table: "orders", paused: true }]);
  assertEquals(post("/tables/orders/resume", on, on.controlToken).status, 200);
  assertEquals(post("/tables/other/pause", on, on.controlToken).status, 404);
  assertEquals(calls, ["orders:true", "orders:false", "other:true"]);
  const get = pageResponse(source(), request("/tables/orders/pause"), on)!;
  assertEquals(get.status, 405);
});

Deno.test("run --http-control needs --http and a token of 16 characters or more", async () => {
  const args = ["run", "--config", "examples/streaming_config.yaml", "--output", "/nonexistent"];
  const noHttp = await cli(...args, "--http-control");
  assertEquals(noHttp.code, 2);
  assertStringIncludes(noHttp.stderr, "--http-control needs --http");
  const noToken = await cli(...args, "--http", "127.0.0.1:0", "--http-control");
  assertEquals(noToken.code, 2);
  assertStringIncludes(noToken.stderr, "TABLESTREAM_HTTP_TOKEN");
});
