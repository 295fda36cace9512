/**
 * A config's `table_properties:` make Delta tables like production ones: `generate` and `run`
 * create them with the properties and the features they need, which `inspect` shows; later
 * commits keep them; `validate` names a wrong property at its line and column.
 */
import { assertEquals, assertStringIncludes } from "./_assert.ts";
import { cli, withTempDir, writeConfig } from "./_cli.ts";

const CONFIG = `config: {seed: 5, tick_interval: 10s}
tables:
  - table_name: events
    row_count: 20
    cadence: {rows_per_minute: 60}
    table_properties:
      delta.enableDeletionVectors: true
      delta.enableChangeDataFeed: true
      delta.appendOnly: true
      delta.checkpointInterval: 3
      owner: data-eng
    columns:
      - {column_name: id, data: row_id, is_primary_key: true}
      - {column_name: kind, data: "random.choice(['a', 'b'])"}
`;

interface Inspected {
  version: number;
  rows: number;
  properties: Record<string, string>;
  protocol: { minReaderVersion: number; minWriterVersion: number };
  features: { reader: string[]; writer: string[] };
}

async function inspect(path: string): Promise<Inspected> {
  const result = await cli("inspect", path, "--json");
  assertEquals(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const PROPERTIES = {
  "delta.enableDeletionVectors": "true",
  "delta.enableChangeDataFeed": "true",
  "delta.appendOnly": "true",
  "delta.checkpointInterval": "3",
  "owner": "data-eng",
};

Deno.test("generate and run create Delta tables with the config's table properties and their features", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(dir, CONFIG);
    const generated = await cli("generate", "-c", config, "-o", `${dir}/g`);
    assertEquals(generated.code, 0, generated.stderr);
    const table = await inspect(`${dir}/g/events`);
    assertEquals(table.properties, PROPERTIES);
    assertEquals([table.protocol.minReaderVersion, table.protocol.minWriterVersion], [3, 7]);
    assertEquals(table.features, {
      reader: ["deletionVectors"],
      writer: ["appendOnly", "changeDataFeed", "deletionVectors"],
    });
    // The table is append-only: an overwrite is refused, naming the property.
    const overwrite = await cli("generate", "-c", config, "-o", `${dir}/g`, "--mode", "overwrite");
    assertEquals(overwrite.code, 1);
    assertStringIncludes(overwrite.stderr, "delta.appendOnly");

    const ran = await cli(
      "run",
      "-c",
      config,
      "-o",
      `${dir}/r`,
      "--start-time",
      "2026-03-01T00:00:00Z",
      "--fast-forward",
      "--ticks",
      "7",
      "--commit-rows",
      "10",
    );
    assertEquals(ran.code, 0, ran.stderr);
    const run = await inspect(`${dir}/r/events`);
    assertEquals(run.properties["delta.enableDeletionVectors"], "true");
    assertEquals(run.rows, 20 + 7 * 10);
    // delta.checkpointInterval = 3: checkpoints at 3, 6...
    const text = (await cli("inspect", `${dir}/r/events`)).stdout;
    assertEquals(run.version >= 6, true, `${run.version} commits`);
    assertStringIncludes(text, `(checkpoint at ${run.version - run.version % 3})`);
  });
});

Deno.test("validate names a wrong table property at its line and column", async () => {
  await withTempDir(async (dir) => {
    const config = await writeConfig(
      dir,
      CONFIG.replace("delta.appendOnly: true", "delta.appendOnly: always")
        .replace("delta.enableChangeDataFeed", "delta.enableChangeFeed"),
    );
    const result = await cli("validate", "-c", config);
    assertEquals(result.code, 2, result.stderr);
    assertStringIncludes(result.stderr, "config.yaml:8:7");
    assertStringIncludes(result.stderr, "`delta.enableChangeFeed`");
    assertStringIncludes(result.stderr, "delta.enableChangeDataFeed");
    assertStringIncludes(result.stderr, "config.yaml:9:25");
    assertStringIncludes(result.stderr, 'takes "true" or "false", got "always"');
  });
});
