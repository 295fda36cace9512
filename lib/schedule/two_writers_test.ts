/**
 * Two servers on one output by mistake (two pods during a rolling update): both finish, the
 * tables equal one server's, and each summary counts only what its own process committed,
 * the ticks the other committed apart, so the two add up to the table.
 */
import { shopYaml } from "../../tests/_shop.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { withTempDir } from "../../tests/_cli.ts";
import { createLogger } from "../output/log.ts";
import { config, START, tableRows } from "../../tests/_server.ts";
import { type RunSummary, StreamingServer } from "./server.ts";

const SHOP = config(shopYaml({
  seed: 8,
  customers: { rows: 20, perMinute: 12, attribute: "name" },
  orders: { rows: 50, perMinute: 90, key: "id" },
  lookup: "regions",
}));
const TICK = 10_000;
const UNTIL = new Date(START + 150 * TICK);

function server(output: string, commitRows: number, lines: string[]): StreamingServer {
  return new StreamingServer({
    config: SHOP,
    output,
    startTime: new Date(START),
    fastForward: true,
    until: UNTIL,
    commitRows,
    log: createLogger((line) => lines.push(line)),
  });
}

function numbers(summary: RunSummary, table: string) {
  const t = summary.tables.find((s) => s.table === table)!;
  return { rows: t.rows, written: t.rowsWritten, skipped: t.skippedRows, stage: t.stage };
}

Deno.test("two servers on one Delta output: the tables of one; their own rows add up", async () => {
  await withTempDir(async (dir) => {
    const one = await server(`${dir}/one`, 40, []).start();
    assertEquals(one.failed, []);
    const linesA: string[] = [];
    const linesB: string[] = [];
    // Different commit sizes, so their windows of ticks overlap without lining up.
    const [a, b] = await Promise.all([
      server(`${dir}/two`, 40, linesA).start(),
      server(`${dir}/two`, 7, linesB).start(),
    ]);
    assertEquals([...a.failed, ...b.failed], []);
    for (const table of ["customers", "orders", "regions"]) {
      const rows = await tableRows(`${dir}/two/${table}`);
      assertEquals(rows, await tableRows(`${dir}/one/${table}`), table);
      const [x, y] = [numbers(a, table), numbers(b, table)];
      assertEquals([x.rows, y.rows], [rows.length, rows.length], `${table}: rows in the table`);
      assertEquals(
        x.written + y.written,
        rows.length,
        `${table}: committed rows add up: ${JSON.stringify([x, y])}`,
      );
      // Each saw every tick once: committed by itself or skipped as the other's.
      assertEquals(x.written + x.skipped, rows.length, `${table}: first server`);
      assertEquals(y.written + y.skipped, rows.length, `${table}: second server`);
      assertEquals([x.stage, y.stage], table === "regions" ? ["idle", "idle"] : ["done", "done"]);
    }
    for (const lines of [linesA, linesB]) {
      for (const table of ["customers", "orders", "regions"]) {
        const warned = lines.filter((l) =>
          l.includes(`Table "${table}": ticks`) && l.includes("already committed by another writer")
        );
        assert(warned.length <= 1, `warned once at most: ${warned.join("\n")}`);
      }
    }
    const warnings = [...linesA, ...linesB].filter((l) => l.includes("two writers share"));
    assert(warnings.length > 0, "the sharing was noticed and logged");
  });
});
