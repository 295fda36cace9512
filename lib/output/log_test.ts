import { assertEquals } from "../../tests/_assert.ts";
import { createLogger } from "./log.ts";
import { LiveBlock } from "./live_block.ts";

Deno.test("text and JSON log lines", () => {
  const lines: string[] = [];
  const now = () => Date.UTC(2026, 0, 1);
  const text = createLogger((l) => lines.push(l), { now });
  text.info('Table "a" is new', { table: "a", rows: 3, note: "two words", skipped: undefined });
  const json = createLogger((l) => lines.push(l), { format: "json", now });
  json.warn("retrying", { table: "b", attempt: 2 });
  assertEquals(
    lines[0],
    '2026-01-01T00:00:00.000Z info  Table "a" is new table=a rows=3 note="two words"\n',
  );
  assertEquals(JSON.parse(lines[1]), {
    time: "2026-01-01T00:00:00.000Z",
    level: "warn",
    msg: "retrying",
    table: "b",
    attempt: 2,
  });
});

Deno.test("a live block redraws in place and prints log lines above itself", () => {
  let out = "";
  let n = 0;
  const block = new LiveBlock((t) => out += t, () => [`status ${++n}`, "line"]);
  block.redraw();
  assertEquals(out, "status 1\nline\n");
  out = "";
  block.print("hello");
  assertEquals(out, "\x1b[2F\x1b[Jhello\nstatus 2\nline\n");
  out = "";
  block.redraw();
  assertEquals(out, "\x1b[2F\x1b[Jstatus 3\nline\n");
});
