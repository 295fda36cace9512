/**
 * The live page of `run --http` in a real browser (headless Chromium): it shows every table
 * with the numbers `/status` gives, the graph of foreign keys, the latest committed rows (as
 * the table holds them), and a failed table's error; control is refused without the token and
 * pauses a table with it. The screenshot the README shows is taken here (`docs/live-page.png`,
 * rewritten when TABLESTREAM_UPDATE_DOCS=1) at a fixed logical time: ticks of 10,000 hours
 * from 2026-03-01, so that after tick 0 nothing moves.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { withTempDir } from "./_cli.ts";
import { chromium, externalTest } from "./_external.ts";
import { withBrowserPage } from "./_browser.ts";
import { StreamingServer } from "../lib/schedule/server.ts";
import { serveMonitoring } from "../lib/schedule/http.ts";
import type { ServerStatus } from "../lib/schedule/status.ts";
import { readTable } from "../lib/delta/read_data.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { localFs } from "../lib/delta/fs.ts";
import { columnCells } from "../lib/output/cell_text.ts";

const CONFIG = new URL("./fixtures/page/shop.yaml", import.meta.url).pathname;
const TOKEN = "a-test-token-of-some-length";

/** What the page shows of one table. */
interface Shown {
  table: string;
  stage: string;
  rows: string;
  target: string;
  version: string;
  tick: string;
  error: string;
}

async function settled(server: StreamingServer): Promise<ServerStatus> {
  for (;;) {
    const status = server.status();
    const done = status.tables.length === 3 &&
      status.tables.every((t) => t.stage === "failed" || (t.stage === "idle" && t.tick === 0));
    if (done) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
}

externalTest({
  name: "the live page shows every table's numbers, the key graph, latest rows and errors",
  need: chromium(),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (browser) => {
    await withTempDir(async (dir) => {
      const server = new StreamingServer({
        config: CONFIG,
        output: dir,
        startTime: new Date("2026-03-01T00:00:00Z"),
        tickIntervalMs: 10_000 * 3_600_000,
      });
      const done = server.start();
      const http = serveMonitoring(server, "127.0.0.1:0", { controlToken: TOKEN });
      const base = `http://127.0.0.1:${http.port}`;
      try {
        const status = await settled(server);
        const shown = await withBrowserPage(browser, `${base}/`, async (page) => {
          await page.waitFor("Number(document.body.dataset.updates) >= 2");
          await page.waitFor("document.querySelector('#diagram svg')");
          await page.waitFor("document.querySelectorAll('#previews table').length === 2");
          const shown = await page.evaluate<Shown[]>(
            `[...document.querySelectorAll("#tables tbody tr")]
            .map((tr) => ({
              table: tr.dataset.table, stage: tr.dataset.stage,
              rows: tr.querySelector('[data-field="rows"]').textContent,
              target: tr.querySelector('[data-field="target"]').textContent,
              version: tr.querySelector('[data-field="version"]').textContent,
              tick: tr.querySelector('[data-field="tick"]').textContent,
              error: tr.querySelector(".error")?.textContent ?? "",
            }))`,
          );
          const graph = await page.evaluate<{ tables: string[]; edges: string[] }>(`({
            tables: [...document.querySelectorAll("#diagram g.table")].map((g) => g.dataset.table),
            edges: [...document.querySelectorAll("#diagram g.edge")]
              .map((g) => g.dataset.parent + "->" + g.dataset.child + "." + g.dataset.column),
          })`);
          assertEquals(graph.tables.sort(), ["broken", "customers", "orders"]);
          assertEquals(graph.edges, ["customers->orders.customer_id"]);
          const preview = await page.evaluate<{ columns: string[]; rows: string[][] }>(`(() => {
            const t = document.querySelector('#previews table[data-table="orders"]');
            return {
              columns: [...t.querySelectorAll("th")].map((th) => th.textContent),
              rows: [...t.querySelectorAll("tbody tr")]
                .map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
            };
          })()`);
          // The latest rows are the table's last committed ones, as a reader finds them.
          const table = await readTable(localFs, await readSnapshot(localFs, `${dir}/orders`));
          const cells = columnCells(table.batches[0]);
          const byId = new Map<string, string[]>();
          for (const batch of table.batches) {
            const columns = columnCells(batch);
            for (let i = 0; i < batch.numRows; i++) {
              const row = columns.map((c) => String(c.cell(i) ?? ""));
              byId.set(row[0], row);
            }
          }
          assertEquals(preview.columns, cells.map((c) => c.name));
          assertEquals(preview.rows.map((r) => r[0]), ["96", "97", "98", "99", "100"]);
          for (const row of preview.rows) assertEquals(row, byId.get(row[0]));
          if (Deno.env.get("TABLESTREAM_UPDATE_DOCS") === "1") {
            await Deno.writeFile(
              new URL("../docs/live-page.png", import.meta.url),
              await page.screenshot(),
            );
          } else {
            assert((await page.screenshot()).length > 10_000, "a screenshot is taken");
          }
          return shown;
        });
        // Every table, with the numbers /status gives (nothing moves after tick 0).
        const now = server.status();
        assertEquals(
          now.tables.map((t) => [t.rows, t.version, t.stage]),
          status.tables.map((t) => [t.rows, t.version, t.stage]),
        );
        assertEquals(shown.map((s) => s.table), now.tables.map((t) => t.table));
        for (const [i, t] of now.tables.entries()) {
          assertEquals(shown[i].stage, t.stage, t.table);
          assertEquals(shown[i].rows, t.rows.toLocaleString("en-US"), t.table);
          assertEquals(shown[i].target, String(t.rowsPerMinute), t.table);
          assertEquals(shown[i].version, t.version === undefined ? "" : String(t.version));
        }
        assertEquals(shown.map((s) => s.tick), [
          "0 · 2026-03-01T00:00:00Z",
          "0 · 2026-03-01T00:00:00Z",
          "",
        ]);
        assertStringIncludes(shown[2].error, 'column "ratio", row 5: Division by zero');

        // Control: refused without the token, a table paused with it.
        const post = (path: string, token?: string) =>
          fetch(`${base}${path}`, {
            method: "POST",
            headers: token ? { authorization: `Bearer ${token}` } : {},
          }).then(async (r) => [r.status, await r.text()] as const);
        assertEquals((await post("/tables/orders/pause"))[0], 401);
        assertEquals((await post("/tables/orders/pause", "wrong-token-of-some-length"))[0], 401);
        assertEquals(server.status().tables[1].stage, "idle");
        const paused = await post("/tables/orders/pause", TOKEN);
        assertEquals([paused[0], JSON.parse(paused[1])], [200, { table: "orders", paused: true }]);
        assertEquals(server.status().tables[1].stage, "paused");
        assertEquals((await post("/tables/nope/pause", TOKEN))[0], 404);
        assertEquals((await post("/tables/orders/resume", TOKEN))[0], 200);
        assertEquals(server.status().tables[1].stage, "idle");
      } finally {
        await server.stop();
        await done.catch(() => {});
        await http.close();
      }
    });
  },
});
