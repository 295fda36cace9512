import { assertEquals } from "../../tests/_assert.ts";
import { progressLine, progressReporter } from "./progress.ts";

/** A reporter on a hand-driven clock, and what it wrote. */
function reporter(terminal: boolean) {
  let t = 0;
  const out: string[] = [];
  const progress = progressReporter({
    write: (text) => out.push(text),
    terminal,
    intervalMs: 10_000,
    now: () => t,
  });
  return { progress, out, at: (ms: number) => (t = ms) };
}

Deno.test("progress: a plain line per table every interval, nothing for a quick table", () => {
  const { progress, out, at } = reporter(false);
  at(0);
  progress.onBatch("small", 100, 100); // done at once: the summary says it
  progress.onBatch("big", 10_000, 1_000_000);
  at(5_000);
  progress.onBatch("big", 500_000, 1_000_000);
  at(10_000);
  progress.onBatch("big", 600_000, 1_000_000);
  at(20_000);
  progress.onBatch("big", 1_000_000, 1_000_000);
  progress.finish();
  assertEquals(out, [
    "  big: 600,000 of 1,000,000 rows (60%), 60,000 rows/s, about 7 s left\n",
    "  big: 1,000,000 of 1,000,000 rows (100%), 50,000 rows/s\n",
  ]);
});

Deno.test("progress: on a terminal the line is rewritten in place and ended per table", () => {
  const { progress, out, at } = reporter(true);
  at(0);
  progress.onBatch("a", 10, 20);
  at(200);
  progress.onBatch("a", 20, 20);
  at(300);
  progress.onBatch("b", 5, 10);
  at(500);
  progress.onBatch("b", 7, 10);
  progress.finish();
  assertEquals(out, [
    "\r\x1b[2K  a: 20 of 20 rows (100%), 100 rows/s",
    "\n",
    "\r\x1b[2K  b: 7 of 10 rows (70%), 35 rows/s, about 1 s left",
    "\n",
  ]);
});

Deno.test("progress: the line's numbers", () => {
  assertEquals(
    progressLine("orders", 45_000, 100_000, 0.5),
    "  orders: 45,000 of 100,000 rows (45%), 90,000 rows/s, about 1 s left",
  );
  assertEquals(
    progressLine("t", 1_000, 1_000_000, 10),
    "  t: 1,000 of 1,000,000 rows (0%), 100 rows/s, about 2 h 47 min left",
  );
});
