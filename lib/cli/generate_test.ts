import * as arrow from "apache-arrow";
import { assertEquals } from "../../tests/_assert.ts";
import { cli, withTempDir, writeConfig } from "../../tests/_cli.ts";
import { localFs } from "../delta/fs.ts";
import { readSnapshot } from "../delta/log_reader.ts";
import { readTable } from "../delta/read_data.ts";
import { DeltaWriter } from "../delta/writer.ts";

const ACCOUNTS = `
version: 1
config: { seed: 1, reference_time: "2026-01-01T00:00:00Z" }
tables:
  - table_name: accounts
    row_count: 5
    columns:
      - { column_name: id, data: row_id, is_primary_key: true }
      - { column_name: name, data: fake.name() }
`;

/** A table another tool wrote: 8 rows whose keys go up to 1004 (others were deleted). */
async function foreignAccounts(path: string, stats: boolean): Promise<void> {
  const ids = [1n, 2n, 3n, 1000n, 1001n, 1002n, 1003n, 1004n];
  const data = new arrow.Table({
    id: arrow.vectorFromArray(ids, new arrow.Int64()),
    name: arrow.vectorFromArray(ids.map((i) => `n${i}`), new arrow.Utf8()),
  });
  const writer = await DeltaWriter.open(path, { schema: data.schema, appId: "other-tool" });
  await writer.append(data);
  if (stats) return;
  const first = `${path}/_delta_log/00000000000000000000.json`;
  const text = await Deno.readTextFile(first);
  await Deno.writeTextFile(first, text.replaceAll(/,"stats":"(\\"|[^"])*"/g, ""));
}

Deno.test("generate --mode append puts new keys after the table's largest, stats or not", async () => {
  for (const stats of [true, false]) {
    await withTempDir(async (dir) => {
      const config = await writeConfig(dir, ACCOUNTS);
      await foreignAccounts(`${dir}/out/accounts`, stats);
      const result = await cli("generate", "-c", config, "-o", `${dir}/out`, "--mode", "append");
      assertEquals(result.code, 0, result.stderr);
      const snapshot = await readSnapshot(localFs, `${dir}/out/accounts`);
      assertEquals(snapshot.files.some((f) => f.stats), true, "our own commit has stats");
      const ids = Array.from(
        (await readTable(localFs, snapshot, { columns: ["id"] })).getChild("id")!,
        Number,
      ).sort((a, b) => a - b);
      // 8 rows, largest key 1004: the 5 new rows are 1005..1009, not 9..13.
      assertEquals(ids, [1, 2, 3, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]);
    });
  }
});
