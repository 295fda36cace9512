import { assertEquals, assertStringIncludes } from "../../tests/_assert.ts";
import {
  describeActivity,
  newTableStatus,
  prometheusText,
  type ServerStatus,
  statusLines,
} from "./status.ts";

function status(): ServerStatus {
  const orders = { ...newTableStatus('or"ders', "append", 50), rows: 1234, commits: 7, tick: 9 };
  orders.version = 8;
  orders.tickTime = Date.UTC(2026, 0, 1, 0, 1, 30);
  orders.lagMs = 2500;
  const broken = { ...newTableStatus("broken", "replace", 60), stage: "failed" as const };
  broken.lastError = "disk full";
  const waiting = { ...newTableStatus("pg", "append", 60, "postgres"), retries: 4 };
  waiting.stage = "waiting-for-sink";
  waiting.sinkWaitSince = Date.UTC(2026, 0, 1, 0, 0, 12);
  waiting.sinkWaitMs = 30_000;
  waiting.lastError = "connect ECONNREFUSED 127.0.0.1:5432";
  return {
    startedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    fastForward: false,
    phase: "running",
    tables: [orders, broken, waiting],
  };
}

Deno.test("Prometheus text: one family per metric, escaped labels, no undefined values", () => {
  const text = prometheusText(status());
  assertStringIncludes(text, "# TYPE tablestream_rows_total counter\n");
  assertStringIncludes(text, 'tablestream_table_rows{table="or\\"ders"} 1234\n');
  assertStringIncludes(text, 'tablestream_tick_lag_seconds{table="or\\"ders"} 2.5\n');
  assertStringIncludes(text, 'tablestream_table_failed{table="broken"} 1\n');
  assertEquals(text.includes('tablestream_table_version{table="broken"}'), false);
  // Waiting for the sink: a gauge of seconds and a counter of retries, by table and sink.
  assertStringIncludes(text, "# TYPE tablestream_sink_wait_seconds gauge\n");
  assertStringIncludes(text, 'tablestream_sink_wait_seconds{table="pg",sink="postgres"} 30\n');
  assertStringIncludes(text, 'tablestream_sink_wait_seconds{table="broken",sink="custom"} 0\n');
  assertStringIncludes(text, "# TYPE tablestream_sink_retries_total counter\n");
  assertStringIncludes(text, 'tablestream_sink_retries_total{table="pg",sink="postgres"} 4\n');
  assertStringIncludes(text, 'tablestream_skipped_rows_total{table="pg"} 0\n');
  for (const line of text.trimEnd().split("\n")) {
    const ok = line.startsWith("# ") ||
      /^[a-z_]+\{table="(?:[^"\\]|\\.)*"(?:,sink="[a-z_]+")?\} -?[\d.]+$/.test(line);
    assertEquals(ok, true, line);
  }
});

Deno.test("the status block has a header and an aligned line per table", () => {
  const lines = statusLines(status(), Date.UTC(2026, 0, 1, 0, 0, 42));
  assertEquals(lines[0], "tablestream run: 3 tables, up 42 s");
  assertStringIncludes(lines[1], "table    status");
  assertStringIncludes(lines[2], "1,234");
  assertStringIncludes(lines[2], "50/min");
  assertStringIncludes(lines[2], "v8");
  assertStringIncludes(lines[2], "2026-01-01T00:01:30Z");
  assertStringIncludes(lines[3], "disk full");
  assertEquals(lines[1].indexOf("rows"), lines[2].indexOf("1,234"));
  assertStringIncludes(lines[4], "waiting for sink since 2026-01-01T00:00:12Z");
  assertStringIncludes(lines[4], "ECONNREFUSED");
});

Deno.test("a table's activity says what it waits for, since when and why", () => {
  const [orders, broken, waiting] = status().tables;
  assertEquals(describeActivity(orders), "starting");
  assertEquals(describeActivity(broken), "failed: disk full");
  assertEquals(
    describeActivity(waiting),
    "waiting for sink since 2026-01-01T00:00:12Z: connect ECONNREFUSED 127.0.0.1:5432",
  );
  assertEquals(
    describeActivity({ ...orders, stage: "waiting", waitingFor: "customers tick 12" }),
    "waiting for customers tick 12",
  );
});

Deno.test("Prometheus text: a sink's own figures, by table and sink", () => {
  const s = status();
  s.tables[2].sinkMetrics = [
    { name: "kafka_records_total", help: "Records produced.", type: "counter", value: 1200 },
    { name: "kafka_in_flight_records", help: "In flight.", type: "gauge", value: 3 },
  ];
  const text = prometheusText(s);
  assertStringIncludes(text, "# TYPE tablestream_sink_kafka_records_total counter\n");
  assertStringIncludes(
    text,
    'tablestream_sink_kafka_records_total{table="pg",sink="postgres"} 1200\n',
  );
  assertStringIncludes(
    text,
    'tablestream_sink_kafka_in_flight_records{table="pg",sink="postgres"} 3\n',
  );
});
