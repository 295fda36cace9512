/**
 * Deliberate imperfections end to end (docs/traffic.md): `run --fast-forward` of a
 * sensor-and-orders config into Delta, read back. What the rows show (late event times,
 * duplicated keys, nulls in a never-null column, keys with no parent) equals what every
 * commit's `commitInfo.operationMetrics`, the status and `/metrics` say was injected; the
 * same rows come with workers and with shards.
 */
import { assert, assertEquals } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { StreamingServer, type StreamingServerOptions } from "../lib/schedule/server.ts";
import { monitoringResponse } from "../lib/schedule/http.ts";
import { FAULT_KINDS, type FaultCounts, noFaults } from "../lib/engine/faults.ts";
import {
  committedCounts,
  FAULTS_CONFIG,
  ORDERS,
  ROWS_PER_MINUTE,
  rowsOf,
  rowsText,
  START,
  TICKS,
} from "./_faults.ts";

/** A fast-forward run of {@link TICKS} ticks into `out`; its server, after it ended. */
async function run(
  config: string,
  out: string,
  extra: Partial<StreamingServerOptions> = {},
): Promise<StreamingServer> {
  const server = new StreamingServer({
    config,
    output: out,
    startTime: new Date(START),
    fastForward: true,
    ticks: TICKS,
    workers: 1,
    commitRows: 20_000,
    pollMs: 5,
    ...extra,
  });
  const summary = await server.start();
  assertEquals(summary.failed, []);
  return server;
}

/** The injected counts `/metrics` shows for a table. */
function metricCounts(text: string, table: string): FaultCounts {
  const counts = noFaults();
  for (const kind of FAULT_KINDS) {
    const line = text.split("\n").find((l) =>
      l.startsWith(`tablestream_injected_total{table="${table}",kind="${kind}"} `)
    );
    assert(line, `no ${kind} line in /metrics`);
    counts[kind] = Number(line.split(" ").at(-1));
  }
  return counts;
}

/** Whether `seen` out of `n` fits a fraction `p` (6 standard deviations: fails < 1e-8). */
function near(seen: number, n: number, p: number): boolean {
  return Math.abs(seen - n * p) <= 6 * Math.sqrt(n * p * (1 - p));
}

Deno.test("run injects late events, duplicates, bad values and orphans, and counts exactly what the rows show", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, FAULTS_CONFIG);
    const server = await run(config, `${dir}/out`);
    const orders = await rowsOf(`${dir}/out/orders`);
    const parents = new Set((await rowsOf(`${dir}/out/customers`)).map((r) => r.customer_id));

    // What the rows show.
    const byId = new Map<unknown, Record<string, unknown>[]>();
    for (const row of orders) byId.set(row.order_id, [...(byId.get(row.order_id) ?? []), row]);
    assertEquals(byId.size, ORDERS, "every order once, besides its duplicates");
    const seen = noFaults();
    let changed = 0;
    for (const copies of byId.values()) {
      assert(copies.length <= 2, `order ${copies[0].order_id} delivered ${copies.length} times`);
      if (copies.length === 2) {
        seen.duplicate++;
        // Equal but for the changed column.
        const [a, b] = copies.map((r) => ({ ...r, status: undefined }));
        assertEquals(a, b);
        if (copies[0].status !== copies[1].status) changed++;
      }
    }
    // The changed column is drawn anew: of 4 statuses, about 3 in 4 differ.
    assert(near(changed, seen.duplicate, 0.75), `${changed} of ${seen.duplicate} changed`);
    let outOfOrder = 0;
    const inArrival = [...orders].sort((a, b) =>
      Number(a.arrived_at) - Number(b.arrived_at) || Number(a.order_id) - Number(b.order_id)
    );
    inArrival.forEach((row, i) => {
      const lag = Number(row.arrived_at) - Number(row.event_at);
      assert(lag >= 0 && lag <= 120_000, `order ${row.order_id} lags ${lag} ms`);
      if (lag > 0) seen.late++;
      if (i > 0 && Number(row.event_at) < Number(inArrival[i - 1].event_at)) outOfOrder++;
      if (row.note === null) seen.bad_value++;
      if (!parents.has(row.customer_id)) seen.orphan++;
    });
    assert(outOfOrder > 0, "event times in arrival order are out of order");

    // Fractions within bounds (over the 100,000 orders; duplicates of the last minute's
    // orders may come after the run's end).
    assert(near(seen.late, orders.length, 0.1), `${seen.late} late of ${orders.length}`);
    assert(near(seen.bad_value, orders.length, 0.03), `${seen.bad_value} bad notes`);
    assert(near(seen.orphan, orders.length, 0.02), `${seen.orphan} orphans`);
    const settled = ORDERS - ROWS_PER_MINUTE; // orders whose redelivery falls in the run
    const sigma = 6 * Math.sqrt(ORDERS * 0.04 * 0.96);
    assert(
      seen.duplicate >= settled * 0.04 - sigma && seen.duplicate <= ORDERS * 0.04 + sigma,
      `${seen.duplicate} duplicates`,
    );

    // What was counted: per commit in Delta, in the status, in /metrics.
    assertEquals(await committedCounts(`${dir}/out/orders`), seen);
    const status = server.status().tables.find((t) => t.table === "orders")!;
    assertEquals(status.injected, seen);
    assertEquals(status.rowsWritten, orders.length);
    const get = (path: string) =>
      monitoringResponse(server, new Request(`http://localhost${path}`));
    assertEquals(metricCounts(await get("/metrics").text(), "orders"), seen);
    const json = await get("/status").json();
    assertEquals(json.tables.find((t: { table: string }) => t.table === "orders").injected, seen);
    // A table without imperfections has no counts.
    assertEquals(server.status().tables.find((t) => t.table === "customers")!.injected, undefined);
  });
});

