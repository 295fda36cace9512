/**
 * The live page's cost: the CPU of a `run` of 20 live tables (1 s ticks) with the page open in
 * a headless Chromium (polling `/status` every 2 s, fetching latest rows as versions move)
 * minus its CPU without, in windows taken alternately so that a neighbour's burst or a drift
 * of the run falls on both sides. Target: at most 1% of a core. Chromium's own CPU is not the
 * server's and is not counted. Skipped where no Chromium runs (tests/_external.ts `chromium`).
 *
 * @module
 */
import type { BenchCase } from "./case.ts";
import { cpuSeconds, median } from "./measure.ts";
import { manyTablesConfig } from "./run_cases.ts";
import { v8FlagsArgument } from "../cli/v8_flags.ts";
import { chromium } from "../../tests/_external.ts";
import { withBrowserPage } from "../../tests/_browser.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** A free loopback port. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** The server's share of a core (%) over `ms`. */
async function cpuShare(pid: number, ms: number): Promise<number> {
  const before = cpuSeconds(pid);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = cpuSeconds(pid);
  const seconds = (performance.now() - start) / 1000;
  return 100 * (after.user - before.user + after.system - before.system) / seconds;
}

export const livePage: BenchCase = {
  name: "live_page",
  summary: "run of 20 live tables: CPU with the live page open in Chromium minus without",
  target: { op: "<=", value: 1, unit: "% core" },
  runs: { full: 1, quick: 1 },
  async run(quick) {
    const browser = chromium();
    if (!browser.found) {
      return { rows: 0, seconds: 0, ratio: 0, skipped: `no Chromium: ${browser.why}` };
    }
    const windowMs = quick ? 10_000 : 20_000;
    const pairs = quick ? 3 : 5;
    const dir = await Deno.makeTempDir({ prefix: "tablestream-bench-" });
    const port = freePort();
    try {
      await Deno.writeTextFile(`${dir}/config.yaml`, manyTablesConfig(20));
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          ...["run", "-A", v8FlagsArgument(), MAIN, "run", "-c", `${dir}/config.yaml`],
          ...["-o", `${dir}/out`, "--tick-interval", "1s", "--http", `127.0.0.1:${port}`],
          ...["--log-format", "json", "--status-interval", "1h"],
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        await new Promise((resolve) => setTimeout(resolve, quick ? 8_000 : 15_000));
        const without: number[] = [];
        const withPage: number[] = [];
        for (let i = 0; i < pairs; i++) {
          without.push(await cpuShare(child.pid, windowMs));
          await withBrowserPage(browser.value, `http://127.0.0.1:${port}/`, async (page) => {
            await page.waitFor("Number(document.body.dataset.updates) >= 1", 30_000);
            withPage.push(await cpuShare(child.pid, windowMs));
          });
        }
        const differences = withPage.map((w, i) => w - without[i]);
        return {
          rows: 0,
          seconds: (2 * pairs * windowMs) / 1000,
          ratio: median(differences),
          extra: {
            without_page_pct: median(without),
            with_page_pct: median(withPage),
            tables: 20,
            pairs,
          },
        };
      } finally {
        child.kill("SIGKILL");
        await child.status;
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
};
