/**
 * The Spark recipe (`examples/spark/shards.py`): the peer's Spark session (local mode) runs 4
 * shards of `generate` as 4 Spark tasks, each calling `deno run main.ts generate --shard i/4`,
 * into one set of Delta tables; Spark then reads them, and they hold exactly the rows of one
 * unsharded process.
 */
import { assertEquals } from "../_assert.ts";
import { assertSameRows, interopTest } from "./_peer.ts";
import { cli, withTempDir, writeConfig } from "../_cli.ts";
import { SHARD_CONFIG, SHARD_TABLES } from "../_shards.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const RECIPE = new URL("../../examples/spark/", import.meta.url).pathname;

interopTest(
  "Spark runs 4 shards as 4 tasks into one Delta table, and reads the single run's rows",
  async (peer) => {
    await withTempDir(async (dir) => {
      const config = await writeConfig(dir, SHARD_CONFIG);
      const single = await cli("generate", "-c", config, "-o", `${dir}/single`);
      assertEquals(single.code, 0, single.stderr);
      const summaries = await peer.py<[number, string][]>(
        `
import sys
if args["recipe"] not in sys.path:
    sys.path.insert(0, args["recipe"])
from shards import generate_shards
result = generate_shards(spark(), 4, args["args"], args["command"])
`,
        {
          recipe: RECIPE,
          command: [Deno.execPath(), "run", "-A", MAIN],
          args: ["--config", config, "--output", `${dir}/shards`, "--workers", "1"],
        },
      );
      assertEquals(summaries.map(([i]) => i), [0, 1, 2, 3]);
      for (const [index, summary] of summaries) {
        assertEquals(summary.startsWith(`Shard ${index}/4`), true);
      }
      for (const table of Object.keys(SHARD_TABLES)) {
        assertSameRows(
          await peer.read("spark", `${dir}/shards/${table}`),
          await peer.ours(`${dir}/single/${table}`),
          `${table}: Spark's read of the 4 shards`,
        );
      }
    });
  },
);
