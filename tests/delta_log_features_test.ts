/**
 * A config's table with row tracking, V2 checkpoints and liquid clustering, end to end:
 * `generate` creates it with those features, `run` and `generate --mode append` add to it,
 * with row ids continuing and a V2 checkpoint; `inspect` shows the clustering and domains.
 */
import { assert, assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";
import { localFs } from "../lib/delta/fs.ts";
import { readSnapshot } from "../lib/delta/log_reader.ts";
import { countRows } from "../lib/delta/read_data.ts";
import { rowIdHighWaterMark } from "../lib/delta/row_tracking.ts";

const CONFIG = `
version: 1
config: { seed: 8, tick_interval: 10s }
tables:
  - table_name: events
    row_count: 20
    cadence: { rows_per_minute: 30 }
    table_properties:
      delta.enableRowTracking: true
      delta.checkpointPolicy: v2
      delta.checkpointInterval: 4
    cluster_by: [kind, id]
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: kind, data: "random.choice(['a', 'b'])" }
`;

Deno.test("a table with row tracking, v2 checkpoints and clustering: made, appended to, inspected", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const out = `${dir}/out`;
    const generate = await cli("generate", "-c", config, "-o", out);
    assertEquals(generate.code, 0, generate.stderr);
    const run = await cli(
      "run",
      ...["-c", config, "-o", out, "--start-time", "2026-03-01T00:00:00Z", "--fast-forward"],
      ...["--ticks", "5", "--commit-rows", "5"],
    );
    assertEquals(run.code, 0, run.stderr);
    const append = await cli("generate", "-c", config, "-o", out, "--mode", "append");
    assertEquals(append.code, 0, append.stderr);

    const snapshot = await readSnapshot(localFs, `${out}/events`);
    assertEquals(snapshot.protocol.readerFeatures, ["v2Checkpoint"]);
    assertEquals(snapshot.protocol.writerFeatures, [
      "clustering",
      "domainMetadata",
      "rowTracking",
      "v2Checkpoint",
    ]);
    // Every file's row ids follow the last one's: one id per row, none twice.
    const rows = countRows(snapshot)!;
    const files = [...snapshot.files].sort((a, b) => a.baseRowId! - b.baseRowId!);
    let next = 0;
    for (const file of files) {
      assertEquals(file.baseRowId, next, file.path);
      next += JSON.parse(file.stats!).numRecords;
    }
    assertEquals(next, rows);
    const domains = new Map(snapshot.domains!.map((d) => [d.domain, d]));
    assertEquals(rowIdHighWaterMark(domains), rows - 1);
    assert(snapshot.checkpointVersion! >= 4, `a checkpoint (${snapshot.checkpointVersion})`);
    const log = [...Deno.readDirSync(`${out}/events/_delta_log`)].map((e) => e.name);
    assert(log.some((n) => /\.checkpoint\.[0-9a-f-]{36}\.parquet$/.test(n)), log.join(" "));

    const inspect = await cli("inspect", `${out}/events`);
    assertEquals(inspect.code, 0, inspect.stderr);
    assertStringIncludes(inspect.stdout, "Clustered:   by kind, id");
    assertStringIncludes(
      inspect.stdout,
      `delta.rowTracking = {"rowIdHighWaterMark":${rows - 1},"domainName":"delta.rowTracking"}`,
    );
    const json = JSON.parse((await cli("inspect", `${out}/events`, "--json")).stdout);
    assertEquals(json.clusteringColumns, ["kind", "id"]);
  });
});