Deno.test("imperfections are the same with workers and with shards", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, FAULTS_CONFIG);
    const one = await run(config, `${dir}/one`);
    const expected = rowsText(await rowsOf(`${dir}/one/orders`));
    const counts = one.status().tables.find((t) => t.table === "orders")!.injected;

    await run(config, `${dir}/workers`, { workers: 2, commitRows: 40_000 });
    assertEquals(rowsText(await rowsOf(`${dir}/workers/orders`)), expected, "2 workers");
    assertEquals(await committedCounts(`${dir}/workers/orders`), counts);

    const shards = await Promise.all(
      [0, 1].map((index) => run(config, `${dir}/shards`, { shard: { index, count: 2 } })),
    );
    assertEquals(rowsText(await rowsOf(`${dir}/shards/orders`)), expected, "2 shards");
    assertEquals(await committedCounts(`${dir}/shards/orders`), counts);
    const sum = noFaults();
    for (const s of shards) {
      const t = s.status().tables.find((t) => t.table === "orders")!;
      for (const kind of FAULT_KINDS) sum[kind] += t.injected![kind];
    }
    assertEquals(sum, counts);
  });
});

Deno.test("orphans of a parent read as stored point past its largest key", async () => {
  await withTempDir(async (dir) => {
    // Keys that are no run of consecutive ids: none to extrapolate.
    const config = await writeConfig(
      dir,
      FAULTS_CONFIG.replace(
        "{ column_name: customer_id, data: row_id, is_primary_key: true }",
        '{ column_name: customer_id, data: "row_id * 7 + random.randint(0, 3)", is_primary_key: true }',
      ),
    );
    // customers written by `generate`: this run reads it as stored (its role is "fixed").
    const generated = await cli(
      // Under another seed: not this run's stream state, so read as it is stored.
      ..."generate --table customers --seed 5 --reference-time 2026-01-01 -c".split(" "),
      config,
      "-o",
      `${dir}/out`,
    );
    assertEquals(generated.code, 0, generated.stderr);
    const server = await run(config, `${dir}/out`, { tables: ["orders"] });
    const orders = await rowsOf(`${dir}/out/orders`);
    const parents = (await rowsOf(`${dir}/out/customers`)).map((r) => Number(r.customer_id));
    const largest = Math.max(...parents);
    const orphans = orders.filter((r) => Number(r.customer_id) > largest);
    assertEquals(orders.filter((r) => !parents.includes(Number(r.customer_id))), orphans);
    const counts = server.status().tables.find((t) => t.table === "orders")!.injected!;
    assertEquals(orphans.length, counts.orphan);
    assert(near(orphans.length, orders.length, 0.02), `${orphans.length} orphans`);
  });
});

/** A table whose notes have invalid UTF-8 in a twentieth of the rows (or none, `clean`). */
function invalidUtf8Config(clean: boolean): string {
  const bad = clean ? "" : ", bad_values: { fraction: 0.05, kinds: [invalid_utf8] }";
  return `version: 1
config: { seed: 4 }
tables:
  - table_name: notes
    row_count: 20000
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: note, data: "fake.sentence()"${bad} }
      - { column_name: city, data: "fake.city()" }
`;
}

/** The lines of the one CSV file of a table, header left out, each as its bytes. */
async function csvLinesOf(dir: string): Promise<Uint8Array[]> {
  const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".csv"));
  assertEquals(files.length, 1);
  const bytes = await Deno.readFile(`${dir}/${files[0].name}`);
  const lines: Uint8Array[] = [];
  for (let start = 0, i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return lines.slice(1);
}

/** Splits a CSV line of unquoted fields at its commas (no field here holds one). */
function fieldsOf(line: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i === line.length || line[i] === 0x2c) {
      fields.push(line.subarray(start, i));
      start = i + 1;
    }
  }
  return fields;
}

const STRICT = new TextDecoder("utf-8", { fatal: true });

function validUtf8(bytes: Uint8Array): boolean {
  try {
    STRICT.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

Deno.test("invalid_utf8: CSV gets the good text with one invalid sequence in a fraction of rows; other sinks refuse", async () => {
  await withTempDir(async (dir) => {
    for (const [name, clean] of [["bad", false], ["clean", true]] as const) {
      const config = await writeConfig(dir, invalidUtf8Config(clean), `${name}.yaml`);
      const result = await cli(
        ..."generate --reference-time 2026-01-01 --format csv -c".split(" "),
        config,
        "-o",
        `${dir}/${name}`,
      );
      assertEquals(result.code, 0, result.stderr);
    }
    const bad = await csvLinesOf(`${dir}/bad/notes`);
    const clean = await csvLinesOf(`${dir}/clean/notes`);
    assertEquals(bad.length, 20_000);
    let invalid = 0;
    bad.forEach((line, i) => {
      const [id, note, city] = fieldsOf(line);
      const [goodId, goodNote, goodCity] = fieldsOf(clean[i]);
      // The other columns are untouched, and valid.
      assertEquals([id, city], [goodId, goodCity], `row ${i + 1}`);
      if (validUtf8(note)) {
        assertEquals(note, goodNote, `row ${i + 1}: a valid note is the good one`);
        return;
      }
      invalid++;
      // The good text's bytes with one invalid sequence of 1 to 3 bytes put in.
      const extra = note.length - goodNote.length;
      assert(extra >= 1 && extra <= 3, `row ${i + 1}: ${extra} bytes more`);
      let at = 0;
      while (at < goodNote.length && note[at] === goodNote[at]) at++;
      assertEquals(note.subarray(at + extra), goodNote.subarray(at), `row ${i + 1}: the rest`);
    });
    assert(near(invalid, 20_000, 0.05), `${invalid} notes are not valid UTF-8`);

    // Delta (the default), Parquet and JSON lines need valid UTF-8: refused before writing.
    const config = `${dir}/bad.yaml`;
    for (const format of [[], ["--format", "parquet"], ["--format", "jsonl"]]) {
      const out = `${dir}/refused-${format.join("") || "delta"}`;
      const refused = await cli("generate", "-c", config, "-o", out, ...format);
      assertEquals(refused.code === 0, false, `${format}: refused`);
      assert(
        refused.stderr.includes('column "note": bad_values kind invalid_utf8'),
        refused.stderr,
      );
      assert(refused.stderr.includes("--format csv"), refused.stderr);
      assertEquals(await exists(out), false, `${format}: nothing written`);
    }
  });
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
